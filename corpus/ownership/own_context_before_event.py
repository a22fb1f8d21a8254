"""Events destroyed after the context they were created in (firing: ACL203).

Profiler.close() destroys its stream, then its context, and only then the
two timing events, which are children of that context.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Profiler(object):
    def __init__(self, device_id):
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.start, ret = acl.rt.create_event()
        check_ret("acl.rt.create_event", ret)
        self.stop, ret = acl.rt.create_event()
        check_ret("acl.rt.create_event", ret)

    def time_copy(self, dst, src, size):
        ret = acl.rt.record_event(self.start, self.stream)
        check_ret("acl.rt.record_event", ret)
        ret = acl.rt.memcpy_async(dst, size, src, size, ACL_MEMCPY_HOST_TO_DEVICE,
                                  self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.record_event(self.stop, self.stream)
        check_ret("acl.rt.record_event", ret)
        ret = acl.rt.synchronize_event(self.stop)
        check_ret("acl.rt.synchronize_event", ret)

    def close(self):
        acl.rt.destroy_stream(self.stream)
        acl.rt.destroy_context(self.context)  # expect: ACL203
        acl.rt.destroy_event(self.start)
        acl.rt.destroy_event(self.stop)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            profiler = Profiler(0)
            data = bytes(4096)
            dev, ret = acl.rt.malloc(len(data), ACL_MEM_MALLOC_HUGE_FIRST)
            if ret == ACL_SUCCESS:
                for _ in range(2):
                    profiler.time_copy(dev, acl.util.bytes_to_ptr(data), len(data))
                acl.rt.free(dev)
            profiler.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
