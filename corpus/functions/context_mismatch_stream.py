"""ACL401: a stream created while context A is current is synchronized after
context B was created (and became current). The code switches back to A
before destroying the stream, so only the synchronize is reported.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0


def two_context_setup():
    ctx_a, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        return ret
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        acl.rt.destroy_context(ctx_a)
        return ret
    ctx_b, ret = acl.rt.create_context(DEVICE_ID)
    if ret == ACL_SUCCESS:
        scratch, ret = acl.rt.malloc(4096, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret == ACL_SUCCESS:
            zeros = bytes(4096)
            ret = acl.rt.memcpy(scratch, 4096, acl.util.bytes_to_ptr(zeros), 4096, ACL_MEMCPY_HOST_TO_DEVICE)
            print("scratch upload under B:", ret)
            acl.rt.free(scratch)
        # drain the stream before switching - but B is current, the stream belongs to A
        ret = acl.rt.synchronize_stream(stream)  # expect: ACL401
        print("synchronize:", ret)
        ret = acl.rt.set_context(ctx_a)
        print("set_context(A):", ret)
        acl.rt.destroy_stream(stream)
        acl.rt.destroy_context(ctx_b)
    else:
        acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(ctx_a)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        print("two_context_setup:", two_context_setup())
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
