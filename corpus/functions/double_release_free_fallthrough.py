"""ACL301 on an error path: when the upload fails the buffer is freed but the
function forgets to return, so the common cleanup at the end frees it again.
main() never makes the upload fail, so only the static analyzer sees it.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0


def roundtrip(payload):
    size = len(payload)
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    ret = acl.rt.memcpy(dev_ptr, size, acl.util.bytes_to_ptr(payload), size, ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        print("upload failed", ret)
        acl.rt.free(dev_ptr)
    result = None
    host_ptr, ret = acl.rt.malloc_host(size)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)  # expect[static]: ACL302
        if ret == ACL_SUCCESS:
            result = acl.util.ptr_to_bytes(host_ptr, size)
        acl.rt.free_host(host_ptr)
    acl.rt.free(dev_ptr)  # expect[static]: ACL301
    return result


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            data = roundtrip(b"\x01\x02\x03\x04" * 256)
            print("roundtrip ok:", data is not None)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
