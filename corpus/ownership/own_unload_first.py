"""Model loaded with user-managed work/weight memory; release unloads first (clean).

query_size -> malloc work and weight memory -> load_from_file_with_mem, all
stored on self. close() unloads the model, then destroys the desc, and only
then frees the work and weight memory (which must outlive the loaded model).
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class ModelWithMem(object):
    def __init__(self, model_path):
        self.work_ptr = None
        self.weight_ptr = None
        self.model_id = None
        self.model_desc = None
        self.load(model_path)

    def load(self, model_path):
        work_size, weight_size, ret = acl.mdl.query_size(model_path)
        check_ret("acl.mdl.query_size", ret)
        self.work_ptr, ret = acl.rt.malloc(work_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.weight_ptr, ret = acl.rt.malloc(weight_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.model_id, ret = acl.mdl.load_from_file_with_mem(
            model_path, self.work_ptr, work_size, self.weight_ptr, weight_size)
        check_ret("acl.mdl.load_from_file_with_mem", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)

    def run(self, input_ds, output_ds):
        ret = acl.mdl.execute(self.model_id, input_ds, output_ds)
        check_ret("acl.mdl.execute", ret)

    def close(self):
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            self.model_id = None
        if self.model_desc is not None:
            acl.mdl.destroy_desc(self.model_desc)
            self.model_desc = None
        if self.work_ptr is not None:
            acl.rt.free(self.work_ptr)
            self.work_ptr = None
        if self.weight_ptr is not None:
            acl.rt.free(self.weight_ptr)
            self.weight_ptr = None


class IoBuffers(object):
    """One device buffer wrapped in a one-buffer dataset."""

    def __init__(self, size):
        self.size = size
        self.ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.buffer = acl.create_data_buffer(self.ptr, size)
        self.dataset = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.dataset, self.buffer)
        check_ret("acl.mdl.add_dataset_buffer", ret)

    def close(self):
        acl.rt.free(self.ptr)
        acl.destroy_data_buffer(self.buffer)
        acl.mdl.destroy_dataset(self.dataset)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            model = ModelWithMem(MODEL_PATH)
            inputs = IoBuffers(acl.mdl.get_input_size_by_index(model.model_desc, 0))
            outputs = IoBuffers(acl.mdl.get_output_size_by_index(model.model_desc, 0))
            for i in range(2):
                data = bytes([i]) * inputs.size
                ret = acl.rt.memcpy(inputs.ptr, inputs.size, acl.util.bytes_to_ptr(data),
                                    len(data), ACL_MEMCPY_HOST_TO_DEVICE)
                if ret == ACL_SUCCESS:
                    model.run(inputs.dataset, outputs.dataset)
            outputs.close()
            inputs.close()
            model.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
