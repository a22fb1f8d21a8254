"""The look-alike of dead_values_merge.py, released on every path: eight independent options
whose values are dead once read merge into one path, and nothing is reported (no ACL003)."""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0


def pack_clean(opts, size):
    buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    total = 0
    if opts.get("mirror"):
        w0 = 2
    else:
        w0 = 3
    total += w0
    if opts.get("crop"):
        w1 = 5
    else:
        w1 = 7
    total += w1
    if opts.get("pad"):
        w2 = 11
    else:
        w2 = 13
    total += w2
    if opts.get("scale"):
        w3 = 17
    else:
        w3 = 19
    total += w3
    if opts.get("rotate"):
        w4 = 23
    else:
        w4 = 29
    total += w4
    if opts.get("swap"):
        w5 = 31
    else:
        w5 = 37
    total += w5
    if opts.get("norm"):
        w6 = 41
    else:
        w6 = 43
    total += w6
    if opts.get("clip"):
        w7 = 47
    else:
        w7 = 53
    total += w7
    ret = acl.rt.memset(buf, size, total % 256, size)
    acl.rt.free(buf)
    if ret != ACL_SUCCESS:
        return None
    return total


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret != ACL_SUCCESS:
        acl.finalize()
        return
    print(pack_clean({"crop": True, "swap": True}, 1024))
    acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
