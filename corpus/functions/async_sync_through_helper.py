"""ACL202 and project helpers that synchronise: `wait_stream()` and
`Downloader._wait()` run acl.rt.synchronize_stream on the stream they are given
(and raise when it fails), so a host buffer freed after the call is no longer
used by the copy queued on that stream: not reported. `wait_stream()` returns
early for a None stream, which its callers never pass.

Still reported: `wait_if(stream, blocking)` synchronises only when asked, so
`download_maybe()` frees the pinned buffer while the copy may still write it.
"""
import acl

ACL_SUCCESS = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
SIZE = 256


def wait_stream(stream):
    if stream is None:
        return
    ret = acl.rt.synchronize_stream(stream)
    if ret != ACL_SUCCESS:
        raise RuntimeError(f"acl.rt.synchronize_stream failed: {ret}")


def wait_if(stream, blocking):
    if blocking:
        ret = acl.rt.synchronize_stream(stream)
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"acl.rt.synchronize_stream failed: {ret}")


def download(dev_ptr, stream):
    host, ret = acl.rt.malloc_host(SIZE)
    if ret != ACL_SUCCESS:
        return b""
    ret = acl.rt.memcpy_async(host, SIZE, dev_ptr, SIZE, ACL_MEMCPY_DEVICE_TO_HOST, stream)
    try:
        wait_stream(stream)
        data = acl.util.ptr_to_bytes(host, SIZE) if ret == ACL_SUCCESS else b""
    finally:
        acl.rt.free_host(host)
    return data


def download_maybe(dev_ptr, stream, blocking):
    host, ret = acl.rt.malloc_host(SIZE)
    if ret != ACL_SUCCESS:
        return ret
    ret = acl.rt.memcpy_async(host, SIZE, dev_ptr, SIZE, ACL_MEMCPY_DEVICE_TO_HOST, stream)
    wait_if(stream, blocking)
    acl.rt.free_host(host)  # expect[static]: ACL202
    return ret


class Downloader:
    def __init__(self, stream):
        self.stream = stream

    def _wait(self, stream):
        ret = acl.rt.synchronize_stream(stream)
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"acl.rt.synchronize_stream failed: {ret}")

    def fetch(self, dev_ptr):
        host, ret = acl.rt.malloc_host(SIZE)
        if ret != ACL_SUCCESS:
            return b""
        ret = acl.rt.memcpy_async(host, SIZE, dev_ptr, SIZE, ACL_MEMCPY_DEVICE_TO_HOST, self.stream)
        try:
            self._wait(self.stream)
            data = acl.util.ptr_to_bytes(host, SIZE) if ret == ACL_SUCCESS else b""
        finally:
            acl.rt.free_host(host)
        return data


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                dev_ptr, ret = acl.rt.malloc(SIZE, 0)
                if ret == ACL_SUCCESS:
                    print(len(download(dev_ptr, stream)), len(Downloader(stream).fetch(dev_ptr)))
                    print(download_maybe(dev_ptr, stream, True))
                    acl.rt.free(dev_ptr)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
