"""Look-alike of clean_retry_loop_continue_before_counter.py: the round counter advances
before the sync, so a `continue` after a failed synchronize_stream goes back to a test whose
variable changed: on the last round it leaves the loop, and the device buffer is freed while
the copy may still be running (ACL202, static only: the simulator's sync succeeds).
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
        done += 1
        if ret != ACL_SUCCESS:
            continue
        ret = acl.rt.synchronize_stream(stream)
        if ret != ACL_SUCCESS:
            continue
    acl.rt.free(dev)  # expect[static]: ACL202
    acl.rt.free_host(host)  # expect[static]: ACL202
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
