"""ACL503 and project helpers that raise on failure: `to_dvpp()` raises when
acl.media.dvpp_malloc or the copy fails (through the raising `check_ret()`), so
what it returns is a checked, non-zero handle. Its caller's `if ptr is None:` is
dead but harmless (nothing is hidden by it, and `if not ptr:` would be just as
dead): not reported, and "returns 0 on failure" would be false.

Still reported: `to_dvpp_logged()` only logs a failed dvpp_malloc and returns
the handle anyway (0 on failure), so its caller's `is None` test lets the
failure through.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
SIZE = 1024


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError(f"{message} failed: {ret}")


def log_ret(message, ret):
    if ret != ACL_SUCCESS:
        print(f"{message} failed: {ret}")


def to_dvpp(data, size):
    buf, ret = acl.media.dvpp_malloc(size)
    check_ret("acl.media.dvpp_malloc", ret)
    ret = acl.rt.memcpy(buf, size, data, size, ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(buf)
        raise RuntimeError(f"acl.rt.memcpy failed: {ret}")
    return buf


def to_dvpp_logged(size):
    buf, ret = acl.media.dvpp_malloc(size)
    log_ret("acl.media.dvpp_malloc", ret)
    return buf


class Image:
    def __init__(self, data, size):
        self.data = data
        self.size = size

    def upload(self):
        ptr = to_dvpp(self.data, self.size)
        if ptr is None:
            print("upload failed")
            return 0
        return ptr

    def reserve(self):
        ptr = to_dvpp_logged(self.size)
        if ptr is None:  # expect[static]: ACL503
            print("reserve failed")
            return 0
        return ptr


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            host, ret = acl.rt.malloc_host(SIZE)
            if ret == ACL_SUCCESS:
                image = Image(host, SIZE)
                for ptr in (image.upload(), image.reserve()):
                    if ptr:
                        acl.media.dvpp_free(ptr)
                acl.rt.free_host(host)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
