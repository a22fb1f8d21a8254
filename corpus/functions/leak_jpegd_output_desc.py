"""ACL101, the official jpegd bug: the decode output pic desc is created for
every call and never destroyed; only the decoded buffer is returned to the
caller (which frees it). Everything else is released.
"""
import struct

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0


def synthetic_jpeg(width, height):
    """A header-only baseline JPEG (SOI, SOF0, EOI) standing in for a camera frame."""
    sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def align_up(value, align):
    return (value + align - 1) // align * align


def set_output_pic_desc(pic_desc, width, height, out_buffer, out_size):
    ret = acl.media.dvpp_set_pic_desc_data(pic_desc, out_buffer)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(pic_desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width_stride(pic_desc, align_up(width, 128))
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height_stride(pic_desc, align_up(height, 16))
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(pic_desc, out_size)
    return ret


def jpegd(channel_desc, stream, jpeg_ptr, jpeg_size, width, height):
    out_size = align_up(width, 128) * align_up(height, 16) * 3 // 2
    out_buffer, ret = acl.media.dvpp_malloc(out_size)
    if ret != ACL_SUCCESS:
        return None
    output_desc = acl.media.dvpp_create_pic_desc()  # expect: ACL101
    ret = set_output_pic_desc(output_desc, width, height, out_buffer, out_size)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_jpeg_decode_async(channel_desc, jpeg_ptr, jpeg_size, output_desc, stream)
    sync_ret = acl.rt.synchronize_stream(stream)
    if ret != ACL_SUCCESS or sync_ret != ACL_SUCCESS:
        acl.media.dvpp_destroy_pic_desc(output_desc)
        acl.media.dvpp_free(out_buffer)
        return None
    # output_desc is neither destroyed nor returned on the success path
    return out_buffer


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        stream, ret = acl.rt.create_stream()
        if ret == ACL_SUCCESS:
            channel_desc = acl.media.dvpp_create_channel_desc()
            ret = acl.media.dvpp_create_channel(channel_desc)
            if ret == ACL_SUCCESS:
                jpeg = synthetic_jpeg(1024, 768)
                jpeg_ptr, ret = acl.media.dvpp_malloc(len(jpeg))
                if ret == ACL_SUCCESS:
                    ret = acl.rt.memcpy(jpeg_ptr, len(jpeg), acl.util.bytes_to_ptr(jpeg), len(jpeg),
                                        ACL_MEMCPY_HOST_TO_DEVICE)
                    if ret == ACL_SUCCESS:
                        yuv = jpegd(channel_desc, stream, jpeg_ptr, len(jpeg), 1024, 768)
                        if yuv is not None:
                            acl.media.dvpp_free(yuv)
                    acl.media.dvpp_free(jpeg_ptr)
                acl.media.dvpp_destroy_channel(channel_desc)
            acl.media.dvpp_destroy_channel_desc(channel_desc)
            acl.rt.destroy_stream(stream)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
