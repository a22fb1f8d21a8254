"""ROI configs made on every crop and paste, the old one destroyed first (clean).

The look-alike of own_per_call_roi_never_released.py: crop() and paste()
destroy the previous ROI config before storing a new one in self.roi, and
close() destroys the last one.
"""

import acl

ACL_SUCCESS = 0


class Cropper(object):
    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.roi = None

    def _drop_roi(self):
        if self.roi:
            acl.media.dvpp_destroy_roi_config(self.roi)
            self.roi = None

    def crop(self, x, y):
        self._drop_roi()
        self.roi = acl.media.dvpp_create_roi_config(x, x + 15, y, y + 15)

    def paste(self, x, y):
        self._drop_roi()
        self.roi = acl.media.dvpp_create_roi_config(x, x + 31, y, y + 31)

    def close(self):
        self._drop_roi()
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
