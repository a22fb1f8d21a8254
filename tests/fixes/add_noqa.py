"""--add-noqa: a `# noqa: CODE` on each line with a finding; merged into a noqa
comment of another tool; put on a later line of the statement when the line of
the finding ends inside a string."""
import acl


def leak(size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != 0:
        return None
    return size


def leak_with_other_noqa(size):
    ptr, ret = acl.rt.malloc(size, 0)  # noqa: E501
    if ret != 0:
        return None
    return size


def leak_in_a_string_line(size):
    ptr, ret = acl.rt.malloc(size + len("""header
"""), 0)
    if ret != 0:
        return None
    return size
