"""A buffer cache whose evict() deletes a device buffer from its registry without freeing it (firing: ACL101).

BufferCache keeps device buffers in self.bufs, a dict keyed by name; close()
frees whatever is still there. evict() only does `del self.bufs[key]`: the
dict was the buffer's only reference, a pyACL handle is a plain int with no
`__del__`, so the device memory is dropped and never freed (`del` is no
release). The clean look-alike, which frees the buffer before deleting the
entry, is own_registry_del_after_free.py.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
BLOCK = 4096


class BufferCache(object):
    def __init__(self):
        self.bufs = {}

    def get(self, key):
        if key not in self.bufs:
            ptr, ret = acl.rt.malloc(BLOCK, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[runtime]: ACL101
            if ret != ACL_SUCCESS:
                raise RuntimeError("malloc failed: {}".format(ret))
            self.bufs[key] = ptr
        return self.bufs[key]

    def evict(self, key):
        del self.bufs[key]  # expect[static]: ACL101

    def close(self):
        for key in list(self.bufs):
            acl.rt.free(self.bufs[key])
        self.bufs.clear()


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        cache = BufferCache()
        print(cache.get("frame") != 0, cache.get("mask") != 0)
        cache.evict("frame")
        cache.close()
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
