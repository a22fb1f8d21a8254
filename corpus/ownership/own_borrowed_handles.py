"""Helpers that borrow the engine's context and stream without owning them (clean).

Engine owns the context, the stream and the device memory. Preprocessor and
Postprocessor keep references to engine.context / engine.stream /
engine.input_ptr (plain attribute copies, not acquisitions) and never release
them; only Engine.close() does.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Engine(object):
    def __init__(self, device_id, size):
        self.size = size
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.input_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)

    def close(self):
        acl.rt.free(self.input_ptr)
        acl.rt.destroy_stream(self.stream)
        acl.rt.destroy_context(self.context)


class Preprocessor(object):
    def __init__(self, engine):
        self.context = engine.context
        self.stream = engine.stream
        self.target = engine.input_ptr
        self.size = engine.size

    def push(self, data):
        ret = acl.rt.set_context(self.context)
        check_ret("acl.rt.set_context", ret)
        ret = acl.rt.memcpy_async(self.target, self.size, acl.util.bytes_to_ptr(data),
                                  len(data), ACL_MEMCPY_HOST_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)


class Postprocessor(object):
    def __init__(self, engine):
        self.source = engine.input_ptr
        self.size = engine.size

    def pull(self):
        host, ret = acl.rt.malloc_host(self.size)
        check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memcpy(host, self.size, self.source, self.size,
                            ACL_MEMCPY_DEVICE_TO_HOST)
        data = acl.util.ptr_to_bytes(host, self.size) if ret == ACL_SUCCESS else b""
        acl.rt.free_host(host)
        return data


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            engine = Engine(0, 64)
            pre = Preprocessor(engine)
            post = Postprocessor(engine)
            for word in (b"alpha", b"beta"):
                pre.push(word * 8)
                print(post.pull()[:16])
            engine.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
