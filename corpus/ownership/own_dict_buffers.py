"""Named device and host buffers kept in dicts on self (clean).

prepare() allocates one device buffer and one pinned host buffer per tensor
name; release() frees them in loops over the dicts' values and items.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2

TENSORS = {"boxes": 100 * 4 * 4, "scores": 100 * 4, "labels": 100 * 4}


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class TensorTable(object):
    def __init__(self, specs):
        self.specs = dict(specs)
        self.device = {}
        self.host = {}

    def prepare(self):
        for name, size in self.specs.items():
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            self.device[name] = ptr
            host, ret = acl.rt.malloc_host(size)
            check_ret("acl.rt.malloc_host", ret)
            self.host[name] = host

    def roundtrip(self, name, data):
        size = self.specs[name]
        ret = acl.rt.memcpy(self.device[name], size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.rt.memcpy(self.host[name], size, self.device[name], size,
                            ACL_MEMCPY_DEVICE_TO_HOST)
        check_ret("acl.rt.memcpy", ret)
        return acl.util.ptr_to_bytes(self.host[name], len(data))

    def release(self):
        for ptr in self.device.values():
            acl.rt.free(ptr)
        self.device.clear()
        for name, host in self.host.items():
            acl.rt.free_host(host)
        self.host.clear()


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            table = TensorTable(TENSORS)
            table.prepare()
            for name in TENSORS:
                print(name, table.roundtrip(name, name.encode() * 4))
            table.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
