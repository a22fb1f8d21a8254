"""Runtime state kept in module globals (clean).

init_acl() stores the context and stream in module globals with `global`;
deinit_acl() releases them (guarded, idempotent) in the documented order.
The module is the owner, and it releases everything it owns.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0

_context = None
_stream = None
_scratch = None
_initialized = False


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def init_acl(scratch_size=1 << 16):
    """Acquire everything; on a failure, undo what was done so far and raise."""
    global _context, _stream, _scratch, _initialized
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    if ret != ACL_SUCCESS:
        acl.finalize()
        raise Exception("acl.rt.set_device failed ret={}".format(ret))
    _context, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        _context = None
        acl.rt.reset_device(DEVICE_ID)
        acl.finalize()
        raise Exception("acl.rt.create_context failed ret={}".format(ret))
    _stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        _stream = None
        acl.rt.destroy_context(_context)
        _context = None
        acl.rt.reset_device(DEVICE_ID)
        acl.finalize()
        raise Exception("acl.rt.create_stream failed ret={}".format(ret))
    _scratch, ret = acl.rt.malloc(scratch_size, ACL_MEM_MALLOC_HUGE_FIRST)
    _initialized = True
    if ret != ACL_SUCCESS:
        _scratch = None
        deinit_acl()
        raise Exception("acl.rt.malloc failed ret={}".format(ret))


def roundtrip(data):
    """Copy data to the scratch area and back, on the module stream."""
    size = len(data)
    ret = acl.rt.memcpy_async(_scratch, size, acl.util.bytes_to_ptr(data), size,
                              ACL_MEMCPY_HOST_TO_DEVICE, _stream)
    check_ret("acl.rt.memcpy_async", ret)
    ret = acl.rt.synchronize_stream(_stream)
    check_ret("acl.rt.synchronize_stream", ret)
    host, ret = acl.rt.malloc_host(size)
    check_ret("acl.rt.malloc_host", ret)
    ret = acl.rt.memcpy(host, size, _scratch, size, ACL_MEMCPY_DEVICE_TO_HOST)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host)
        raise Exception("acl.rt.memcpy failed ret={}".format(ret))
    result = acl.util.ptr_to_bytes(host, size)
    acl.rt.free_host(host)
    return result


def deinit_acl():
    global _context, _stream, _scratch, _initialized
    if not _initialized:
        return
    if _scratch is not None:
        acl.rt.free(_scratch)
        _scratch = None
    if _stream is not None:
        acl.rt.destroy_stream(_stream)
        _stream = None
    if _context is not None:
        acl.rt.destroy_context(_context)
        _context = None
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()
    _initialized = False


def main():
    init_acl()
    try:
        for text in (b"hello", b"ascend npu"):
            print(roundtrip(text))
    finally:
        deinit_acl()


if __name__ == "__main__":
    main()
