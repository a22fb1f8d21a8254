"""Module globals: deinit() destroys the context but never the stream (firing: ACL105).

The module owns g_context, g_stream and g_buffer (set with `global` in
init()); deinit() releases the buffer and the context, but no function of
the module ever destroys g_stream.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0

g_context = None
g_stream = None
g_buffer = None


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def init(buffer_size):
    global g_context, g_stream, g_buffer
    g_context, ret = acl.rt.create_context(DEVICE_ID)
    check_ret("acl.rt.create_context", ret)
    g_stream, ret = acl.rt.create_stream()  # expect[static]: ACL105  # expect[runtime]: ACL101
    check_ret("acl.rt.create_stream", ret)
    g_buffer, ret = acl.rt.malloc(buffer_size, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("acl.rt.malloc", ret)


def upload(data):
    ret = acl.rt.memcpy_async(g_buffer, len(data), acl.util.bytes_to_ptr(data), len(data),
                              ACL_MEMCPY_HOST_TO_DEVICE, g_stream)
    check_ret("acl.rt.memcpy_async", ret)
    ret = acl.rt.synchronize_stream(g_stream)
    check_ret("acl.rt.synchronize_stream", ret)


def deinit():
    global g_context, g_buffer
    if g_buffer is not None:
        acl.rt.free(g_buffer)
        g_buffer = None
    if g_context is not None:
        acl.rt.destroy_context(g_context)
        g_context = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        check_ret("acl.rt.set_device", ret)
        try:
            init(256)
            upload(b"\x7f" * 256)
            deinit()
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
