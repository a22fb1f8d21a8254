"""A generator that uploads each frame into fresh device memory and yields the
pointer: yielding hands ownership to the consumer, which frees every pointer
it receives. Inside the loop the allocation escapes by the yield, so there is
no per-iteration leak. Clean.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0


def device_frames(frames):
    for frame in frames:
        dev_ptr, ret = acl.rt.malloc(len(frame), ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            return
        ret = acl.rt.memcpy(dev_ptr, len(frame), acl.util.bytes_to_ptr(frame), len(frame),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            acl.rt.free(dev_ptr)
            return
        yield dev_ptr, len(frame)


def first_byte(dev_ptr, size):
    host_ptr, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        return None
    value = None
    ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
    if ret == ACL_SUCCESS:
        value = acl.util.ptr_to_bytes(host_ptr, size)[0]
    acl.rt.free_host(host_ptr)
    return value


def consume(frames):
    firsts = []
    for dev_ptr, size in device_frames(frames):
        firsts.append(first_byte(dev_ptr, size))
        acl.rt.free(dev_ptr)
    return firsts


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print(consume([bytes([n]) * 4096 for n in range(3)]))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
