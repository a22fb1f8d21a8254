"""A context manager whose __exit__ finalizes before it resets the device (firing: ACL203).

__exit__ destroys stream and context correctly, then calls acl.finalize()
while the device is still set and resets the device afterwards.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class AscendDevice(object):
    def __init__(self, device_id=0):
        self.device_id = device_id
        self.context = None
        self.stream = None

    def __enter__(self):
        ret = acl.init()
        check_ret("acl.init", ret)
        ret = acl.rt.set_device(self.device_id)
        check_ret("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(self.device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        return self

    def __exit__(self, exc_type, exc, tb):
        acl.rt.destroy_stream(self.stream)
        acl.rt.destroy_context(self.context)
        acl.finalize()  # expect: ACL203
        acl.rt.reset_device(self.device_id)


def echo(device, payload):
    size = len(payload)
    dev, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("acl.rt.malloc", ret)
    host, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev)
        raise Exception("acl.rt.malloc_host failed ret={}".format(ret))
    ret = acl.rt.memcpy_async(dev, size, acl.util.bytes_to_ptr(payload), size,
                              ACL_MEMCPY_HOST_TO_DEVICE, device.stream)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy_async(host, size, dev, size, ACL_MEMCPY_DEVICE_TO_HOST,
                                  device.stream)
    sync_ret = acl.rt.synchronize_stream(device.stream)
    result = None
    if (ret, sync_ret) == (ACL_SUCCESS, ACL_SUCCESS):
        result = acl.util.ptr_to_bytes(host, size)
    acl.rt.free_host(host)
    acl.rt.free(dev)
    return result


def main():
    with AscendDevice(0) as device:
        for word in (b"npu", b"ascend"):
            print(echo(device, word))


if __name__ == "__main__":
    main()
