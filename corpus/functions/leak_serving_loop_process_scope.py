"""The serving shape (issue 15), and what the precision policy reports there.

Server.serve() sets up the device, context, stream and model with a `raise` on
every failed status, then serves requests in a `while True: try:` loop whose
`except Exception` logs and goes on (it ends when the queue says so), and
tears down after it.

- A raise during set-up reaches the `__main__` block uncaught: the process
  ends, the driver takes back the device, context and stream: not reported
  (design.md section 7; `report-process-exit-leaks = true` reports them).
- Inside the loop the process lives on: the per-request input buffer lost when
  a request fails after it was allocated is reported (ACL102), since the
  `except` swallows the error and the next request comes.
- `if out_buf is None:` after acl.create_data_buffer never fires (ACL503).
- The teardown after the loop is in the documented order: nothing to report.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed: {}".format(message, ret))


class Server:
    def __init__(self, model_path, requests):
        self.model_path = model_path
        self.requests = requests

    def serve(self):
        ret = acl.init()
        check_ret("acl.init", ret)
        ret = acl.rt.set_device(DEVICE_ID)
        check_ret("acl.rt.set_device", ret)
        context, ret = acl.rt.create_context(DEVICE_ID)
        check_ret("acl.rt.create_context", ret)
        stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        model_id, ret = acl.mdl.load_from_file(self.model_path)
        check_ret("acl.mdl.load_from_file", ret)
        out_ptr, ret = acl.rt.malloc(4000, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        out_buf = acl.create_data_buffer(out_ptr, 4000)
        if out_buf is None:  # expect[static]: ACL503
            raise RuntimeError("acl.create_data_buffer failed")
        while True:
            try:
                request = self.requests.get()
                if request is None:
                    break
                in_ptr, ret = acl.rt.malloc(len(request), ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
                check_ret("acl.rt.malloc", ret)
                ret = acl.rt.memcpy(in_ptr, len(request), acl.util.bytes_to_ptr(request), len(request),
                                    ACL_MEMCPY_HOST_TO_DEVICE)
                check_ret("acl.rt.memcpy", ret)
                acl.rt.free(in_ptr)
            except Exception as exc:
                print("request failed:", exc)
        acl.rt.free(out_ptr)
        acl.destroy_data_buffer(out_buf)
        acl.mdl.unload(model_id)
        acl.rt.destroy_stream(stream)
        acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
        acl.finalize()


class Requests:
    def __init__(self, items):
        self.items = list(items)

    def get(self):
        return self.items.pop() if self.items else None


if __name__ == "__main__":
    Server(MODEL_PATH, Requests([b"x" * 16])).serve()
