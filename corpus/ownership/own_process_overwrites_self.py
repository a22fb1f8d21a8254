"""A per-image method that allocates into self without releasing the previous value (firing: ACL104).

process() is not an initialiser: every call mallocs a fresh result buffer
into self.result_ptr, losing the one from the previous call. release() only
frees the last one. normalize_all() runs process() once per image; main()
processes a single image, so at run time nothing leaks: the defect is in the
class, and shows when a caller loops.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_DEVICE = 3


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Normalizer(object):
    def __init__(self, size):
        self.size = size
        self.work_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.result_ptr = None

    def process(self, image):
        ret = acl.rt.memcpy(self.work_ptr, self.size, acl.util.bytes_to_ptr(image),
                            len(image), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        self.result_ptr, ret = acl.rt.malloc(self.size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL104
        check_ret("acl.rt.malloc", ret)
        ret = acl.rt.memcpy(self.result_ptr, self.size, self.work_ptr, self.size,
                            ACL_MEMCPY_DEVICE_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        return self.result_ptr

    def release(self):
        if self.result_ptr is not None:
            acl.rt.free(self.result_ptr)
            self.result_ptr = None
        if self.work_ptr is not None:
            acl.rt.free(self.work_ptr)
            self.work_ptr = None


def normalize_all(images, size):
    """A library entry (main() does not run it): one Normalizer, process() per image."""
    normalizer = Normalizer(size)
    try:
        for image in images:
            normalizer.process(image)
    finally:
        normalizer.release()


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            normalizer = Normalizer(1024)
            normalizer.process(bytes(range(256)) * 4)
            normalizer.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
