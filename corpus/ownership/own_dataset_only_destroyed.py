"""Datasets destroyed and memory freed, but the data buffers never destroyed (firing: ACL107).

release() frees both device allocations and destroys both datasets; nothing
ever calls destroy_data_buffer, so each buffer is orphaned by its dataset. One
release method forgets both: one static finding, at the first buffer, naming the
second (the runtime audit reports each buffer it sees orphaned).
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


class ModelProcess(object):
    def __init__(self, model_path):
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.input_size = acl.mdl.get_input_size_by_index(self.model_desc, 0)
        self.output_size = acl.mdl.get_output_size_by_index(self.model_desc, 0)
        self.input_ptr, ret = acl.rt.malloc(self.input_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.output_ptr, ret = acl.rt.malloc(self.output_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.input_dataset = acl.mdl.create_dataset()
        input_buffer = acl.create_data_buffer(self.input_ptr, self.input_size)  # expect: ACL107
        _, ret = acl.mdl.add_dataset_buffer(self.input_dataset, input_buffer)
        if ret != ACL_SUCCESS:
            acl.destroy_data_buffer(input_buffer)
            raise Exception("acl.mdl.add_dataset_buffer failed ret={}".format(ret))
        self.output_dataset = acl.mdl.create_dataset()
        output_buffer = acl.create_data_buffer(self.output_ptr, self.output_size)  # expect[runtime]: ACL107
        _, ret = acl.mdl.add_dataset_buffer(self.output_dataset, output_buffer)
        if ret != ACL_SUCCESS:
            acl.destroy_data_buffer(output_buffer)
            raise Exception("acl.mdl.add_dataset_buffer failed ret={}".format(ret))

    def run(self, data):
        ret = acl.rt.memcpy(self.input_ptr, self.input_size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute(self.model_id, self.input_dataset, self.output_dataset)
        check_ret("acl.mdl.execute", ret)

    def release(self):
        acl.rt.free(self.input_ptr)
        acl.rt.free(self.output_ptr)
        acl.mdl.destroy_dataset(self.input_dataset)
        acl.mdl.destroy_dataset(self.output_dataset)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.model_desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            process = ModelProcess(MODEL_PATH)
            for i in range(2):
                process.run(bytes([i]) * process.input_size)
            process.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
