"""A per-frame run() called for every frame of a stream (firing: ACL104; PATTERNS F7).

Decoder.run() stores a fresh device buffer in self.input_mem (through the
helper _fill_input()) and a fresh stream in self.stream, without releasing the
previous ones. Pipeline.forward() runs it once per frame, in a loop: every
frame loses the previous frame's buffer and stream; release() frees only the
last ones. (main() passes a single frame, so nothing leaks at run time.) The
look-alike whose callers run it once per object is own_once_per_object_run.py
(clean).
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

    def _fill_input(self, data):
        self.input_mem, ret = acl.rt.malloc(self.size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL104
        check_ret("acl.rt.malloc", ret)
        ret = acl.rt.memcpy(self.input_mem, self.size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)

    def run(self, data):
        self.stream, ret = acl.rt.create_stream()  # expect[static]: ACL104
        check_ret("acl.rt.create_stream", ret)
        self._fill_input(data)
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

    def forward(self, frames):
        for data in frames:
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
            pipeline.forward([b"\x02" * 256])
            pipeline.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
