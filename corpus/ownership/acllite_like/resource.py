"""AclLiteResource: process, device, context and stream of an application."""

import acl

from . import constants as const
from .resource_list import resource_list
from .utils import check_ret, log_info


class AclLiteResource(object):
    """Owns acl.init, the device, one context and one stream."""

    def __init__(self, device_id=0):
        self.device_id = device_id
        self.context = None
        self.stream = None
        self.run_mode = None
        self._initialized = False

    def init(self):
        ret = acl.init()
        check_ret("acl.init", ret)

        ret = acl.rt.set_device(self.device_id)
        if ret != const.ACL_SUCCESS:
            acl.finalize()
            raise Exception("acl.rt.set_device failed ret={}".format(ret))

        self.context, ret = acl.rt.create_context(self.device_id)
        if ret != const.ACL_SUCCESS:
            self.context = None
            acl.rt.reset_device(self.device_id)
            acl.finalize()
            raise Exception("acl.rt.create_context failed ret={}".format(ret))

        self.stream, ret = acl.rt.create_stream()
        if ret != const.ACL_SUCCESS:
            self.stream = None
            acl.rt.destroy_context(self.context)
            self.context = None
            acl.rt.reset_device(self.device_id)
            acl.finalize()
            raise Exception("acl.rt.create_stream failed ret={}".format(ret))

        self.run_mode, ret = acl.rt.get_run_mode()
        check_ret("acl.rt.get_run_mode", ret)
        self._initialized = True
        log_info("init resource success")

    def release(self):
        if not self._initialized:
            return
        log_info("release resource")
        resource_list.destroy()
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None
        acl.rt.reset_device(self.device_id)
        acl.finalize()
        self._initialized = False
