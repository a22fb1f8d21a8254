"""Statuses that are only printed are seen, not checked (firing: ACL501 once per function).

verify_copy() prints two of its statuses and looks at none of the others: a
print (or a log line) shows a failure to whoever reads the console but does
not stop the code from going on with a bad pointer, so the function checks
none of its statuses and gets one ACL501 at the first, listing the rest.
verify_logged() logs a status and also tests one: it checks, so each status it
leaves unread is reported on its own line.
"""

import logging

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
LOG = logging.getLogger(__name__)


def verify_copy(size):
    dev, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    print("malloc", ret)
    host, ret = acl.rt.malloc_host(size)  # expect[static]: ACL501
    ret = acl.rt.memset(dev, size, 0, size)
    ret = acl.rt.memcpy(dev, size, host, size, ACL_MEMCPY_HOST_TO_DEVICE)
    LOG.info("memcpy returned %d", ret)
    ret = acl.rt.free_host(host)
    acl.rt.free(dev)


def verify_logged(size):
    dev, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return
    host, ret = acl.rt.malloc_host(size)
    LOG.info("malloc_host returned %d", ret)
    ret = acl.rt.memcpy(dev, size, host, size, ACL_MEMCPY_HOST_TO_DEVICE)  # expect[static]: ACL501
    acl.rt.free_host(host)
    acl.rt.free(dev)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        verify_copy(256)
        verify_logged(256)
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
