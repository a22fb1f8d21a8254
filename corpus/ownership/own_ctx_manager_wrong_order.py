"""A `with` session whose __exit__ destroys the context before the stream (firing: ACL203).

__enter__ creates context then stream; __exit__ destroys the context first
and the stream (a child of that context) afterwards.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class StreamSession(object):
    def __init__(self, device_id):
        self.device_id = device_id
        self.context = None
        self.stream = None

    def __enter__(self):
        self.context, ret = acl.rt.create_context(self.device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.context is not None:
            acl.rt.destroy_context(self.context)  # expect: ACL203
            self.context = None
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        return False


def fill(session, ptr, data):
    ret = acl.rt.memcpy_async(ptr, len(data), acl.util.bytes_to_ptr(data), len(data),
                              ACL_MEMCPY_HOST_TO_DEVICE, session.stream)
    check_ret("acl.rt.memcpy_async", ret)
    ret = acl.rt.synchronize_stream(session.stream)
    check_ret("acl.rt.synchronize_stream", ret)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            with StreamSession(0) as session:
                ptr, ret = acl.rt.malloc(2048, ACL_MEM_MALLOC_HUGE_FIRST)
                if ret == ACL_SUCCESS:
                    for i in range(2):
                        fill(session, ptr, bytes([i]) * 2048)
                    acl.rt.free(ptr)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
