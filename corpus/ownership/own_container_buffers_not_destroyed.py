"""Input records kept in a list of dicts; release() never destroys their data buffers (firing: ACL107).

Each input record holds {"buffer": ptr, "size": n, "data_buffer": buf}.
release() frees every "buffer" in a loop and destroys the input dataset, but
never calls destroy_data_buffer on the "data_buffer" entries. The output side
is torn down correctly.
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


class Model(object):
    def __init__(self, path):
        self.input_data = []
        self.model_id, ret = acl.mdl.load_from_file(path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.input_dataset = acl.mdl.create_dataset()
        for i in range(acl.mdl.get_num_inputs(self.desc)):
            size = acl.mdl.get_input_size_by_index(self.desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            data_buffer = acl.create_data_buffer(ptr, size)  # expect: ACL107
            self.input_data.append({"buffer": ptr, "size": size, "data_buffer": data_buffer})
            _, ret = acl.mdl.add_dataset_buffer(self.input_dataset, data_buffer)
            check_ret("acl.mdl.add_dataset_buffer", ret)
        out_size = acl.mdl.get_output_size_by_index(self.desc, 0)
        self.output_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.output_buffer = acl.create_data_buffer(self.output_ptr, out_size)
        self.output_dataset = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.output_dataset, self.output_buffer)
        check_ret("acl.mdl.add_dataset_buffer", ret)

    def run(self, data):
        item = self.input_data[0]
        ret = acl.rt.memcpy(item["buffer"], item["size"], acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute(self.model_id, self.input_dataset, self.output_dataset)
        check_ret("acl.mdl.execute", ret)

    def release(self):
        for item in self.input_data:
            acl.rt.free(item["buffer"])
        acl.mdl.destroy_dataset(self.input_dataset)
        acl.rt.free(self.output_ptr)
        acl.destroy_data_buffer(self.output_buffer)
        acl.mdl.destroy_dataset(self.output_dataset)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            model = Model(MODEL_PATH)
            for i in range(2):
                model.run(bytes([i]) * (3 * 32 * 32 * 4))
            model.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
