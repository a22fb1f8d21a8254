"""ROI configs made on every crop and paste, released by no method (firing: ACL104, once).

Cropper.crop() and Cropper.paste() each store a fresh ROI config in
self.roi on every call, and no method of Cropper ever destroys it. Both
"overwritten per call" (ACL104) and "the owner never releases it" (ACL105)
are true; the docs rank the per-call leak first (it grows with every frame),
so the class gets one ACL104 at the first store, naming the other per-call
store as a step and saying that no method releases the last one either. The
clean look-alike, which destroys the old config first and in close(), is
own_per_call_roi_released.py.
"""

import acl

ACL_SUCCESS = 0


class Cropper(object):
    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.roi = None

    def crop(self, x, y):
        self.roi = acl.media.dvpp_create_roi_config(x, x + 15, y, y + 15)  # expect[static]: ACL104  # expect[runtime]: ACL103

    def paste(self, x, y):
        self.roi = acl.media.dvpp_create_roi_config(x, x + 31, y, y + 31)  # expect[runtime]: ACL103

    def close(self):
        self.width = 0
        self.height = 0


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        cropper = Cropper(64, 64)
        for i in range(3):
            cropper.crop(i * 2, i * 2)
            cropper.paste(i * 2, i * 2)
        cropper.close()
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
