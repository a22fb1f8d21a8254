"""A debug script that checks none of its statuses (firing: ACL501 once per function).

copy_roundtrip() looks at no status at all: one ACL501 at the first call,
listing the others, since the fix is one habit (check each, or raise in one
helper), not five edits. copy_checked() checks all statuses but the one of
its last memcpy: that one is reported on its own line.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0


def copy_roundtrip(size):
    dev, _ = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL501
    host, _ = acl.rt.malloc_host(size)
    acl.rt.memcpy(dev, size, host, size, ACL_MEMCPY_HOST_TO_DEVICE)
    acl.rt.memcpy(host, size, dev, size, ACL_MEMCPY_DEVICE_TO_HOST)
    acl.rt.free_host(host)
    acl.rt.free(dev)


def copy_checked(size):
    dev, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return
    host, ret = acl.rt.malloc_host(size)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy(dev, size, host, size, ACL_MEMCPY_HOST_TO_DEVICE)
        if ret == ACL_SUCCESS:
            acl.rt.memcpy(host, size, dev, size, ACL_MEMCPY_DEVICE_TO_HOST)  # expect[static]: ACL501
        acl.rt.free_host(host)
    acl.rt.free(dev)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        copy_roundtrip(256)
        copy_checked(256)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
