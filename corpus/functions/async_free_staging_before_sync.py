"""ACL202: memcpy_async uploads from pinned host memory, and the pinned staging
buffer is freed right after the launch, before synchronize_stream. The copy
may still be reading it. Everything else is synchronized and released.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
TENSOR_BYTES = 3 * 224 * 224 * 4


def upload(stream, payload):
    """Upload payload into new device memory; the caller owns the returned pointer."""
    size = len(payload)
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None, ret
    staging, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        return None, ret
    ret = acl.rt.memcpy(staging, size, acl.util.bytes_to_ptr(payload), size, 0)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy_async(dev_ptr, size, staging, size, ACL_MEMCPY_HOST_TO_DEVICE, stream)
    # staging memory released while the async copy may still read it
    acl.rt.free_host(staging)  # expect: ACL202
    sync_ret = acl.rt.synchronize_stream(stream)
    if ret != ACL_SUCCESS or sync_ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        return None, ret or sync_ret
    return dev_ptr, ACL_SUCCESS


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
                dev_ptr, ret = upload(stream, bytes(TENSOR_BYTES))
                if ret == ACL_SUCCESS:
                    print("uploaded to", hex(dev_ptr))
                    acl.rt.free(dev_ptr)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
