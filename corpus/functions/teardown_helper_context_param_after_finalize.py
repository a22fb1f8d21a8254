"""A teardown helper that receives the context as a parameter and destroys it
after the device was reset and the process finalised. The context's acquire
site is in the caller; the finding points at the late release (ACL203).
`close_in_order` is the clean look-alike.
"""
import acl

DEVICE_ID = 0


def check_ret(message, ret):
    if ret != 0:
        raise RuntimeError(f"{message} failed: {ret}")


def shutdown(device_id, ctx):
    ret = acl.rt.reset_device(device_id)
    check_ret("reset device", ret)
    ret = acl.finalize()
    check_ret("finalize", ret)
    ret = acl.rt.destroy_context(ctx)  # expect: ACL203
    check_ret("destroy context", ret)


def close_in_order(device_id, ctx):
    ret = acl.rt.destroy_context(ctx)
    check_ret("destroy context", ret)
    ret = acl.rt.reset_device(device_id)
    check_ret("reset device", ret)
    ret = acl.finalize()
    check_ret("finalize", ret)


def main():
    # a library module: the helpers are called by an application elsewhere
    ret = acl.init()
    check_ret("init", ret)
    ret = acl.finalize()
    check_ret("finalize", ret)


if __name__ == "__main__":
    main()
