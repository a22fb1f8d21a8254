"""Known limit (false negative): a handle handed to code acl-lint cannot see.

`json.dumps` only formats the handle, but the static analyzer cannot know that: a
handle passed to unknown code is assumed to be kept there (ownership is followed, not
guessed), so the leak of `ptr` is not reported statically. The runtime audit sees it.
When the analyzer learns which library calls keep nothing, turn `todo` into `expect`.
"""

import json

import acl

DEVICE_ID = 0


def copy_once(size):
    ptr, ret = acl.rt.malloc(size, 0)  # expect[runtime]: ACL101  # todo[static]: ACL101
    if ret != 0:
        raise RuntimeError(f"malloc failed: {ret}")
    print(json.dumps({"ptr": ptr, "size": size}))
    return size


def main():
    ret = acl.init()
    if ret != 0:
        raise RuntimeError(f"init failed: {ret}")
    ret = acl.rt.set_device(DEVICE_ID)
    if ret != 0:
        raise RuntimeError(f"set_device failed: {ret}")
    ctx, ret = acl.rt.create_context(DEVICE_ID)
    if ret != 0:
        raise RuntimeError(f"create_context failed: {ret}")
    copy_once(1024)
    acl.rt.destroy_context(ctx)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
