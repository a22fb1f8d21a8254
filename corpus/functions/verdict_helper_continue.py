"""A check helper that returns its verdict instead of raising (firing: ACL102 once).

check_ret() prints and returns True when the status is non-zero, False
otherwise: `if check_ret("acl.rt.malloc", ret): continue` is a failure test
of `ret` (recognised from the helper's body, like a raising helper). In
copy_cycles() every failure branch frees what exists before it continues,
and on the branch where the malloc failed there is no device memory: clean.
copy_once() returns on the malloc failure without freeing the host memory:
one leak on that error path (the device memory of the failed malloc does not
exist, so nothing is said about it).
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        print("{} failed ret={}".format(message, ret))
        return True
    return False


def copy_cycles(size, cycles):
    done = 0
    while cycles - done != 0:
        host, ret = acl.rt.malloc_host(size)
        if check_ret("acl.rt.malloc_host", ret):
            continue
        dev, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if check_ret("acl.rt.malloc", ret):
            acl.rt.free_host(host)
            continue
        acl.rt.free(dev)
        acl.rt.free_host(host)
        done += 1


def copy_once(size):
    host, ret = acl.rt.malloc_host(size)  # expect[static]: ACL102
    if check_ret("acl.rt.malloc_host", ret):
        return
    dev, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if check_ret("acl.rt.malloc", ret):
        return
    acl.rt.free(dev)
    acl.rt.free_host(host)


def main():
    ret = acl.init()
    if check_ret("acl.init", ret):
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if not check_ret("acl.rt.set_device", ret):
        copy_cycles(1024, 2)
        copy_once(1024)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
