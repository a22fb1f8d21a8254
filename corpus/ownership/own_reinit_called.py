"""run() re-runs setup() on every call, overwriting what __init__ set up (firing: ACL104).

setup() is an initialiser and __init__ calls it; run() calls it again while
self.staging is live. The static analyzer reports the second call; at run
time the first staging buffer is simply never freed (ACL101 at its acquire).
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_DEVICE = 3


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Copier(object):
    def __init__(self, size):
        self.size = size
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.setup()

    def setup(self):
        self.staging, ret = acl.rt.malloc(self.size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[runtime]: ACL101
        check_ret("acl.rt.malloc", ret)

    def run(self, data, target):
        self.setup()  # expect[static]: ACL104
        ret = acl.rt.memcpy_async(self.staging, self.size, acl.util.bytes_to_ptr(data),
                                  len(data), ACL_MEMCPY_HOST_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.memcpy_async(target, self.size, self.staging, self.size,
                                  ACL_MEMCPY_DEVICE_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)

    def close(self):
        acl.rt.free(self.staging)
        acl.rt.destroy_stream(self.stream)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            target, ret = acl.rt.malloc(512, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            copier = Copier(512)
            copier.run(b"\x01" * 512, target)
            copier.close()
            acl.rt.free(target)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
