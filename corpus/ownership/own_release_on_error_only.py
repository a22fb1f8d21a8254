"""A stream destroyed only on an error branch of the method that created it (firing: ACL105).

Encoder.open() creates self.stream and, when the warm-up synchronize fails,
destroys it before raising. That is the only destroy_stream in the class:
close() releases the device memory and forgets the stream. A method that
releases `self.stream` only on its error paths is no release method for it,
so on every normal run the stream is never destroyed. The clean look-alike is
own_release_on_error_and_close.py.
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
        self.stream, ret = acl.rt.create_stream()  # expect[static]: ACL105  # expect[runtime]: ACL101
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
