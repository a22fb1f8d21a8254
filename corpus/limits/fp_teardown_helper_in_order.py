"""Known limit (false positive): a teardown helper that releases in the documented order.

`close_in_order` destroys the context, then resets the device, then finalizes: the
documented order. Its summary says "releases a context, a device and the process" but
not in which order, and applying it at the call in `main()` gets the order wrong: a
false ACL203 at the reset_device line. The runtime audit (which sees the real calls)
is silent. When the summary keeps the order, remove the `todook` marker.
"""

import acl

DEVICE_ID = 0


def close_in_order(device_id, ctx):
    ret = acl.rt.destroy_context(ctx)
    if ret != 0:
        raise RuntimeError(f"destroy_context failed: {ret}")
    ret = acl.rt.reset_device(device_id)  # todook[static]: ACL203
    if ret != 0:
        raise RuntimeError(f"reset_device failed: {ret}")
    ret = acl.finalize()
    if ret != 0:
        raise RuntimeError(f"finalize failed: {ret}")


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
    buf, ret = acl.rt.malloc(1024, 0)
    if ret != 0:
        raise RuntimeError(f"malloc failed: {ret}")
    acl.rt.free(buf)
    close_in_order(DEVICE_ID, ctx)


if __name__ == "__main__":
    main()
