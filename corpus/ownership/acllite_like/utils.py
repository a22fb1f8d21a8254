"""Helpers of the acllite_like package: status checks and host/device copies."""

import acl

from . import constants as const


def check_ret(message, ret):
    """Raise when a pyACL status is not ACL_SUCCESS."""
    if ret != const.ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def log_error(*args):
    print("[ERROR]", *args)


def log_info(*args):
    print("[INFO]", *args)


def align_up(value, align):
    return (value + align - 1) // align * align


def yuv420sp_size(width, height):
    return width * height * 3 // 2


def copy_data_host_to_device(data, size):
    """Copy host bytes into fresh device memory; the caller owns the result."""
    dev_ptr, ret = acl.rt.malloc(size, const.ACL_MEM_MALLOC_NORMAL_ONLY)
    check_ret("acl.rt.malloc", ret)
    host_ptr = acl.util.bytes_to_ptr(data)
    ret = acl.rt.memcpy(dev_ptr, size, host_ptr, size,
                        const.ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != const.ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        raise Exception("acl.rt.memcpy failed ret={}".format(ret))
    return dev_ptr


def copy_data_device_to_host(dev_ptr, size):
    """Copy device memory back into a bytes object (staging through pinned host memory)."""
    host_ptr, ret = acl.rt.malloc_host(size)
    check_ret("acl.rt.malloc_host", ret)
    ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size,
                        const.ACL_MEMCPY_DEVICE_TO_HOST)
    if ret != const.ACL_SUCCESS:
        acl.rt.free_host(host_ptr)
        raise Exception("acl.rt.memcpy failed ret={}".format(ret))
    data = acl.util.ptr_to_bytes(host_ptr, size)
    acl.rt.free_host(host_ptr)
    return data
