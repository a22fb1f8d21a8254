"""ACL103: a video loop resizes every frame; the input pic desc is created
inside the loop and only the last one is destroyed after the loop. The output
desc, resize config and memory are handled correctly.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0
SRC_W, SRC_H, DST_W, DST_H = 1280, 720, 320, 320


def describe(desc, dev_ptr, size, width, height):
    ret = acl.media.dvpp_set_pic_desc_data(desc, dev_ptr)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(desc, size)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width(desc, width)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height(desc, height)
    return ret


def resize_stream(channel_desc, stream, frames):
    src_size, dst_size = SRC_W * SRC_H * 3 // 2, DST_W * DST_H * 3 // 2
    src_ptr, ret = acl.media.dvpp_malloc(src_size)
    if ret != ACL_SUCCESS:
        return 0
    dst_ptr, ret = acl.media.dvpp_malloc(dst_size)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(src_ptr)
        return 0
    out_desc = acl.media.dvpp_create_pic_desc()
    resize_config = acl.media.dvpp_create_resize_config()
    ret = describe(out_desc, dst_ptr, dst_size, DST_W, DST_H)
    done = 0
    in_desc = 0
    for frame in frames:
        if ret != ACL_SUCCESS:
            break
        ret = acl.rt.memcpy(src_ptr, src_size, acl.util.bytes_to_ptr(frame), len(frame), ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            break
        in_desc = acl.media.dvpp_create_pic_desc()  # expect: ACL103
        ret = describe(in_desc, src_ptr, src_size, SRC_W, SRC_H)
        if ret == ACL_SUCCESS:
            ret = acl.media.dvpp_vpc_resize_async(channel_desc, in_desc, out_desc, resize_config, stream)
            sync_ret = acl.rt.synchronize_stream(stream)
            if ret == ACL_SUCCESS and sync_ret == ACL_SUCCESS:
                done += 1
    if in_desc:
        acl.media.dvpp_destroy_pic_desc(in_desc)
    acl.media.dvpp_destroy_pic_desc(out_desc)
    acl.media.dvpp_destroy_resize_config(resize_config)
    acl.media.dvpp_free(dst_ptr)
    acl.media.dvpp_free(src_ptr)
    return done


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
                    frames = [bytes(SRC_W * SRC_H * 3 // 2) for _ in range(3)]
                    print("resized frames:", resize_stream(channel_desc, stream, frames))
                    acl.media.dvpp_destroy_channel(channel_desc)
                acl.media.dvpp_destroy_channel_desc(channel_desc)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
