"""Handles kept in containers on self, released through local aliases of their elements (clean).

Cache keeps device buffers in self.bufs (a dict) and datasets in
self.sets[d][s] (two levels). drop() releases one buffer through
`buf = self.bufs[key]`, close() walks the rows with `row = self.sets[d]`,
`ds = row[s]`. Releasing the alias releases the element: nothing is left to
the owner. The firing look-alike, whose close() only reads the aliases, is
own_element_alias_kept.py.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICES = 1
STREAMS = 2


class Cache(object):
    def __init__(self):
        self.bufs = {}
        self.sets = [[None] * STREAMS for _ in range(DEVICES)]

    def add(self, key, size):
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            raise RuntimeError("malloc failed: {}".format(ret))
        self.bufs[key] = ptr

    def build(self):
        for d in range(DEVICES):
            for s in range(STREAMS):
                self.sets[d][s] = acl.mdl.create_dataset()

    def drop(self, key):
        buf = self.bufs[key]
        acl.rt.free(buf)
        del self.bufs[key]

    def close(self):
        for key in list(self.bufs):
            self.drop(key)
        for d in range(DEVICES):
            row = self.sets[d]
            for s in range(STREAMS):
                ds = row[s]
                acl.mdl.destroy_dataset(ds)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        cache = Cache()
        cache.add("a", 256)
        cache.add("b", 512)
        cache.build()
        cache.drop("a")
        cache.close()
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
