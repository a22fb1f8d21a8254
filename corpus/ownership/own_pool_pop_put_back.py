"""A staging-buffer pool whose borrower puts the buffer back on every path (clean).

The look-alike of own_pool_pop_not_returned.py: upload() takes a buffer out
with `self.free.pop()` and, in a `finally`, appends it back; close() pops and
frees them all. Taking a handle out of the owner's container is fine as long
as it goes back, or is released.
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
        ptr = self.free.pop()
        try:
            ret = acl.rt.memcpy(ptr, BLOCK, acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
            return ret == ACL_SUCCESS
        finally:
            self.free.append(ptr)

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
