"""Like `clean_flag_same_truth.py`, but between the two tests of `opts.keep` the options
object is handed to `refresh()`, which turns the flag off: the buffer allocated for reuse is
overwritten by a fresh allocation without being freed. A flag whose object is handed to a
call keeps no truth, so the path through the change is followed and the leak is reported.
"""
import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


class Options:
    def __init__(self, keep, size):
        self.keep = keep
        self.size = size


def refresh(opts):
    opts.keep = False


def stage(opts):
    staging = None
    if opts.keep:
        staging, ret = acl.rt.malloc_host(opts.size)  # expect[static]: ACL104  # expect[runtime]: ACL101
        if ret != ACL_SUCCESS:
            return ret
    refresh(opts)
    if not opts.keep:
        staging, ret = acl.rt.malloc_host(opts.size)
        if ret != ACL_SUCCESS:
            return ret
    ret = acl.rt.memset(staging, opts.size, 0, opts.size)
    acl.rt.free_host(staging)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        stage(Options(True, 256))
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
