"""DVPP VPC resize done right: dvpp_malloc'ed input/output, pic descs, a resize
config, dvpp_vpc_resize_async, synchronize_stream before anything used by the
async call is released, dvpp_free for DVPP memory, and the channel destroyed
before its channel desc. Clean look-alike of ACL202/ACL203/ACL303.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0


def align_up(value, align):
    return (value + align - 1) // align * align


def fill_pic_desc(desc, dev_ptr, size, width, height):
    stride_w, stride_h = align_up(width, 16), align_up(height, 2)
    for setter, value in ((acl.media.dvpp_set_pic_desc_data, dev_ptr),
                          (acl.media.dvpp_set_pic_desc_size, size),
                          (acl.media.dvpp_set_pic_desc_format, PIXEL_FORMAT_YUV_SEMIPLANAR_420),
                          (acl.media.dvpp_set_pic_desc_width, width),
                          (acl.media.dvpp_set_pic_desc_height, height),
                          (acl.media.dvpp_set_pic_desc_width_stride, stride_w),
                          (acl.media.dvpp_set_pic_desc_height_stride, stride_h)):
        ret = setter(desc, value)
        if ret != ACL_SUCCESS:
            return ret
    return ACL_SUCCESS


def resize(channel_desc, stream, yuv, width, height, out_w, out_h):
    """Returns (dvpp_ptr, size) of the resized image; free it with dvpp_free."""
    in_size = len(yuv)
    out_size = align_up(out_w, 16) * align_up(out_h, 2) * 3 // 2
    in_ptr, ret = acl.media.dvpp_malloc(in_size)
    if ret != ACL_SUCCESS:
        return None
    ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(yuv), in_size, ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(in_ptr)
        return None
    out_ptr, ret = acl.media.dvpp_malloc(out_size)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(in_ptr)
        return None
    in_desc = acl.media.dvpp_create_pic_desc()
    out_desc = acl.media.dvpp_create_pic_desc()
    resize_config = acl.media.dvpp_create_resize_config()
    ret = fill_pic_desc(in_desc, in_ptr, in_size, width, height)
    if ret == ACL_SUCCESS:
        ret = fill_pic_desc(out_desc, out_ptr, out_size, out_w, out_h)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_vpc_resize_async(channel_desc, in_desc, out_desc, resize_config, stream)
        sync_ret = acl.rt.synchronize_stream(stream)
        if ret == ACL_SUCCESS:
            ret = sync_ret
    acl.media.dvpp_destroy_resize_config(resize_config)
    acl.media.dvpp_destroy_pic_desc(in_desc)
    acl.media.dvpp_destroy_pic_desc(out_desc)
    acl.media.dvpp_free(in_ptr)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(out_ptr)
        return None
    return out_ptr, out_size


def run(stream):
    channel_desc = acl.media.dvpp_create_channel_desc()
    ret = acl.media.dvpp_create_channel(channel_desc)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_destroy_channel_desc(channel_desc)
        return
    frame = bytes(1920 * 1080 * 3 // 2)
    resized = resize(channel_desc, stream, frame, 1920, 1080, 224, 224)
    if resized is not None:
        out_ptr, out_size = resized
        print("resized image:", out_size, "bytes")
        acl.media.dvpp_free(out_ptr)
    acl.media.dvpp_destroy_channel(channel_desc)
    acl.media.dvpp_destroy_channel_desc(channel_desc)


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
                run(stream)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
