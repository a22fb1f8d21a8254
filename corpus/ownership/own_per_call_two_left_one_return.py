"""Two buffers left at the same return of a per-call method: one ACL103 (firing; PATTERNS F12).

Stager.stage() allocates a device scratch buffer and a pinned host buffer on
every call and returns without freeing either: one missing cleanup at one
return, so the static analyzer reports it once, at the first acquire, naming
the other buffer (the runtime audit counts each call site). stage_clean() is
the look-alike that frees both before it returns (clean). main() runs both
twice.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Stager(object):
    def __init__(self, size):
        self.size = size

    def stage(self, data):
        scratch, ret = acl.rt.malloc(self.size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect: ACL103
        check_ret("acl.rt.malloc", ret)
        host, ret = acl.rt.malloc_host(self.size)  # expect[runtime]: ACL103
        check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memcpy(scratch, self.size, acl.util.bytes_to_ptr(data), len(data),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.rt.memcpy(host, self.size, scratch, self.size, ACL_MEMCPY_DEVICE_TO_HOST)
        check_ret("acl.rt.memcpy", ret)
        return acl.util.ptr_to_bytes(host, self.size)

    def stage_clean(self, data):
        scratch, ret = acl.rt.malloc(self.size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        host, ret = acl.rt.malloc_host(self.size)
        if ret != ACL_SUCCESS:
            acl.rt.free(scratch)
            raise Exception("acl.rt.malloc_host failed ret={}".format(ret))
        try:
            ret = acl.rt.memcpy(scratch, self.size, acl.util.bytes_to_ptr(data), len(data),
                                ACL_MEMCPY_HOST_TO_DEVICE)
            check_ret("acl.rt.memcpy", ret)
            ret = acl.rt.memcpy(host, self.size, scratch, self.size, ACL_MEMCPY_DEVICE_TO_HOST)
            check_ret("acl.rt.memcpy", ret)
            return acl.util.ptr_to_bytes(host, self.size)
        finally:
            acl.rt.free_host(host)
            acl.rt.free(scratch)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            stager = Stager(64)
            for i in range(2):
                print(len(stager.stage(bytes([i]) * 64)), len(stager.stage_clean(bytes([i]) * 64)))
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
