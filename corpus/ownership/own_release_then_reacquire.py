"""Per-call methods that release the previous handle before acquiring a new one (clean).

FeatureStore.upload() grows its device buffer on demand: it frees the old
buffer under a guard before it stores the new one on self. Timer.tick()
reuses its event, destroying the previous one first.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class FeatureStore(object):
    def __init__(self, stream):
        self.stream = stream
        self.dev_ptr = None
        self.capacity = 0
        self.used = 0

    def upload(self, data):
        size = len(data)
        if size > self.capacity:
            if self.dev_ptr is not None:
                acl.rt.free(self.dev_ptr)
                self.dev_ptr = None
                self.capacity = 0
            self.dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            self.capacity = size
        ret = acl.rt.memcpy_async(self.dev_ptr, self.capacity, acl.util.bytes_to_ptr(data),
                                  size, ACL_MEMCPY_HOST_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)
        self.used = size

    def download(self):
        host, ret = acl.rt.malloc_host(self.used)
        check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memcpy(host, self.used, self.dev_ptr, self.used,
                            ACL_MEMCPY_DEVICE_TO_HOST)
        data = acl.util.ptr_to_bytes(host, self.used) if ret == ACL_SUCCESS else None
        acl.rt.free_host(host)
        return data

    def close(self):
        if self.dev_ptr is not None:
            acl.rt.free(self.dev_ptr)
            self.dev_ptr = None


class Timer(object):
    def __init__(self, stream):
        self.stream = stream
        self.event = None

    def tick(self):
        if self.event is not None:
            acl.rt.destroy_event(self.event)
            self.event = None
        self.event, ret = acl.rt.create_event()
        check_ret("acl.rt.create_event", ret)
        ret = acl.rt.record_event(self.event, self.stream)
        check_ret("acl.rt.record_event", ret)
        ret = acl.rt.synchronize_event(self.event)
        check_ret("acl.rt.synchronize_event", ret)

    def close(self):
        if self.event is not None:
            acl.rt.destroy_event(self.event)
            self.event = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            stream, ret = acl.rt.create_stream()
            check_ret("acl.rt.create_stream", ret)
            store = FeatureStore(stream)
            timer = Timer(stream)
            for payload in (b"ab" * 8, b"abc" * 64, b"x" * 16):
                store.upload(payload)
                timer.tick()
                print(len(store.download()))
            timer.close()
            store.close()
            acl.rt.destroy_stream(stream)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
