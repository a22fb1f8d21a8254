"""A device block pool drained with `while blocks: free(blocks.pop()[...])` (clean).

prepare() fills self.blocks once; lend() hands out borrowed pointers; close()
pops and frees every block. Callers never free what they borrow.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_DEVICE = 3


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class BlockPool(object):
    def __init__(self, block_size):
        self.block_size = block_size
        self.blocks = []

    def prepare(self, count):
        for _ in range(count):
            ptr, ret = acl.rt.malloc(self.block_size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            self.blocks.append({"buffer": ptr, "size": self.block_size})

    def lend(self, index):
        return self.blocks[index % len(self.blocks)]["buffer"]

    def close(self):
        while self.blocks:
            acl.rt.free(self.blocks.pop()["buffer"])


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            pool = BlockPool(1024)
            pool.prepare(4)
            data = bytes(range(256)) * 4
            for i in range(6):
                dst = pool.lend(i)
                src = pool.lend(i + 1)
                ret = acl.rt.memcpy(src, 1024, acl.util.bytes_to_ptr(data), 1024,
                                    ACL_MEMCPY_HOST_TO_DEVICE)
                check_ret("acl.rt.memcpy", ret)
                ret = acl.rt.memcpy(dst, 1024, src, 1024, ACL_MEMCPY_DEVICE_TO_DEVICE)
                check_ret("acl.rt.memcpy", ret)
            pool.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
