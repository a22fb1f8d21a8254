"""Per-call uploads collected in self.pending and freed in flush() (clean).

submit() allocates device memory per call and appends it to self.pending;
flush() synchronises the stream and frees every pending block in a loop
over the same list. Nothing is lost between calls.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Uploader(object):
    def __init__(self):
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.pending = []
        self.keep_alive = []

    def submit(self, data):
        size = len(data)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.pending.append({"buffer": ptr, "size": size})
        self.keep_alive.append(data)
        ret = acl.rt.memcpy_async(ptr, size, acl.util.bytes_to_ptr(data), size,
                                  ACL_MEMCPY_HOST_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)

    def flush(self):
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)
        for item in self.pending:
            acl.rt.free(item["buffer"])
        self.pending = []
        self.keep_alive = []

    def close(self):
        self.flush()
        acl.rt.destroy_stream(self.stream)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            uploader = Uploader()
            for batch in range(2):
                for i in range(4):
                    uploader.submit(bytes([batch * 4 + i]) * 512)
                uploader.flush()
            uploader.submit(b"tail" * 32)
            uploader.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
