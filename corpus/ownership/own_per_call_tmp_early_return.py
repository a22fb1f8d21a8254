"""A per-call scratch buffer kept in a field, left live by an early return (firing: ACL102).

Resizer.resize() stores a fresh DVPP buffer in self._scratch on every call
and frees it at the end of its normal path, but when the copy into it fails
it returns early with the buffer still in self._scratch: the next call
overwrites the field and the buffer is lost. The clean look-alike, which
frees the scratch buffer on the early return too, is
own_per_call_tmp_released.py.
"""

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


class Resizer(object):
    def __init__(self, size):
        self.size = size
        self._scratch = None

    def resize(self, frame):
        self._scratch, ret = acl.media.dvpp_malloc(self.size)  # expect[static]: ACL102
        if ret != ACL_SUCCESS:
            return False
        ret = acl.rt.memcpy(self._scratch, self.size, acl.util.bytes_to_ptr(frame), len(frame),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            return False
        acl.media.dvpp_free(self._scratch)
        self._scratch = None
        return True


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        resizer = Resizer(256)
        for i in range(3):
            print("resized:", resizer.resize(bytes([i]) * 256))
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
