"""A staging pool whose borrower keeps a buffer only when a flag is set (firing: ACL101).

StagingPool keeps device buffers in self.free. submit() takes one out with
`self.free.pop()` and copies into it; when `self.keep_results` is set it
files the buffer in self.pending (collect() puts pending buffers back),
but when the flag is off nothing puts the buffer back or frees it: it is
dropped at the end of submit(). The leak is decided by that `if` (not
taken), which the leaking path names. The clean look-alike, whose `else`
puts the buffer back, is own_pool_pop_kept_or_put_back.py.
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
            ptr, ret = acl.rt.malloc(BLOCK, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[runtime]: ACL101
            if ret != ACL_SUCCESS:
                raise RuntimeError("malloc failed: {}".format(ret))
            self.free.append(ptr)

    def submit(self, data):
        ptr = self.free.pop()  # expect[static]: ACL101
        ret = acl.rt.memcpy(ptr, BLOCK, acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            self.free.append(ptr)
            raise RuntimeError("memcpy failed: {}".format(ret))
        if self.keep_results:
            self.pending.append(ptr)

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
