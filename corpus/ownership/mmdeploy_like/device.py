"""Device: a context manager around every device operation (mmdeploy style).

Unlike mmdeploy, which only calls set_device, each use is balanced by a
reset_device (the device is reference counted).
"""

from contextlib import contextmanager

import acl

from .errors import _check


class Device(object):
    def __init__(self, device="npu:0"):
        name_idx = device.split(":")
        self.index = 0 if len(name_idx) == 1 else int(name_idx[-1])

    @contextmanager
    def __call__(self):
        _check(acl.rt.set_device(self.index), "acl.rt.set_device")
        try:
            yield
        finally:
            acl.rt.reset_device(self.index)
