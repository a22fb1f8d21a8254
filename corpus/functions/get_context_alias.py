"""Handles reached again through `acl.rt.get_context()` and `int(h)` (firing: ACL101 once).

`acl.rt.get_context()` returns the current context of the thread: the one
created (or set) last on it. teardown_current() destroys the context created
in main() through it: no leak, no overwrite of `context`. int(h) is the same
handle (pyACL handles are ints): the dataset built and destroyed through
int(...) in fill() is released. In two_contexts() the second context is
current when get_context() is asked, so the first one is never destroyed.
"""

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def fill():
    dataset = acl.mdl.create_dataset()
    count = acl.mdl.get_dataset_num_buffers(int(dataset))
    acl.mdl.destroy_dataset(int(dataset))
    return count


def teardown_current():
    context, ret = acl.rt.get_context()
    if ret == ACL_SUCCESS:
        acl.rt.destroy_context(context)


def two_contexts():
    first, ret = acl.rt.create_context(DEVICE_ID)  # expect: ACL101
    if ret != ACL_SUCCESS:
        return
    second, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        acl.rt.destroy_context(first)
        return
    current, ret = acl.rt.get_context()
    if ret == ACL_SUCCESS:
        acl.rt.destroy_context(current)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            fill()
            context, ret = acl.rt.get_context()
            if ret == ACL_SUCCESS:
                acl.rt.destroy_context(context)
        two_contexts()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
