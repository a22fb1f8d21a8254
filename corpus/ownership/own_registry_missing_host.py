"""Registered objects destroyed at exit, but one class forgets its host buffer (firing: ACL105).

The registry part is fine: every object registers itself and
resource_list.destroy() runs before the device is reset. Postprocessor's
destroy(), however, frees its device buffer and never its pinned host
buffer, and no other method frees it either.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
ACL_MEMCPY_DEVICE_TO_DEVICE = 3


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class _ResourceList(object):
    def __init__(self):
        self.resources = []

    def register(self, obj):
        self.resources.append(obj)

    def destroy(self):
        while self.resources:
            self.resources.pop().destroy()


resource_list = _ResourceList()


class Preprocessor(object):
    def __init__(self, size):
        self.size = size
        self.device, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        resource_list.register(self)

    def load(self, data):
        ret = acl.rt.memcpy(self.device, self.size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        return self.device

    def destroy(self):
        if self.device is not None:
            acl.rt.free(self.device)
            self.device = None


class Postprocessor(object):
    def __init__(self, size):
        self.size = size
        self.device, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.host, ret = acl.rt.malloc_host(size)  # expect[static]: ACL105  # expect[runtime]: ACL101
        check_ret("acl.rt.malloc_host", ret)
        resource_list.register(self)

    def fetch(self, src):
        ret = acl.rt.memcpy(self.device, self.size, src, self.size,
                            ACL_MEMCPY_DEVICE_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.rt.memcpy(self.host, self.size, self.device, self.size,
                            ACL_MEMCPY_DEVICE_TO_HOST)
        check_ret("acl.rt.memcpy", ret)
        return acl.util.ptr_to_bytes(self.host, self.size)

    def destroy(self):
        if self.device is not None:
            acl.rt.free(self.device)
            self.device = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            pre = Preprocessor(64)
            post = Postprocessor(64)
            for word in (b"left", b"right"):
                print(post.fetch(pre.load((word * 16)[:64]))[:8])
        finally:
            resource_list.destroy()
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
