"""Net: one output buffer, read back through the star-imported helpers."""
import acl

from .utils import *  # noqa: F401,F403 (check_ret, copy_to_host, copy_to_device, constants)


class Net(object):
    def __init__(self, size):
        self.size = size
        self.output, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # noqa: F405
        check_ret("acl.rt.malloc", ret)  # noqa: F405

    def fetch(self):
        return copy_to_host(self.output, self.size)  # noqa: F405

    def stage(self):
        return copy_to_device(self.output, self.size)  # noqa: F405

    def close(self):
        acl.rt.free(self.output)
