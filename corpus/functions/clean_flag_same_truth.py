"""A staging buffer either reused across rounds or allocated per round, chosen once by a
settings flag (`opts.keep`): the per-round allocation and free are both under
`if not opts.keep:` and the reused buffer's allocation and free under `if opts.keep:`.
Nothing changes `opts` in between, so a path that took one side of the test takes the same
side at every later test of it: no buffer is freed twice, used after its free, or left live.
Clean.
"""
import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
ROUNDS = 3


class Options:
    def __init__(self, keep, size):
        self.keep = keep
        self.size = size


def stage(opts):
    staging = None
    if opts.keep:
        staging, ret = acl.rt.malloc_host(opts.size)
        if ret != ACL_SUCCESS:
            return ret
    for _ in range(ROUNDS):
        if not opts.keep:
            staging, ret = acl.rt.malloc_host(opts.size)
            if ret != ACL_SUCCESS:
                return ret
        ret = acl.rt.memset(staging, opts.size, 0, opts.size)
        if not opts.keep:
            acl.rt.free_host(staging)
        if ret != ACL_SUCCESS:
            break
    if opts.keep:
        acl.rt.free_host(staging)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        for keep in (True, False):
            stage(Options(keep, 256))
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
