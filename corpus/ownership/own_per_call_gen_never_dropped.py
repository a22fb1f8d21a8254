"""Per-call datasets made by a helper that forward() never drops (firing: ACL104).

The look-alike of own_per_call_drop_by_list.py without the drop call:
forward() runs per call and _gen_dataset() (through _to_device()) stores a
fresh dataset into self.input_dataset / self.output_dataset on every call;
the drop method exists but only close() runs it, so every call but the last
overwrites live datasets.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Net(object):
    def __init__(self, model_path):
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.in_size = acl.mdl.get_input_size_by_index(self.model_desc, 0)
        self.out_size = acl.mdl.get_output_size_by_index(self.model_desc, 0)
        self.in_ptr, ret = acl.rt.malloc(self.in_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.out_ptr, ret = acl.rt.malloc(self.out_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.input_dataset = None
        self.output_dataset = None
        self.descs = {}

    def _gen_dataset(self, kind):
        dataset = acl.mdl.create_dataset()  # expect[static]: ACL104  # expect[runtime]: ACL103
        if kind == "in":
            self.input_dataset = dataset
            ptr, size = self.in_ptr, self.in_size
        else:
            self.output_dataset = dataset
            ptr, size = self.out_ptr, self.out_size
        buf = acl.create_data_buffer(ptr, size)
        _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
        if ret != ACL_SUCCESS:
            acl.destroy_data_buffer(buf)

    def _to_device(self):
        self._gen_dataset("in")
        self._gen_dataset("out")

    def _drop_datasets(self):
        for dataset in [self.input_dataset, self.output_dataset]:
            if not dataset:
                continue
            for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
                buf = acl.mdl.get_dataset_buffer(dataset, i)
                if buf:
                    acl.destroy_data_buffer(buf)
            acl.mdl.destroy_dataset(dataset)
        self.input_dataset = None
        self.output_dataset = None

    def forward(self):
        self._to_device()
        ret = acl.mdl.execute(self.model_id, self.input_dataset, self.output_dataset)
        check_ret("acl.mdl.execute", ret)

    def _gen_desc(self, key, size):
        desc = acl.media.dvpp_create_pic_desc()
        acl.media.dvpp_set_pic_desc_size(desc, size)
        self.descs[key] = desc
        return desc

    def _drop_descs(self):
        for key in self.descs.keys():
            if self.descs[key]:
                acl.media.dvpp_destroy_pic_desc(self.descs[key])
        self.descs = {}

    def describe(self):
        desc = self._gen_desc("in", self.in_size)
        width = acl.media.dvpp_get_pic_desc_width(desc)
        self._drop_descs()
        return width

    def close(self):
        self._drop_datasets()
        acl.rt.free(self.in_ptr)
        acl.rt.free(self.out_ptr)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.model_desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            net = Net(MODEL_PATH)
            for _ in range(3):
                net.forward()
                net.describe()
            net.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
