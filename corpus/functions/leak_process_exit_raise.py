"""Process-exit leaks are not findings by default (design.md section 7).

upload_once() leaks its device memory when the second check raises, but its
only caller is Pipeline.__init__, built once by main(), called from the
`__main__` block with nothing catching on the way: the exception ends the
process, and the driver takes back what it held. Not reported by default;
`report-process-exit-leaks = true` reports it (tests/test_options.py).

upload_frame() has the same defect, but runs per frame inside a loop whose
`except` logs and goes on to the next frame: the process lives on and the
memory is lost for good: ACL102.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
SIZE = 1024


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed: {}".format(message, ret))


def upload_once():
    dev_ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("acl.rt.malloc", ret)
    host_ptr, ret = acl.rt.malloc_host(SIZE)
    check_ret("acl.rt.malloc_host", ret)
    acl.rt.free_host(host_ptr)
    return dev_ptr


def upload_frame():
    dev_ptr, ret = acl.rt.malloc(SIZE, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
    check_ret("acl.rt.malloc", ret)
    host_ptr, ret = acl.rt.malloc_host(SIZE)
    check_ret("acl.rt.malloc_host", ret)
    acl.rt.free_host(host_ptr)
    return dev_ptr


class Pipeline:
    def __init__(self):
        self.weights = upload_once()

    def serve(self, frames):
        for frame in frames:
            try:
                dev_ptr = upload_frame()
            except RuntimeError as exc:
                print("frame", frame, "dropped:", exc)
                continue
            acl.rt.free(dev_ptr)

    def close(self):
        acl.rt.free(self.weights)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)
    context, ret = acl.rt.create_context(DEVICE_ID)
    check_ret("acl.rt.create_context", ret)
    pipeline = Pipeline()
    pipeline.serve(range(3))
    pipeline.close()
    acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
