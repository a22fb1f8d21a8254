"""`== None` on a handle pyACL returned is as dead as `is None`: pyACL returns 0 on
failure. The dead branch builds no leak path (here: no ACL102 for `ptr` on a failure
branch that cannot be taken) and the check itself is reported (ACL503).
`upload_checked` is the clean look-alike that tests the handle for 0.
"""
import acl

ACL_SUCCESS = 0


def upload(size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != ACL_SUCCESS:
        return None
    buf = acl.create_data_buffer(ptr, size)
    if buf == None:  # expect[static]: ACL503
        return None
    acl.rt.free(ptr)
    acl.destroy_data_buffer(buf)
    return size


def upload_checked(size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != ACL_SUCCESS:
        return None
    buf = acl.create_data_buffer(ptr, size)
    if not buf:
        acl.rt.free(ptr)
        return None
    acl.rt.free(ptr)
    acl.destroy_data_buffer(buf)
    return size


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        upload(64)
        upload_checked(64)
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
