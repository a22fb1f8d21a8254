"""Lazily created stream and host buffer, guarded by `is None` (clean).

fetch() is called per result; it creates the stream and the pinned host
buffer only on the first call (under `if self._x is None`), so nothing live
is ever overwritten. close() releases both. _ensure_stream() returns the
object's own stream: callers borrow it, the object owns it.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class ResultFetcher(object):
    def __init__(self, max_size):
        self._max_size = max_size
        self._stream = None
        self._host_buf = None

    def _ensure_stream(self):
        if self._stream is None:
            self._stream, ret = acl.rt.create_stream()
            check_ret("acl.rt.create_stream", ret)
        return self._stream

    def fetch(self, dev_ptr, size):
        if size > self._max_size:
            raise ValueError("result too large")
        stream = self._ensure_stream()
        if self._host_buf is None:
            self._host_buf, ret = acl.rt.malloc_host(self._max_size)
            check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memcpy_async(self._host_buf, self._max_size, dev_ptr, size,
                                  ACL_MEMCPY_DEVICE_TO_HOST, stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.synchronize_stream(stream)
        check_ret("acl.rt.synchronize_stream", ret)
        return acl.util.ptr_to_bytes(self._host_buf, size)

    def close(self):
        if self._host_buf is not None:
            acl.rt.free_host(self._host_buf)
            self._host_buf = None
        if self._stream is not None:
            acl.rt.destroy_stream(self._stream)
            self._stream = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            dev_ptr, ret = acl.rt.malloc(256, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            fetcher = ResultFetcher(256)
            for i in range(3):
                data = bytes([i + 1]) * 256
                ret = acl.rt.memcpy(dev_ptr, 256, acl.util.bytes_to_ptr(data), 256,
                                    ACL_MEMCPY_HOST_TO_DEVICE)
                if ret == ACL_SUCCESS:
                    print(fetcher.fetch(dev_ptr, 16))
            fetcher.close()
            acl.rt.free(dev_ptr)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
