"""A module-level release helper that destroys buffers but never frees their memory (firing: ACL106).

The output memory is allocated in create_output_dataset() and is reachable
only through the dataset's buffers; Model.close() hands the dataset to
destroy_dataset_buffers(), which destroys buffers and dataset and frees
nothing. The input side, released with release_input(), is fine.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_HOST_TO_DEVICE = 1
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def create_output_dataset(desc):
    dataset = acl.mdl.create_dataset()
    size = acl.mdl.get_output_size_by_index(desc, 0)
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)  # expect: ACL106
    if ret != ACL_SUCCESS:
        acl.mdl.destroy_dataset(dataset)
        return None
    buf = acl.create_data_buffer(ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
    if ret != ACL_SUCCESS:
        acl.rt.free(ptr)
        acl.destroy_data_buffer(buf)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset


def destroy_dataset_buffers(dataset):
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        buf = acl.mdl.get_dataset_buffer(dataset, i)
        if buf:
            acl.destroy_data_buffer(buf)
    acl.mdl.destroy_dataset(dataset)


def release_input(item):
    acl.rt.free(item["ptr"])
    acl.destroy_data_buffer(item["buf"])
    acl.mdl.destroy_dataset(item["dataset"])


class Model(object):
    def __init__(self, path):
        self.model_id, ret = acl.mdl.load_from_file(path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        size = acl.mdl.get_input_size_by_index(self.desc, 0)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
        check_ret("acl.rt.malloc", ret)
        buf = acl.create_data_buffer(ptr, size)
        self.input = {"ptr": ptr, "buf": buf, "size": size,
                      "dataset": acl.mdl.create_dataset()}
        _, ret = acl.mdl.add_dataset_buffer(self.input["dataset"], buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)
        self.output = create_output_dataset(self.desc)
        if self.output is None:
            raise Exception("cannot create the output dataset")

    def run(self, data):
        ret = acl.rt.memcpy(self.input["ptr"], self.input["size"],
                            acl.util.bytes_to_ptr(data), len(data),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute(self.model_id, self.input["dataset"], self.output)
        check_ret("acl.mdl.execute", ret)

    def close(self):
        release_input(self.input)
        destroy_dataset_buffers(self.output)
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
            model.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
