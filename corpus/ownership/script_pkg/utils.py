"""Helpers of script_pkg, imported by net.py with `from .utils import *`.

copy_to_host() leaks its host buffer when the copy fails and check_ret
raises; its only call chain is App.infer -> Net.fetch -> copy_to_host from a
script's main() with nothing catching: the exception ends the process, so the
leak is not reported by default. copy_to_device() has the same defect but is
reached from a serving loop that catches and goes on: ACL102.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2
ACL_MEMCPY_DEVICE_TO_DEVICE = 3


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed ret={}".format(message, ret))


def copy_to_host(device_ptr, size):
    host_ptr, ret = acl.rt.malloc_host(size)
    check_ret("acl.rt.malloc_host", ret)
    ret = acl.rt.memcpy(host_ptr, size, device_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
    check_ret("acl.rt.memcpy", ret)
    return host_ptr


def copy_to_device(device_ptr, size):
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
    check_ret("acl.rt.malloc", ret)
    ret = acl.rt.memcpy(dev_ptr, size, device_ptr, size, ACL_MEMCPY_DEVICE_TO_DEVICE)
    check_ret("acl.rt.memcpy", ret)
    return dev_ptr
