"""A copy repeated a fixed number of rounds; a round whose copy or sync fails is retried with
`continue` before the round counter advances. Such a `continue` goes back to a loop test
whose variables have not changed since it was last true, so it cannot leave the loop: every
way out passes a successful synchronize_stream, and freeing the buffers after the loop is
safe. Clean (look-alike: async_free_after_retry_loop_counter_first.py).
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
SIZE = 4096
ROUNDS = 3


def copy_rounds(stream, rounds):
    host, ret = acl.rt.malloc_host(SIZE)
    if ret != ACL_SUCCESS:
        return ret
    dev, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host)
        return ret
    done = 0
    while rounds - done != 0:
        ret = acl.rt.memcpy_async(dev, SIZE, host, SIZE, ACL_MEMCPY_HOST_TO_DEVICE, stream)
        if ret != ACL_SUCCESS:
            continue
        ret = acl.rt.synchronize_stream(stream)
        if ret != ACL_SUCCESS:
            continue
        done += 1
    acl.rt.free(dev)
    acl.rt.free_host(host)
    return ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        stream, ret = acl.rt.create_stream()
        if ret == ACL_SUCCESS:
            print("copy:", copy_rounds(stream, ROUNDS))
            acl.rt.destroy_stream(stream)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
