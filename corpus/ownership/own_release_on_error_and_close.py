"""A stream destroyed on an error branch of open() and again by close() (clean).

The look-alike of own_release_on_error_only.py: open() still destroys the
stream when the warm-up fails, and close() destroys it on the normal path.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0


class Encoder(object):
    def __init__(self, size):
        self.size = size
        self.stream = None
        self.scratch = None

    def open(self):
        self.stream, ret = acl.rt.create_stream()
        if ret != ACL_SUCCESS:
            raise RuntimeError("create_stream failed: {}".format(ret))
        ret = acl.rt.synchronize_stream(self.stream)
        if ret != ACL_SUCCESS:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
            raise RuntimeError("warm-up failed: {}".format(ret))
        self.scratch, ret = acl.rt.malloc(self.size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            raise RuntimeError("malloc failed: {}".format(ret))

    def encode(self, value):
        ret = acl.rt.memset(self.scratch, self.size, value, self.size)
        if ret != ACL_SUCCESS:
            return False
        ret = acl.rt.synchronize_stream(self.stream)
        return ret == ACL_SUCCESS

    def close(self):
        if self.scratch is not None:
            acl.rt.free(self.scratch)
            self.scratch = None
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            enc = Encoder(4096)
            try:
                enc.open()
                print("encoded:", enc.encode(7))
            finally:
                enc.close()
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
