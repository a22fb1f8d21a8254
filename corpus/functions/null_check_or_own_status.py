"""`h is None or ret` where `ret` is the status of the call that returned `h`:
the `is None` half never fires, but the status half already catches the
failure, so the check is harmless redundancy (not reported).

alloc_pair() tests the first buffer against the second call's status: the
failure of the first dvpp_malloc is only "caught" by the dead `is None`
(ACL503), and its status is never read (ACL501).
"""
import acl


def alloc_output(size):
    output_buffer, ret = acl.media.dvpp_malloc(size)
    if (output_buffer is None) or ret:
        return None
    return output_buffer


def alloc_pair(size):
    first, ret_first = acl.media.dvpp_malloc(size)  # expect[static]: ACL501
    second, ret = acl.media.dvpp_malloc(size)
    if first is None or ret != 0:  # expect[static]: ACL503
        for buf in (first, second):
            if buf:
                acl.media.dvpp_free(buf)
        return None
    return first, second
