"""Status codes and the check helper of infer_pkg."""

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


class AclError(RuntimeError):
    def __init__(self, api, code):
        super(AclError, self).__init__("{} failed, error code {}".format(api, code))
        self.api = api
        self.code = code


def check_ret(api, ret):
    if ret != ACL_SUCCESS:
        raise AclError(api, ret)
