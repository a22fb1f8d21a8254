"""Host buffers appended to a list the caller passes in, freed by the caller (clean).

The look-alike of leak_filled_caller_list.py: fetch() frees every buffer that
alloc_outputs() appended to its list, in a `finally`.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2


def alloc_outputs(sizes, out):
    for size in sizes:
        host, ret = acl.rt.malloc_host(size)
        if ret != ACL_SUCCESS:
            raise RuntimeError("malloc_host failed: {}".format(ret))
        out.append({"ptr": host, "size": size})


def fetch(dev_ptr, size):
    hosts = []
    alloc_outputs([size], hosts)
    try:
        item = hosts[0]
        ret = acl.rt.memcpy(item["ptr"], size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
        if ret != ACL_SUCCESS:
            raise RuntimeError("memcpy failed: {}".format(ret))
        return acl.util.ptr_to_bytes(item["ptr"], size)
    finally:
        for item in hosts:
            acl.rt.free_host(item["ptr"])


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        dev_ptr, ret = acl.rt.malloc(64, 0)
        if ret == ACL_SUCCESS:
            ret = acl.rt.memset(dev_ptr, 64, 7, 64)
            if ret == ACL_SUCCESS:
                print(len(fetch(dev_ptr, 64)))
            acl.rt.free(dev_ptr)
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
