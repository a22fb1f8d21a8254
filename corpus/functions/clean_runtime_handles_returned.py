"""Handles returned to the caller: open_runtime() returns (context, stream,
ret) and releases what it made on each failure; open_io() returns its
device pointers in a dict; the caller releases everything in reverse order.
Returning a handle (also inside a tuple or dict) is an ownership transfer,
not a leak. Clean.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_DEVICE = 3
DEVICE_ID = 0


def open_runtime(device_id):
    context, ret = acl.rt.create_context(device_id)
    if ret != ACL_SUCCESS:
        return 0, 0, ret
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        acl.rt.destroy_context(context)
        return 0, 0, ret
    return context, stream, ACL_SUCCESS


def open_io(size):
    src, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    dst, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(src)
        return None
    return {"src": src, "dst": dst, "size": size}


def copy_on_stream(io, stream, payload):
    ret = acl.rt.memcpy(io["src"], io["size"], acl.util.bytes_to_ptr(payload), len(payload),
                        ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        return ret
    ret = acl.rt.memcpy_async(io["dst"], io["size"], io["src"], io["size"], ACL_MEMCPY_DEVICE_TO_DEVICE, stream)
    sync_ret = acl.rt.synchronize_stream(stream)
    return ret or sync_ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, stream, ret = open_runtime(DEVICE_ID)
        if ret == ACL_SUCCESS:
            io = open_io(1 << 12)
            if io is not None:
                print("copy:", copy_on_stream(io, stream, bytes(1 << 12)))
                acl.rt.free(io["src"])
                acl.rt.free(io["dst"])
            acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
