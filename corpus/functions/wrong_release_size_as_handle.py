"""ACL303: the size of a DVPP buffer, computed from the frame's width and height, is
passed to acl.media.dvpp_free instead of the buffer (issue 11 item 7). A number made
by arithmetic is never a handle: it is not "something from outside that is released
here"; the DVPP memory itself stays live (ACL101). `to_yuv_clean` frees the buffer.
"""

import acl

ACL_SUCCESS = 0


def to_yuv(width, height):
    size = width * height * 3 // 2
    pic, ret = acl.media.dvpp_malloc(size)  # expect[static]: ACL101
    if ret != ACL_SUCCESS:
        return 0
    acl.media.dvpp_free(size)  # expect[static]: ACL303
    return size


def to_yuv_clean(width, height):
    size = width * height * 3 // 2
    pic, ret = acl.media.dvpp_malloc(size)
    if ret != ACL_SUCCESS:
        return 0
    acl.media.dvpp_free(pic)
    return size


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(0)
        if ret == ACL_SUCCESS:
            print(to_yuv_clean(64, 32))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
