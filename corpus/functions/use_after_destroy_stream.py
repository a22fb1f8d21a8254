"""ACL302: a private copy stream is destroyed inside the helper, and a later
"make sure everything landed" synchronize_stream is issued on the destroyed
stream. Also ACL302 on a DVPP pic desc that is filled after being destroyed.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0


def upload_on_private_stream(dev_ptr, payload):
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        return ret
    staging, ret = acl.rt.malloc_host(len(payload))
    if ret != ACL_SUCCESS:
        acl.rt.destroy_stream(stream)
        return ret
    ret = acl.rt.memcpy(staging, len(payload), acl.util.bytes_to_ptr(payload), len(payload), 0)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy_async(dev_ptr, len(payload), staging, len(payload), ACL_MEMCPY_HOST_TO_DEVICE, stream)
    sync_ret = acl.rt.synchronize_stream(stream)
    acl.rt.free_host(staging)
    acl.rt.destroy_stream(stream)
    final_ret = acl.rt.synchronize_stream(stream)  # expect: ACL302
    return ret or sync_ret or final_ret


def describe_frame(dev_ptr, size):
    pic_desc = acl.media.dvpp_create_pic_desc()
    ret = acl.media.dvpp_set_pic_desc_data(pic_desc, dev_ptr)
    acl.media.dvpp_destroy_pic_desc(pic_desc)
    if ret == ACL_SUCCESS:
        ret = acl.media.dvpp_set_pic_desc_size(pic_desc, size)  # expect: ACL302
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            payload = bytes(8192)
            dev_ptr, ret = acl.rt.malloc(len(payload), ACL_MEM_MALLOC_HUGE_FIRST)
            if ret == ACL_SUCCESS:
                print("upload:", upload_on_private_stream(dev_ptr, payload))
                acl.rt.free(dev_ptr)
            frame_ptr, ret = acl.media.dvpp_malloc(len(payload))
            if ret == ACL_SUCCESS:
                print("describe:", describe_frame(frame_ptr, len(payload)))
                acl.media.dvpp_free(frame_ptr)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
