"""ACL202: after dvpp_vpc_resize_async the input pic desc is destroyed "as soon
as it is no longer needed", before synchronize_stream, while the VPC may still
read it. The rest of the teardown happens after the sync and is fine.
"""
import acl

ACL_SUCCESS = 0
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0
SRC_W, SRC_H, DST_W, DST_H = 1920, 1080, 640, 640


def make_desc(dev_ptr, size, width, height):
    desc = acl.media.dvpp_create_pic_desc()
    ret = acl.media.dvpp_set_pic_desc_data(desc, dev_ptr)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(desc, size)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width(desc, width)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height(desc, height)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_destroy_pic_desc(desc)
        return None
    return desc


def letterbox(channel_desc, stream, src_ptr, src_size, dst_ptr, dst_size):
    resize_config = acl.media.dvpp_create_resize_config()
    in_desc = make_desc(src_ptr, src_size, SRC_W, SRC_H)
    out_desc = make_desc(dst_ptr, dst_size, DST_W, DST_H)
    ret = -1
    if in_desc is not None and out_desc is not None:
        ret = acl.media.dvpp_vpc_resize_async(channel_desc, in_desc, out_desc, resize_config, stream)
        acl.media.dvpp_destroy_pic_desc(in_desc)  # expect: ACL202
        in_desc = None
        sync_ret = acl.rt.synchronize_stream(stream)
        ret = ret or sync_ret
    if in_desc is not None:
        acl.media.dvpp_destroy_pic_desc(in_desc)
    if out_desc is not None:
        acl.media.dvpp_destroy_pic_desc(out_desc)
    acl.media.dvpp_destroy_resize_config(resize_config)
    return ret


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
                    src_size, dst_size = SRC_W * SRC_H * 3 // 2, DST_W * DST_H * 3 // 2
                    src_ptr, ret = acl.media.dvpp_malloc(src_size)
                    if ret == ACL_SUCCESS:
                        dst_ptr, ret = acl.media.dvpp_malloc(dst_size)
                        if ret == ACL_SUCCESS:
                            print("letterbox:", letterbox(channel_desc, stream, src_ptr, src_size, dst_ptr, dst_size))
                            acl.media.dvpp_free(dst_ptr)
                        acl.media.dvpp_free(src_ptr)
                    acl.media.dvpp_destroy_channel(channel_desc)
                acl.media.dvpp_destroy_channel_desc(channel_desc)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
