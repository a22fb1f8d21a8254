"""ACL501, subtler forms: a malloc status overwritten by the next malloc before
anyone looks at it, a memcpy_async launched as a bare statement, a
synchronize whose status is assigned to `_`, and a set_context status stored
but never read before the function returns.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_DEVICE_TO_DEVICE = 3
DEVICE_ID = 0
SIZE = 1 << 20


def duplicate(stream):
    src_ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL501
    dst_ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(src_ptr)
        return ret
    acl.rt.memcpy_async(dst_ptr, SIZE, src_ptr, SIZE, ACL_MEMCPY_DEVICE_TO_DEVICE, stream)  # expect[static]: ACL501
    _ = acl.rt.synchronize_stream(stream)  # expect[static]: ACL501
    acl.rt.free(src_ptr)
    acl.rt.free(dst_ptr)
    return ACL_SUCCESS


def activate(context):
    ret = acl.rt.set_context(context)  # expect[static]: ACL501
    return context


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            activate(context)
            stream, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                print("duplicate:", duplicate(stream))
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
