"""atlas_utils-style Dvpp.jpegd() that never destroys its output pic desc (firing: ACL103).

jpegd() runs per image: it frees its input DVPP memory and hands the decoded
memory to the caller, but the output pic desc it creates is never destroyed.
main() decodes two images, so two descs from that call site are left.
"""

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def align_up(value, align):
    return (value + align - 1) // align * align


def set_output_desc(desc, ptr, size, width, height, stride_w, stride_h):
    ret = acl.media.dvpp_set_pic_desc_data(desc, ptr)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width(desc, width)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height(desc, height)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width_stride(desc, stride_w)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height_stride(desc, stride_h)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(desc, size)
    return ret


class Dvpp(object):
    def __init__(self, stream):
        self._stream = stream
        self._dvpp_channel_desc = acl.media.dvpp_create_channel_desc()
        ret = acl.media.dvpp_create_channel(self._dvpp_channel_desc)
        check_ret("acl.media.dvpp_create_channel", ret)

    def jpegd(self, jpeg, width, height):
        in_size = len(jpeg)
        in_ptr, ret = acl.media.dvpp_malloc(in_size)
        check_ret("acl.media.dvpp_malloc", ret)
        ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(jpeg), in_size,
                            ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            acl.media.dvpp_free(in_ptr)
            return None, 0
        stride_w = align_up(width, 128)
        stride_h = align_up(height, 16)
        out_size = stride_w * stride_h * 3 // 2
        out_ptr, ret = acl.media.dvpp_malloc(out_size)
        if ret != ACL_SUCCESS:
            acl.media.dvpp_free(in_ptr)
            return None, 0
        output_desc = acl.media.dvpp_create_pic_desc()  # expect: ACL103
        ret = set_output_desc(output_desc, out_ptr, out_size, width, height,
                              stride_w, stride_h)
        if ret == ACL_SUCCESS:
            ret = acl.media.dvpp_jpeg_decode_async(self._dvpp_channel_desc, in_ptr, in_size,
                                                   output_desc, self._stream)
        sync_ret = acl.rt.synchronize_stream(self._stream)
        acl.media.dvpp_free(in_ptr)
        if (ret, sync_ret) != (ACL_SUCCESS, ACL_SUCCESS):
            acl.media.dvpp_free(out_ptr)
            return None, 0
        return out_ptr, out_size

    def destroy(self):
        if self._dvpp_channel_desc:
            acl.media.dvpp_destroy_channel(self._dvpp_channel_desc)
            acl.media.dvpp_destroy_channel_desc(self._dvpp_channel_desc)
            self._dvpp_channel_desc = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            stream, ret = acl.rt.create_stream()
            check_ret("acl.rt.create_stream", ret)
            dvpp = Dvpp(stream)
            for seed in range(2):
                jpeg = b"\xff\xd8" + bytes([seed]) * 1024 + b"\xff\xd9"
                image, size = dvpp.jpegd(jpeg, 320, 240)
                if image is not None:
                    print("decoded", size)
                    acl.media.dvpp_free(image)
            dvpp.destroy()
            acl.rt.destroy_stream(stream)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
