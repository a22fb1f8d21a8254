"""ACL203: acl.finalize() runs before the device is reset; reset_device comes
after it. Device, context and stream must all be released before finalize.
The probe allocations are collected in a list and freed in a loop (silent).
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
DEVICE_ID = 0


def measure_free_memory():
    probes = []
    for size in [1 << 10, 1 << 16, 1 << 20]:
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
        if ret != ACL_SUCCESS:
            break
        probes.append(ptr)
    count = len(probes)
    for ptr in probes:
        acl.rt.free(ptr)
    return count


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret != ACL_SUCCESS:
        acl.finalize()
        return
    print("allocations that succeeded:", measure_free_memory())
    acl.finalize()  # expect: ACL203
    acl.rt.reset_device(DEVICE_ID)


if __name__ == "__main__":
    main()
