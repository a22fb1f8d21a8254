"""ACL303 with an unsafe fix: `mem` is bound by two different calls, so the kind
of what reaches the release is not certain from the source alone; --fix leaves
it, --unsafe-fixes applies it."""
# fix-options: --unsafe-fixes
import acl

ACL_SUCCESS = 0


def run(size, use_host):
    mem, ret = acl.rt.malloc(size, 0)
    if ret != ACL_SUCCESS:
        return ret
    if use_host:
        acl.rt.free(mem)
        mem, ret = acl.rt.malloc_host(size)
        if ret != ACL_SUCCESS:
            return ret
        acl.rt.free_host(mem)
        return 0
    acl.rt.free_host(mem)  # device memory given to the host-memory release
    return 0
