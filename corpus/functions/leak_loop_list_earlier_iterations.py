"""Output buffers allocated in a loop and kept in a local list, each malloc's
status checked by a raising helper. When a later malloc fails, check_ret
raises: the buffer of that iteration was never allocated, but the buffers of
the earlier iterations, held only by the local list, are lost with it. The
finding names the list and says the memory comes from an earlier iteration
(`ptr` by then holds the failed allocation). The same loops that free the
list before re-raising are clean_loop_list_freed_on_failure.py.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed ret={}".format(message, ret))


def alloc_output_records(desc, count):
    """Each buffer recorded as {"ptr": ..., "size": ...}."""
    records = []
    for i in range(count):
        size = acl.mdl.get_output_size_by_index(desc, i)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
        check_ret("acl.rt.malloc", ret)
        records.append({"ptr": ptr, "size": size})
    return records


def alloc_input_pointers(sizes):
    """Each buffer kept as its bare pointer."""
    pointers = []
    for size in sizes:
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
        check_ret("acl.rt.malloc", ret)
        pointers.append(ptr)
    return pointers
