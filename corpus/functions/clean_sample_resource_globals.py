"""Sample-style module globals: init_resource() stores the context and stream
in module globals (an ownership transfer), release_resource() destroys them
and resets the globals to None; acl.init / set_device and their releases
stay in main(). Clean.
"""
import acl

ACL_SUCCESS = 0
SUCCESS = 0
FAILED = 1
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0

context = None
stream = None


def init_resource():
    global context, stream
    context, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        print("create_context failed", ret)
        context = None
        return FAILED
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        print("create_stream failed", ret)
        stream = None
        return FAILED
    return SUCCESS


def release_resource():
    global context, stream
    if stream is not None:
        acl.rt.destroy_stream(stream)
        stream = None
    if context is not None:
        acl.rt.destroy_context(context)
        context = None


def fill_device_buffer(size, pattern):
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    data = pattern * (size // len(pattern))
    ret = acl.rt.memcpy(dev_ptr, size, acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret == ACL_SUCCESS:
        ret = acl.rt.synchronize_stream(stream)
    acl.rt.free(dev_ptr)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        if init_resource() == SUCCESS:
            print("fill:", fill_device_buffer(1 << 16, b"\xab\xcd"))
        release_resource()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
