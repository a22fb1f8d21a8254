"""A subclass adds a second stream that neither it nor its base ever destroys (firing: ACL105).

AclBase.release() destroys self.stream and self.context. Tracker adds
self.aux_stream for its copies and relies on the inherited release(), so no
method of Tracker (or its base) destroys aux_stream.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class AclBase(object):
    def __init__(self, device_id):
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)

    def release(self):
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None


class Tracker(AclBase):
    def __init__(self, device_id, state_size):
        super(Tracker, self).__init__(device_id)
        self.aux_stream, ret = acl.rt.create_stream()  # expect[static]: ACL105  # expect[runtime]: ACL101
        check_ret("acl.rt.create_stream", ret)
        self.state_size = state_size

    def update(self, state_ptr, data):
        ret = acl.rt.memcpy_async(state_ptr, self.state_size, acl.util.bytes_to_ptr(data),
                                  len(data), ACL_MEMCPY_HOST_TO_DEVICE, self.aux_stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.synchronize_stream(self.aux_stream)
        check_ret("acl.rt.synchronize_stream", ret)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            tracker = Tracker(0, 128)
            state, ret = acl.rt.malloc(128, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret == ACL_SUCCESS:
                for i in range(3):
                    tracker.update(state, bytes([i]) * 128)
                acl.rt.free(state)
            tracker.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
