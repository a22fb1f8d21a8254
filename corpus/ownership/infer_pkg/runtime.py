"""DeviceRuntime: process, device, context and stream as a context manager."""

import acl

from .status import ACL_SUCCESS, AclError


class DeviceRuntime(object):
    def __init__(self, device_id=0):
        self.device_id = device_id
        self.context = None
        self.stream = None

    def __enter__(self):
        ret = acl.init()
        if ret != ACL_SUCCESS:
            raise AclError("acl.init", ret)
        ret = acl.rt.set_device(self.device_id)
        if ret != ACL_SUCCESS:
            acl.finalize()
            raise AclError("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(self.device_id)
        if ret != ACL_SUCCESS:
            self.context = None
            acl.rt.reset_device(self.device_id)
            acl.finalize()
            raise AclError("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        if ret != ACL_SUCCESS:
            self.stream = None
            self._teardown()
            raise AclError("acl.rt.create_stream", ret)
        return self

    def _teardown(self):
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None
        acl.rt.reset_device(self.device_id)
        acl.finalize()

    def __exit__(self, exc_type, exc, tb):
        self._teardown()
        return False
