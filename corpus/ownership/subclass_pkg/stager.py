"""BaseStager: the same constructor shape, built only through FrameStager
(`BaseStager.__init__(self, ...)`), once per request by ../app_subclass_serve.py in a loop
that logs a failure and goes on: the leaked staging memory is lost while the process lives
(ACL102 stays)."""
import acl

ACL_MEM_MALLOC_HUGE_FIRST = 0


def check_ret(message, ret):
    if ret != 0:
        raise RuntimeError("{} failed ret={}".format(message, ret))


class BaseStager(object):
    def __init__(self, size):
        self.staging, self.output = self._alloc(size)

    def _alloc(self, size):
        staging, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
        check_ret("acl.rt.malloc", ret)
        output, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        return staging, output

    def close(self):
        acl.rt.free(self.output)
        acl.rt.free(self.staging)


class FrameStager(BaseStager):
    def __init__(self, size):
        BaseStager.__init__(self, size)
        self.frames = 0
