"""ACL302: a scratch buffer is freed after the first pass, and the second pass
still copies into the stale pointer. The stale pointer is not freed again.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
SCRATCH_BYTES = 64 * 1024


def two_pass_upload(first, second):
    scratch, ret = acl.rt.malloc(SCRATCH_BYTES, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    ret = acl.rt.memcpy(scratch, SCRATCH_BYTES, acl.util.bytes_to_ptr(first), len(first), ACL_MEMCPY_HOST_TO_DEVICE)
    acl.rt.free(scratch)
    if ret != ACL_SUCCESS:
        return ret
    # second pass reuses the pointer that was already given back
    ret = acl.rt.memcpy(scratch, SCRATCH_BYTES, acl.util.bytes_to_ptr(second), len(second),  # expect: ACL302
                        ACL_MEMCPY_HOST_TO_DEVICE)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print("two_pass_upload:", two_pass_upload(bytes(1000), bytes(2000)))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
