"""A per-object run() that every caller runs once (clean; PATTERNS F7).

Decoder.run() stores a fresh device buffer in self.input_mem (through the
helper _load_input()) and a fresh stream in self.stream, without releasing the
previous ones: a second run() on the same Decoder would lose them. But the
only call chain in the project is main() -> Pipeline.forward() -> run(), each
called once, outside any loop, and release() frees the last ones: nothing is
overwritten; nor does run() "run the initialiser _load_input() again" (named
like one, but __init__ never runs it). The look-alike where a caller loops over
frames is
own_per_frame_run_loop.py (ACL104).
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Decoder(object):
    def __init__(self, size):
        self.size = size
        self.input_mem = None
        self.stream = None

    def _load_input(self, data):
        self.input_mem, ret = acl.rt.malloc(self.size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        ret = acl.rt.memcpy(self.input_mem, self.size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)

    def run(self, data):
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self._load_input(data)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)

    def release(self):
        if self.input_mem is not None:
            acl.rt.free(self.input_mem)
            self.input_mem = None
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None


class Pipeline(object):
    def __init__(self, size):
        self.decoder = Decoder(size)

    def forward(self, data):
        self.decoder.run(data)

    def release(self):
        self.decoder.release()


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            pipeline = Pipeline(256)
            pipeline.forward(b"\x02" * 256)
            pipeline.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
