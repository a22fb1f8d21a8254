"""DVPP batch loop done right: for every frame a pic desc pair is created,
the async resize is synchronized, and both descs are destroyed in the same
iteration; the output buffers are collected in a list and handed to the
caller, who dvpp_free()s them. Look-alike of ACL103/ACL202 for DVPP. Clean.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0
SRC_W, SRC_H, DST_W, DST_H = 640, 480, 224, 224


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


def resize_batch(channel_desc, stream, src_ptr, frames):
    src_size, dst_size = SRC_W * SRC_H * 3 // 2, DST_W * DST_H * 3 // 2
    resize_config = acl.media.dvpp_create_resize_config()
    outputs = []
    for frame in frames:
        ret = acl.rt.memcpy(src_ptr, src_size, acl.util.bytes_to_ptr(frame), len(frame), ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            break
        dst_ptr, ret = acl.media.dvpp_malloc(dst_size)
        if ret != ACL_SUCCESS:
            break
        outputs.append(dst_ptr)
        in_desc = acl.media.dvpp_create_pic_desc()
        out_desc = acl.media.dvpp_create_pic_desc()
        ret = describe(in_desc, src_ptr, src_size, SRC_W, SRC_H)
        if ret == ACL_SUCCESS:
            ret = describe(out_desc, dst_ptr, dst_size, DST_W, DST_H)
        if ret == ACL_SUCCESS:
            ret = acl.media.dvpp_vpc_resize_async(channel_desc, in_desc, out_desc, resize_config, stream)
            sync_ret = acl.rt.synchronize_stream(stream)
            ret = ret or sync_ret
        acl.media.dvpp_destroy_pic_desc(in_desc)
        acl.media.dvpp_destroy_pic_desc(out_desc)
        if ret != ACL_SUCCESS:
            break
    acl.media.dvpp_destroy_resize_config(resize_config)
    return outputs


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
                    src_ptr, ret = acl.media.dvpp_malloc(SRC_W * SRC_H * 3 // 2)
                    if ret == ACL_SUCCESS:
                        frames = [bytes(SRC_W * SRC_H * 3 // 2) for _ in range(3)]
                        outputs = resize_batch(channel_desc, stream, src_ptr, frames)
                        print("resized:", len(outputs))
                        for dst_ptr in outputs:
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
