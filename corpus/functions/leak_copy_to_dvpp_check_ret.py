"""ACL102, the acllite copy_data_to_dvpp bug: dvpp_malloc succeeds, then
check_ret raises when the memcpy fails and the DVPP buffer is lost. The
decode that follows uses the buffer correctly and frees it with dvpp_free.
main() decodes frame after frame and drops a frame whose decode raises: the
process lives on, so the leak is a finding (not a process-exit leak).
"""
import struct

import acl

ACL_SUCCESS = 0
ACL_HOST = 1
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_DEVICE = 3
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0


def synthetic_jpeg(width, height):
    """A header-only baseline JPEG (SOI, SOF0, EOI) standing in for a camera frame."""
    sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def copy_data_to_dvpp(data, size, run_mode):
    policy = ACL_MEMCPY_HOST_TO_DEVICE if run_mode == ACL_HOST else ACL_MEMCPY_DEVICE_TO_DEVICE
    dvpp_mem, ret = acl.media.dvpp_malloc(size)  # expect[static]: ACL102
    check_ret("acl.media.dvpp_malloc", ret)
    ret = acl.rt.memcpy(dvpp_mem, size, data, size, policy)
    check_ret("acl.rt.memcpy", ret)
    return dvpp_mem


def decode(channel_desc, stream, jpeg, run_mode):
    in_ptr = copy_data_to_dvpp(acl.util.bytes_to_ptr(jpeg), len(jpeg), run_mode)
    out_size = 640 * 480 * 3 // 2
    out_ptr, ret = acl.media.dvpp_malloc(out_size)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(in_ptr)
        return ret
    out_desc = acl.media.dvpp_create_pic_desc()
    ret = acl.media.dvpp_set_pic_desc_data(out_desc, out_ptr)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(out_desc, out_size)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(out_desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_jpeg_decode_async(channel_desc, in_ptr, len(jpeg), out_desc, stream)
        sync_ret = acl.rt.synchronize_stream(stream)
        ret = ret or sync_ret
    acl.media.dvpp_destroy_pic_desc(out_desc)
    acl.media.dvpp_free(out_ptr)
    acl.media.dvpp_free(in_ptr)
    return ret


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        check_ret("acl.rt.set_device", ret)
        try:
            stream, ret = acl.rt.create_stream()
            check_ret("acl.rt.create_stream", ret)
            try:
                run_mode, ret = acl.rt.get_run_mode()
                check_ret("acl.rt.get_run_mode", ret)
                channel_desc = acl.media.dvpp_create_channel_desc()
                try:
                    ret = acl.media.dvpp_create_channel(channel_desc)
                    check_ret("acl.media.dvpp_create_channel", ret)
                    try:
                        for width, height in ((640, 480), (320, 240)):
                            try:
                                jpeg = synthetic_jpeg(width, height)
                                print("decode:", decode(channel_desc, stream, jpeg, run_mode))
                            except Exception as exc:  # a bad frame is dropped, the next one decoded
                                print("frame dropped:", exc)
                    finally:
                        acl.media.dvpp_destroy_channel(channel_desc)
                finally:
                    acl.media.dvpp_destroy_channel_desc(channel_desc)
            finally:
                acl.rt.destroy_stream(stream)
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
