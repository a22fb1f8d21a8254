"""A buffer cache whose evict() frees a device buffer, then deletes it from its registry (clean).

The look-alike of own_registry_del_drops_handle.py: evict() frees the
buffer through the dict (`acl.rt.free(self.bufs[key])`) before
`del self.bufs[key]`, and drop() through a local alias of the entry.
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
            ptr, ret = acl.rt.malloc(BLOCK, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise RuntimeError("malloc failed: {}".format(ret))
            self.bufs[key] = ptr
        return self.bufs[key]

    def evict(self, key):
        acl.rt.free(self.bufs[key])
        del self.bufs[key]

    def drop(self, key):
        ptr = self.bufs[key]
        ret = acl.rt.free(ptr)
        if ret != ACL_SUCCESS:
            raise RuntimeError("free failed: {}".format(ret))
        del self.bufs[key]

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
        cache.drop("mask")
        cache.close()
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
