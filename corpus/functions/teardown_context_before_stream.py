"""ACL203: the explicit context is destroyed while the stream created in it is
still alive; the stream is destroyed afterwards. The documented order is
stream -> context -> reset_device -> finalize.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0


def warm_up(stream):
    dev_ptr, ret = acl.rt.malloc(1 << 20, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    zeros = bytes(1 << 20)
    ret = acl.rt.memcpy(dev_ptr, 1 << 20, acl.util.bytes_to_ptr(zeros), len(zeros), ACL_MEMCPY_HOST_TO_DEVICE)
    sync_ret = acl.rt.synchronize_stream(stream)
    acl.rt.free(dev_ptr)
    return ret or sync_ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret != ACL_SUCCESS:
        acl.finalize()
        return
    context, ret = acl.rt.create_context(DEVICE_ID)
    if ret == ACL_SUCCESS:
        stream, ret = acl.rt.create_stream()
        if ret == ACL_SUCCESS:
            print("warm_up:", warm_up(stream))
            acl.rt.destroy_context(context)  # expect: ACL203
            acl.rt.destroy_stream(stream)
        else:
            acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
