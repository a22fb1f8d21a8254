"""JPEG decode with DVPP: the JPEG bytes are copied into dvpp_malloc memory,
the output pic desc points at a dvpp_malloc'ed YUV buffer, the decode is
synchronized before the input is freed and before the output desc is
destroyed, and the decoded buffer is handed to the caller. Clean.
"""
import struct

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0
WIDTH, HEIGHT = 640, 480


def synthetic_jpeg(width, height):
    """A header-only baseline JPEG (SOI, SOF0, EOI) standing in for a camera frame."""
    sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def align_up(value, align):
    return (value + align - 1) // align * align


def decode_jpeg(channel_desc, stream, jpeg, width, height):
    """Decoded YUV420SP image as (dvpp_ptr, size, ret); the caller dvpp_free()s it."""
    out_size = align_up(width, 128) * align_up(height, 16) * 3 // 2
    in_ptr, ret = acl.media.dvpp_malloc(len(jpeg))
    if ret != ACL_SUCCESS:
        return 0, 0, ret
    ret = acl.rt.memcpy(in_ptr, len(jpeg), acl.util.bytes_to_ptr(jpeg), len(jpeg), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(in_ptr)
        return 0, 0, ret
    out_ptr, ret = acl.media.dvpp_malloc(out_size)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(in_ptr)
        return 0, 0, ret
    out_desc = acl.media.dvpp_create_pic_desc()
    ret = acl.media.dvpp_set_pic_desc_data(out_desc, out_ptr)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(out_desc, out_size)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(out_desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_jpeg_decode_async(channel_desc, in_ptr, len(jpeg), out_desc, stream)
        sync_ret = acl.rt.synchronize_stream(stream)
        if ret == ACL_SUCCESS:
            ret = sync_ret
    acl.media.dvpp_destroy_pic_desc(out_desc)
    acl.media.dvpp_free(in_ptr)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(out_ptr)
        return 0, 0, ret
    return out_ptr, out_size, ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                channel_desc = acl.media.dvpp_create_channel_desc()
                ret = acl.media.dvpp_create_channel(channel_desc)
                if ret == ACL_SUCCESS:
                    jpeg = synthetic_jpeg(WIDTH, HEIGHT)
                    yuv_ptr, yuv_size, ret = decode_jpeg(channel_desc, stream, jpeg, WIDTH, HEIGHT)
                    if ret == ACL_SUCCESS:
                        print("decoded", yuv_size, "bytes")
                        acl.media.dvpp_free(yuv_ptr)
                    acl.media.dvpp_destroy_channel(channel_desc)
                acl.media.dvpp_destroy_channel_desc(channel_desc)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
