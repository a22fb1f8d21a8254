"""A VPC resizer whose destroy() releases the channel desc before the channel (firing: ACL203).

The documentation requires dvpp_destroy_channel(desc) before
dvpp_destroy_channel_desc(desc); destroy() does it the other way round.
"""

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def set_pic_desc(desc, ptr, size, width, height):
    ret = acl.media.dvpp_set_pic_desc_data(desc, ptr)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(desc, size)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width(desc, width)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height(desc, height)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width_stride(desc, width)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height_stride(desc, height)
    return ret


class VpcResizer(object):
    def __init__(self, stream):
        self._stream = stream
        self._channel_desc = acl.media.dvpp_create_channel_desc()
        ret = acl.media.dvpp_create_channel(self._channel_desc)
        check_ret("acl.media.dvpp_create_channel", ret)
        self._resize_config = acl.media.dvpp_create_resize_config()

    def resize(self, src_ptr, src_w, src_h, dst_ptr, dst_w, dst_h):
        in_desc = acl.media.dvpp_create_pic_desc()
        out_desc = acl.media.dvpp_create_pic_desc()
        ret = set_pic_desc(in_desc, src_ptr, src_w * src_h * 3 // 2, src_w, src_h)
        if ret == ACL_SUCCESS:
            ret = set_pic_desc(out_desc, dst_ptr, dst_w * dst_h * 3 // 2, dst_w, dst_h)
        if ret == ACL_SUCCESS:
            ret = acl.media.dvpp_vpc_resize_async(self._channel_desc, in_desc, out_desc,
                                                  self._resize_config, self._stream)
        sync_ret = acl.rt.synchronize_stream(self._stream)
        acl.media.dvpp_destroy_pic_desc(in_desc)
        acl.media.dvpp_destroy_pic_desc(out_desc)
        return (ret, sync_ret) == (ACL_SUCCESS, ACL_SUCCESS)

    def destroy(self):
        acl.media.dvpp_destroy_resize_config(self._resize_config)
        acl.media.dvpp_destroy_channel_desc(self._channel_desc)  # expect: ACL203
        acl.media.dvpp_destroy_channel(self._channel_desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            stream, ret = acl.rt.create_stream()
            check_ret("acl.rt.create_stream", ret)
            resizer = VpcResizer(stream)
            src_size = 640 * 480 * 3 // 2
            dst_size = 224 * 224 * 3 // 2
            src, ret = acl.media.dvpp_malloc(src_size)
            if ret == ACL_SUCCESS:
                dst, ret = acl.media.dvpp_malloc(dst_size)
                if ret == ACL_SUCCESS:
                    frame = bytes(src_size)
                    ret = acl.rt.memcpy(src, src_size, acl.util.bytes_to_ptr(frame), src_size,
                                        ACL_MEMCPY_HOST_TO_DEVICE)
                    if ret == ACL_SUCCESS:
                        print("resized:", resizer.resize(src, 640, 480, dst, 224, 224))
                    acl.media.dvpp_free(dst)
                acl.media.dvpp_free(src)
            resizer.destroy()
            acl.rt.destroy_stream(stream)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
