"""Factory functions return fresh handles; the object that stores them owns them (clean).

open_context(), new_stream(), alloc_device() and load_model() each return
what they acquired (load_model returns a (model_id, desc) tuple). Engine
stores the results on self in __init__ and shutdown() releases all of them.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def open_context(device_id):
    context, ret = acl.rt.create_context(device_id)
    check_ret("acl.rt.create_context", ret)
    return context


def new_stream():
    stream, ret = acl.rt.create_stream()
    check_ret("acl.rt.create_stream", ret)
    return stream


def alloc_device(size):
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("acl.rt.malloc", ret)
    return ptr


def load_model(path):
    model_id, ret = acl.mdl.load_from_file(path)
    check_ret("acl.mdl.load_from_file", ret)
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret != ACL_SUCCESS:
        acl.mdl.destroy_desc(desc)
        acl.mdl.unload(model_id)
        raise Exception("acl.mdl.get_desc failed ret={}".format(ret))
    return model_id, desc


class Engine(object):
    def __init__(self, device_id, model_path):
        self.device_id = device_id
        self.context = open_context(device_id)
        self.stream = new_stream()
        self.model_id, self.model_desc = load_model(model_path)
        self.input_size = acl.mdl.get_input_size_by_index(self.model_desc, 0)
        self.output_size = acl.mdl.get_output_size_by_index(self.model_desc, 0)
        self.input_ptr = alloc_device(self.input_size)
        self.output_ptr = alloc_device(self.output_size)
        self.input_buf = acl.create_data_buffer(self.input_ptr, self.input_size)
        self.output_buf = acl.create_data_buffer(self.output_ptr, self.output_size)
        self.input_ds = acl.mdl.create_dataset()
        self.output_ds = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.input_ds, self.input_buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)
        _, ret = acl.mdl.add_dataset_buffer(self.output_ds, self.output_buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)

    def infer(self, data):
        ret = acl.rt.memcpy_async(self.input_ptr, self.input_size,
                                  acl.util.bytes_to_ptr(data), len(data),
                                  ACL_MEMCPY_HOST_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.mdl.execute_async(self.model_id, self.input_ds, self.output_ds,
                                    self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)

    def shutdown(self):
        acl.rt.free(self.input_ptr)
        acl.rt.free(self.output_ptr)
        acl.destroy_data_buffer(self.input_buf)
        acl.destroy_data_buffer(self.output_buf)
        acl.mdl.destroy_dataset(self.input_ds)
        acl.mdl.destroy_dataset(self.output_ds)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.model_desc)
        acl.rt.destroy_stream(self.stream)
        acl.rt.destroy_context(self.context)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            engine = Engine(0, MODEL_PATH)
            for i in range(2):
                engine.infer(bytes([i]) * engine.input_size)
            engine.shutdown()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
