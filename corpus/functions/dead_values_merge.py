"""Paths that differ only in values no later statement reads are one path. The
preprocessing below has eight independent options (256 ways through it); each option's
value is read once and is dead afterwards, so the ways through merge and the function is
checked whole, within the path budget: the leak on the failed memset is found, and no
ACL003 says that paths were dropped (clean look-alike: clean_dead_values_merge.py).
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0


def pack(opts, size):
    buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
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
    if ret != ACL_SUCCESS:
        return None
    acl.rt.free(buf)
    return total


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret != ACL_SUCCESS:
        acl.finalize()
        return
    opts = {"mirror": True, "pad": True, "norm": True}
    print(pack(opts, 1024))
    acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
