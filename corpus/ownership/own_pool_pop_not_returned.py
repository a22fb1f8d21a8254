"""A staging-buffer pool whose borrower loses a buffer on its error path (firing: ACL102).

StagingPool keeps device buffers in self.free. upload() takes one out with
`self.free.pop()`, copies into it and puts it back with
`self.free.append(ptr)`, but when the copy fails it returns early: the buffer
is no longer in the pool, and nothing frees it. close() frees only what is
still in the pool. The clean look-alike, which puts the buffer back on
every path, is own_pool_pop_put_back.py.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
BLOCK = 1024


class StagingPool(object):
    def __init__(self):
        self.free = []

    def fill(self, count):
        for _ in range(count):
            ptr, ret = acl.rt.malloc(BLOCK, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise RuntimeError("malloc failed: {}".format(ret))
            self.free.append(ptr)

    def upload(self, data):
        ptr = self.free.pop()  # expect[static]: ACL102
        ret = acl.rt.memcpy(ptr, BLOCK, acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            return False
        self.free.append(ptr)
        return True

    def close(self):
        while self.free:
            acl.rt.free(self.free.pop())


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        pool = StagingPool()
        pool.fill(2)
        for i in range(2):
            print("uploaded:", pool.upload(bytes([i]) * BLOCK))
        pool.close()
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
