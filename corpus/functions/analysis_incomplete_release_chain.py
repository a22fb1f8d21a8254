"""An expression chaining 260 release calls (the shape fuzzing found: generated code).

The analysis follows an expression term by term and stops at Python's
recursion limit long before the end. acl-lint says so (ACL003, at the def
line, naming the function) instead of reporting the function as clean, and
still checks the rest of the file (the leak below).
"""
import acl


def release_chain(ptr):  # expect[static]: ACL003
    status = (
        acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
        + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr) + acl.rt.free(ptr)
    )
    return status


def stage(size):
    ptr, ret = acl.rt.malloc(size, 0)  # expect: ACL101
    if ret != 0:
        return None
    return size
