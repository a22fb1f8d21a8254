"""Two streams with async copies, completed by a single
acl.rt.synchronize_device() before any result is read or any memory is
freed; synchronize_device covers every stream (look-alike of ACL202).
Clean.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
SIZE = 1 << 16


def mirror(stream_a, stream_b):
    host_src, ret = acl.rt.malloc_host(SIZE)
    if ret != ACL_SUCCESS:
        return None
    host_dst, ret = acl.rt.malloc_host(SIZE)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host_src)
        return None
    dev_ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host_src)
        acl.rt.free_host(host_dst)
        return None
    result = None
    ret = acl.rt.memcpy_async(dev_ptr, SIZE, host_src, SIZE, ACL_MEMCPY_HOST_TO_DEVICE, stream_a)
    if ret == ACL_SUCCESS:
        ret = acl.rt.synchronize_stream(stream_a)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy_async(host_dst, SIZE, dev_ptr, SIZE, ACL_MEMCPY_DEVICE_TO_HOST, stream_b)
    sync_ret = acl.rt.synchronize_device()
    if ret == ACL_SUCCESS and sync_ret == ACL_SUCCESS:
        result = acl.util.ptr_to_bytes(host_dst, SIZE)
    acl.rt.free(dev_ptr)
    acl.rt.free_host(host_src)
    acl.rt.free_host(host_dst)
    return result


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream_a, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                stream_b, ret = acl.rt.create_stream()
                if ret == ACL_SUCCESS:
                    data = mirror(stream_a, stream_b)
                    print("mirrored:", None if data is None else len(data))
                    acl.rt.destroy_stream(stream_b)
                acl.rt.destroy_stream(stream_a)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
