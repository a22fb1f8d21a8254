"""A release method that resets the device before destroying its context (firing: ACL203).

AclResource.release() destroys the stream, then calls reset_device while the
context it created is still alive and destroys that context afterwards.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class AclResource(object):
    def __init__(self, device_id=0):
        self.device_id = device_id
        self.context = None
        self.stream = None

    def init(self):
        ret = acl.init()
        check_ret("acl.init", ret)
        ret = acl.rt.set_device(self.device_id)
        check_ret("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(self.device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)

    def release(self):
        print("release resource stage:")
        if self.stream:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        acl.rt.reset_device(self.device_id)  # expect: ACL203
        if self.context:
            acl.rt.destroy_context(self.context)
            self.context = None
        acl.finalize()


def main():
    resource = AclResource(0)
    resource.init()
    try:
        ptr, ret = acl.rt.malloc(1024, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret == ACL_SUCCESS:
            ret = acl.rt.synchronize_stream(resource.stream)
            print("sync:", ret)
            acl.rt.free(ptr)
    finally:
        resource.release()


if __name__ == "__main__":
    main()
