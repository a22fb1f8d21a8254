"""ACL104: "growing" a device buffer by allocating a bigger one into the same
variable without freeing the old one. At run time the first allocation is
simply never freed (ACL101).

grow_correctly() frees the old buffer before reallocating: silent.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0


def upload_pair(first, second):
    size = len(first)
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL104  # expect[runtime]: ACL101
    if ret != ACL_SUCCESS:
        return 0, ret
    ret = acl.rt.memcpy(dev_ptr, size, acl.util.bytes_to_ptr(first), len(first), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        return 0, ret
    if len(second) > size:
        size = len(second)
        dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            return 0, ret
    ret = acl.rt.memcpy(dev_ptr, size, acl.util.bytes_to_ptr(second), len(second), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        return 0, ret
    return dev_ptr, ACL_SUCCESS


def grow_correctly(first, second):
    size = len(first)
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return 0, ret
    if len(second) > size:
        acl.rt.free(dev_ptr)
        size = len(second)
        dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            return 0, ret
    ret = acl.rt.memcpy(dev_ptr, size, acl.util.bytes_to_ptr(second), len(second), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        return 0, ret
    return dev_ptr, ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            small, large = bytes(1024), bytes(4096)
            for upload in (upload_pair, grow_correctly):
                dev_ptr, ret = upload(small, large)
                if ret == ACL_SUCCESS:
                    acl.rt.free(dev_ptr)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
