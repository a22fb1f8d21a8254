"""ACL303 twice: DVPP memory from dvpp_malloc released with acl.rt.free, and
pinned host memory from malloc_host released with acl.media.dvpp_free.
stage_frame_correctly() pairs each allocator with its own free: silent.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_HOST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
FRAME_BYTES = 1280 * 720 * 3 // 2


def stage_frame_correctly(frame):
    host_ptr, ret = acl.rt.malloc_host(len(frame))
    if ret != ACL_SUCCESS:
        return ret
    dvpp_ptr, ret = acl.media.dvpp_malloc(len(frame))
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host_ptr)
        return ret
    ret = acl.rt.memcpy(host_ptr, len(frame), acl.util.bytes_to_ptr(frame), len(frame), ACL_MEMCPY_HOST_TO_HOST)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy(dvpp_ptr, len(frame), host_ptr, len(frame), ACL_MEMCPY_HOST_TO_DEVICE)
    acl.media.dvpp_free(dvpp_ptr)
    acl.rt.free_host(host_ptr)
    return ret


def stage_frame_mixed_up(frame):
    host_ptr, ret = acl.rt.malloc_host(len(frame))
    if ret != ACL_SUCCESS:
        return ret
    dvpp_ptr, ret = acl.media.dvpp_malloc(len(frame))
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host_ptr)
        return ret
    ret = acl.rt.memcpy(host_ptr, len(frame), acl.util.bytes_to_ptr(frame), len(frame), ACL_MEMCPY_HOST_TO_HOST)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy(dvpp_ptr, len(frame), host_ptr, len(frame), ACL_MEMCPY_HOST_TO_DEVICE)
    acl.rt.free(dvpp_ptr)  # expect: ACL303
    acl.media.dvpp_free(host_ptr)  # expect: ACL303
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            frame = bytes(FRAME_BYTES)
            print("correct:", stage_frame_correctly(frame))
            print("mixed up:", stage_frame_mixed_up(frame))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
