"""Two buffers left live when the function ends: one finding, the first acquire (ACL101).

copy_once() allocates a device buffer and a pinned host buffer, copies
through them and ends without freeing either: one missing cleanup at one
exit, so the static analyzer reports it once, naming both (the runtime audit,
which sees each allocation left at exit, reports each). copy_once_clean()
frees both (clean).
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
SIZE = 128


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def copy_once(data):
    dev, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)  # expect: ACL101
    check_ret("acl.rt.malloc", ret)
    host, ret = acl.rt.malloc_host(SIZE)  # expect[runtime]: ACL101
    check_ret("acl.rt.malloc_host", ret)
    ret = acl.rt.memcpy(dev, SIZE, acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
    check_ret("acl.rt.memcpy", ret)
    ret = acl.rt.memcpy(host, SIZE, dev, SIZE, ACL_MEMCPY_DEVICE_TO_HOST)
    check_ret("acl.rt.memcpy", ret)
    print(len(acl.util.ptr_to_bytes(host, SIZE)))


def copy_once_clean(data):
    dev, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("acl.rt.malloc", ret)
    host, ret = acl.rt.malloc_host(SIZE)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev)
        raise Exception("acl.rt.malloc_host failed ret={}".format(ret))
    ret = acl.rt.memcpy(dev, SIZE, acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy(host, SIZE, dev, SIZE, ACL_MEMCPY_DEVICE_TO_HOST)
    if ret == ACL_SUCCESS:
        print(len(acl.util.ptr_to_bytes(host, SIZE)))
    acl.rt.free_host(host)
    acl.rt.free(dev)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(0)
    check_ret("acl.rt.set_device", ret)
    copy_once(b"\x03" * SIZE)
    copy_once_clean(b"\x04" * SIZE)
    acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
