"""Look-alike of leak_loop_list_earlier_iterations.py: the same loops keep
each buffer in a local list and check each malloc with a raising helper, but
when a check raises, the buffers of the earlier iterations are freed from the
list before the exception goes on. Clean.
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
    try:
        for i in range(count):
            size = acl.mdl.get_output_size_by_index(desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            records.append({"ptr": ptr, "size": size})
    except RuntimeError:
        for record in records:
            acl.rt.free(record["ptr"])
        raise
    return records


def alloc_input_pointers(sizes):
    """Each buffer kept as its bare pointer."""
    pointers = []
    for size in sizes:
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            for done in pointers:
                acl.rt.free(done)
            check_ret("acl.rt.malloc", ret)
        pointers.append(ptr)
    return pointers
