"""A staging pool whose borrower keeps a buffer when a flag is set, else puts it back (clean).

The look-alike of own_pool_pop_dropped_unless_flag.py: submit() files the
buffer it took out in self.pending when `self.keep_results` is set, and
its `else` puts it back in self.free, so every path returns it to the pool.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
BLOCK = 1024


class StagingPool(object):
    def __init__(self, keep_results):
        self.keep_results = keep_results
        self.free = []
        self.pending = []

    def fill(self, count):
        for _ in range(count):
            ptr, ret = acl.rt.malloc(BLOCK, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise RuntimeError("malloc failed: {}".format(ret))
            self.free.append(ptr)

    def submit(self, data):
        ptr = self.free.pop()
        ret = acl.rt.memcpy(ptr, BLOCK, acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            self.free.append(ptr)
            raise RuntimeError("memcpy failed: {}".format(ret))
        if self.keep_results:
            self.pending.append(ptr)
        else:
            self.free.append(ptr)

    def collect(self):
        while self.pending:
            self.free.append(self.pending.pop())

    def close(self):
        self.collect()
        while self.free:
            acl.rt.free(self.free.pop())


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        pool = StagingPool(keep_results=False)
        pool.fill(2)
        pool.submit(bytes(BLOCK))
        pool.close()
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
