"""An AclSession context manager owning device, context and stream (clean).

__enter__ acquires, __exit__ releases in the documented order. The model
runner inside the `with` block uses the session's stream (borrowed, not
owned) for execute_async and synchronises before it reads results.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed, error code {}".format(message, ret))


class AclSession(object):
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

    def __exit__(self, exc_type, exc_value, traceback):
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None
        acl.rt.reset_device(self.device_id)
        acl.finalize()
        return False


class AsyncRunner(object):
    def __init__(self, session, model_path):
        self.stream = session.stream
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.in_size = acl.mdl.get_input_size_by_index(self.desc, 0)
        self.out_size = acl.mdl.get_output_size_by_index(self.desc, 0)
        self.in_ptr, ret = acl.rt.malloc(self.in_size, ACL_MEM_MALLOC_NORMAL_ONLY)
        check_ret("acl.rt.malloc", ret)
        self.out_ptr, ret = acl.rt.malloc(self.out_size, ACL_MEM_MALLOC_NORMAL_ONLY)
        check_ret("acl.rt.malloc", ret)
        self.in_buf = acl.create_data_buffer(self.in_ptr, self.in_size)
        self.out_buf = acl.create_data_buffer(self.out_ptr, self.out_size)
        self.in_ds = acl.mdl.create_dataset()
        self.out_ds = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.in_ds, self.in_buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)
        _, ret = acl.mdl.add_dataset_buffer(self.out_ds, self.out_buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)
        self.host_out, ret = acl.rt.malloc_host(self.out_size)
        check_ret("acl.rt.malloc_host", ret)

    def infer(self, data):
        ret = acl.rt.memcpy_async(self.in_ptr, self.in_size, acl.util.bytes_to_ptr(data),
                                  len(data), ACL_MEMCPY_HOST_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.mdl.execute_async(self.model_id, self.in_ds, self.out_ds, self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.memcpy_async(self.host_out, self.out_size, self.out_ptr,
                                  self.out_size, ACL_MEMCPY_DEVICE_TO_HOST, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)
        return acl.util.ptr_to_bytes(self.host_out, self.out_size)

    def close(self):
        if self.host_out is not None:
            acl.rt.free_host(self.host_out)
            self.host_out = None
        if self.in_ds is not None:
            acl.rt.free(self.in_ptr)
            acl.destroy_data_buffer(self.in_buf)
            acl.mdl.destroy_dataset(self.in_ds)
            self.in_ds = None
        if self.out_ds is not None:
            acl.rt.free(self.out_ptr)
            acl.destroy_data_buffer(self.out_buf)
            acl.mdl.destroy_dataset(self.out_ds)
            self.out_ds = None
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            acl.mdl.destroy_desc(self.desc)
            self.model_id = None


def main():
    with AclSession(0) as session:
        runner = AsyncRunner(session, MODEL_PATH)
        try:
            for frame in range(3):
                out = runner.infer(bytes([frame]) * runner.in_size)
                print("frame", frame, len(out))
        finally:
            runner.close()


if __name__ == "__main__":
    main()
