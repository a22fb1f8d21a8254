"""A helper tests `desc is None` on a fresh picture description (dead: pyACL returns 0 on
failure, never None) and returns None on that branch; its caller tests the helper's result
with `is None` too. The caller's test is only as dead as the helper's: fixing the helper's
check (`if not desc:`) makes the caller's test right. One defect, one finding: the ACL503 is
reported in the helper, not again at the caller.
"""
import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def make_desc(width, height):
    desc = acl.media.dvpp_create_pic_desc()
    if desc is None:  # expect[static]: ACL503
        return None
    acl.media.dvpp_set_pic_desc_width(desc, width)
    acl.media.dvpp_set_pic_desc_height(desc, height)
    return desc


def describe(width, height):
    desc = make_desc(width, height)
    if desc is None:
        return 1
    acl.media.dvpp_destroy_pic_desc(desc)
    return ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        describe(64, 32)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
