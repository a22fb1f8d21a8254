"""A helper whose paths return different shapes, and callers that keep what it makes (firing: ACL101).

make_input() returns 0 when the malloc fails, the device pointer alone when
no buffer is wanted, and (pointer, data buffer) when one is. Each caller
unpacks the shape it asked for. upload_raw() never frees the pointer and
upload_wrapped() never destroys the buffer. The clean look-alike, whose
callers release what they get, is clean_helper_return_shapes.py.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def make_input(size, wrapped):
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[runtime]: ACL101
    if ret != ACL_SUCCESS:
        return 0
    if wrapped:
        buf = acl.create_data_buffer(ptr, size)  # expect[runtime]: ACL101
        return ptr, buf
    return ptr


def upload_raw(data):
    ptr = make_input(len(data), False)  # expect[static]: ACL101
    if not ptr:
        return False
    ret = acl.rt.memcpy(ptr, len(data), acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
    return ret == ACL_SUCCESS


def upload_wrapped(data):
    ptr, buf = make_input(len(data), True)  # expect[static]: ACL101
    ret = acl.rt.memcpy(ptr, len(data), acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
    acl.rt.free(ptr)
    return ret == ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        print(upload_raw(b"\x01" * 64), upload_wrapped(b"\x02" * 64))
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
