"""Dataset helpers of infer_pkg.

alloc_dataset() returns a fresh entry {"dataset", "items"}; the caller owns
it. release_dataset() frees the memory, destroys the buffers, then the
dataset, on every path.
"""

import acl

from .status import (ACL_MEM_MALLOC_HUGE_FIRST, ACL_MEMCPY_DEVICE_TO_HOST,
                     ACL_MEMCPY_HOST_TO_DEVICE, ACL_SUCCESS, AclError, check_ret)


def release_dataset(entry):
    for item in entry["items"]:
        acl.rt.free(item["ptr"])
        acl.destroy_data_buffer(item["buf"])
    acl.mdl.destroy_dataset(entry["dataset"])
    entry["items"] = []


def alloc_dataset(sizes):
    entry = {"dataset": acl.mdl.create_dataset(), "items": []}
    for size in sizes:
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            release_dataset(entry)
            raise AclError("acl.rt.malloc", ret)
        buf = acl.create_data_buffer(ptr, size)
        entry["items"].append({"ptr": ptr, "buf": buf, "size": size})
        _, ret = acl.mdl.add_dataset_buffer(entry["dataset"], buf)
        if ret != ACL_SUCCESS:
            release_dataset(entry)
            raise AclError("acl.mdl.add_dataset_buffer", ret)
    return entry


def copy_in(entry, index, data, stream):
    item = entry["items"][index]
    ret = acl.rt.memcpy_async(item["ptr"], item["size"], acl.util.bytes_to_ptr(data),
                              len(data), ACL_MEMCPY_HOST_TO_DEVICE, stream)
    check_ret("acl.rt.memcpy_async", ret)


def copy_out(entry, index):
    item = entry["items"][index]
    host, ret = acl.rt.malloc_host(item["size"])
    check_ret("acl.rt.malloc_host", ret)
    try:
        ret = acl.rt.memcpy(host, item["size"], item["ptr"], item["size"],
                            ACL_MEMCPY_DEVICE_TO_HOST)
        check_ret("acl.rt.memcpy", ret)
        return acl.util.ptr_to_bytes(host, item["size"])
    finally:
        acl.rt.free_host(host)
