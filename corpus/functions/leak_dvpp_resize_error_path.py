"""ACL102, the official Dvpp.resize bug: the input pic desc and the DVPP output
buffer are acquired, then a failing step (dvpp_malloc, output desc creation,
the async resize or the sync) logs and returns None without releasing them.
On the success path everything is released or returned, so the leaks exist
only on error paths the simulator does not take.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
DEVICE_ID = 0


def log_error(*args):
    print("[ERROR]", *args)


def yuv420sp_size(width, height):
    return width * height * 3 // 2


def set_desc(desc, ptr, size, width, height):
    ret = acl.media.dvpp_set_pic_desc_data(desc, ptr)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_format(desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_width(desc, width)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_height(desc, height)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(desc, size)
    return ret


def resize(channel_desc, resize_config, stream, image_ptr, image_size, width, height, out_w, out_h):
    input_desc = acl.media.dvpp_create_pic_desc()  # expect[static]: ACL102
    ret = set_desc(input_desc, image_ptr, image_size, width, height)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_destroy_pic_desc(input_desc)
        return None
    output_size = yuv420sp_size(out_w, out_h)
    out_buffer, ret = acl.media.dvpp_malloc(output_size)  # expect[static]: ACL102
    if ret != ACL_SUCCESS:
        log_error("Dvpp malloc failed, error: ", ret)
        return None
    output_desc = acl.media.dvpp_create_pic_desc()  # expect[static]: ACL102
    if output_desc == 0:
        log_error("Gen resize output desc failed")
        return None
    ret = set_desc(output_desc, out_buffer, output_size, out_w, out_h)
    if ret != ACL_SUCCESS:
        log_error("set output desc failed", ret)
        return None
    ret = acl.media.dvpp_vpc_resize_async(channel_desc, input_desc, output_desc, resize_config, stream)
    if ret != ACL_SUCCESS:
        log_error("Vpc resize async failed, error: ", ret)
        return None
    ret = acl.rt.synchronize_stream(stream)
    if ret != ACL_SUCCESS:
        log_error("Resize synchronize stream failed, error: ", ret)
        return None
    acl.media.dvpp_destroy_pic_desc(input_desc)
    acl.media.dvpp_destroy_pic_desc(output_desc)
    return out_buffer, output_size


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
                    resize_config = acl.media.dvpp_create_resize_config()
                    image_size = yuv420sp_size(1280, 720)
                    image_ptr, ret = acl.media.dvpp_malloc(image_size)
                    if ret == ACL_SUCCESS:
                        frame = bytes(image_size)
                        ret = acl.rt.memcpy(image_ptr, image_size, acl.util.bytes_to_ptr(frame), image_size,
                                            ACL_MEMCPY_HOST_TO_DEVICE)
                        if ret == ACL_SUCCESS:
                            result = resize(channel_desc, resize_config, stream, image_ptr, image_size,
                                            1280, 720, 416, 416)
                            print("resized:", result is not None)
                            if result is not None:
                                acl.media.dvpp_free(result[0])
                        acl.media.dvpp_free(image_ptr)
                    acl.media.dvpp_destroy_resize_config(resize_config)
                    acl.media.dvpp_destroy_channel(channel_desc)
                acl.media.dvpp_destroy_channel_desc(channel_desc)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
