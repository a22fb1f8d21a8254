"""ACL503: pyACL returns 0 on failure, never None. `if buf is None:` after
acl.create_data_buffer never fires (the real failure goes on unnoticed), and
the branch under it is dead: no leak, double release or use after release is built
on it. The same through a project helper that only returns what pyACL gave it,
and `assert desc is not None` right after acl.mdl.create_desc.

Clean look-alikes: `if not buf:`; a helper that returns None for a bad
argument (its caller's `is None` test is real, and the leak on that branch
stays reported); a variable that is None on one path.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
SIZE = 1024


def wrap():
    ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    buf = acl.create_data_buffer(ptr, SIZE)
    if buf is None:  # expect[static]: ACL503
        return None
    return ptr, buf


def wrap_checked():
    ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    buf = acl.create_data_buffer(ptr, SIZE)
    if not buf:
        acl.rt.free(ptr)
        return None
    return ptr, buf


def new_pic_desc():
    return acl.media.dvpp_create_pic_desc()


def pic_desc_via_helper():
    stream = acl.media.dvpp_create_stream_desc()
    desc = new_pic_desc()
    if desc is None:  # expect[static]: ACL503
        return None
    return stream, desc


def pic_desc_or_none(width):
    if width <= 0:
        return None
    return acl.media.dvpp_create_pic_desc()


def pic_desc_checked(width=SIZE):
    stream = acl.media.dvpp_create_stream_desc()  # expect[static]: ACL102
    desc = pic_desc_or_none(width)
    if desc is None:
        return None
    return stream, desc


def maybe_wrap(ptr, wanted):
    buf = None
    if wanted:
        buf = acl.create_data_buffer(ptr, SIZE)
    if buf is not None:
        acl.destroy_data_buffer(buf)


class Model:
    def __init__(self):
        self.model_desc = acl.mdl.create_desc()
        assert self.model_desc is not None  # expect[static]: ACL503

    def close(self):
        acl.mdl.destroy_desc(self.model_desc)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            for maker in (wrap, wrap_checked):
                made = maker()
                if made:
                    acl.rt.free(made[0])
                    acl.destroy_data_buffer(made[1])
            ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret == ACL_SUCCESS:
                maybe_wrap(ptr, True)
                acl.rt.free(ptr)
            for maker in (pic_desc_via_helper, pic_desc_checked):
                made = maker()
                if made:
                    acl.media.dvpp_destroy_stream_desc(made[0])
                    acl.media.dvpp_destroy_pic_desc(made[1])
            model = Model()
            model.close()
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
