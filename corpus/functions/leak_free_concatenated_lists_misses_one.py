"""Look-alike of clean_free_concatenated_lists.py: buffers in three lists, but the release
loop runs over only two of them joined (`inputs + outputs`); the host staging buffers in
the third list are never freed. Joining lists releases the elements of the lists joined,
nothing else: ACL101 at the host allocation.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
SIZES_IN = (1024, 2048)
SIZES_OUT = (4096,)


def run():
    inputs = []
    outputs = []
    staging = []
    for size in SIZES_IN:
        buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            break
        inputs.append(buf)
        host, ret = acl.rt.malloc_host(size)  # expect[static]: ACL101  # expect[runtime]: ACL103
        if ret != ACL_SUCCESS:
            break
        staging.append(host)
    for size in SIZES_OUT:
        buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            break
        outputs.append(buf)
    for buf in inputs + outputs:
        acl.rt.free(buf)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        run()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
