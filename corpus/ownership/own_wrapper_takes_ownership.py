"""Wrapper classes that take ownership of handles given to their constructor (clean).

main() acquires device memory, host memory and a stream and immediately
hands each to a wrapper; the wrappers' destroy() releases what they were
given, so main() only destroys the wrappers.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class DeviceMemory(object):
    def __init__(self, ptr, size):
        self.ptr = ptr
        self.size = size

    def destroy(self):
        if self.ptr:
            acl.rt.free(self.ptr)
            self.ptr = None


class PinnedHostMemory(object):
    def __init__(self, ptr, size):
        self.ptr = ptr
        self.size = size

    def to_bytes(self):
        return acl.util.ptr_to_bytes(self.ptr, self.size)

    def destroy(self):
        if self.ptr:
            acl.rt.free_host(self.ptr)
            self.ptr = None


class Stream(object):
    def __init__(self, handle):
        self.handle = handle

    def destroy(self):
        if self.handle:
            acl.rt.destroy_stream(self.handle)
            self.handle = None


def copy_through_device(payload):
    size = len(payload)
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("acl.rt.malloc", ret)
    device = DeviceMemory(ptr, size)
    host_ptr, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        device.destroy()
        raise Exception("acl.rt.malloc_host failed ret={}".format(ret))
    host = PinnedHostMemory(host_ptr, size)
    handle, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        host.destroy()
        device.destroy()
        raise Exception("acl.rt.create_stream failed ret={}".format(ret))
    stream = Stream(handle)

    ret = acl.rt.memcpy_async(device.ptr, size, acl.util.bytes_to_ptr(payload), size,
                              ACL_MEMCPY_HOST_TO_DEVICE, stream.handle)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy_async(host.ptr, size, device.ptr, size,
                                  ACL_MEMCPY_DEVICE_TO_HOST, stream.handle)
    sync_ret = acl.rt.synchronize_stream(stream.handle)
    result = None
    if (ret, sync_ret) == (ACL_SUCCESS, ACL_SUCCESS):
        result = host.to_bytes()
    stream.destroy()
    host.destroy()
    device.destroy()
    return result


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            for payload in (b"resnet", b"yolov5" * 10):
                print(copy_through_device(payload))
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
