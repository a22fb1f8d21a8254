"""A model wrapper whose close() destroys the desc and datasets but never unloads (firing: ACL105).

Everything else the wrapper owns is released in close(); the model loaded in
load() is never passed to acl.mdl.unload by any method.
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


class OmModel(object):
    def __init__(self, path):
        self.path = path
        self.model_id = None
        self.desc = None
        self.io = []

    def load(self):
        self.model_id, ret = acl.mdl.load_from_file(self.path)  # expect[static]: ACL105  # expect[runtime]: ACL101
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        for size in (acl.mdl.get_input_size_by_index(self.desc, 0),
                     acl.mdl.get_output_size_by_index(self.desc, 0)):
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            buf = acl.create_data_buffer(ptr, size)
            dataset = acl.mdl.create_dataset()
            self.io.append({"ptr": ptr, "buf": buf, "dataset": dataset, "size": size})
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            check_ret("acl.mdl.add_dataset_buffer", ret)

    def predict(self, data):
        item = self.io[0]
        ret = acl.rt.memcpy(item["ptr"], item["size"], acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute(self.model_id, self.io[0]["dataset"], self.io[1]["dataset"])
        check_ret("acl.mdl.execute", ret)

    def close(self):
        for item in self.io:
            acl.rt.free(item["ptr"])
            acl.destroy_data_buffer(item["buf"])
            acl.mdl.destroy_dataset(item["dataset"])
        self.io = []
        if self.desc is not None:
            acl.mdl.destroy_desc(self.desc)
            self.desc = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            model = OmModel(MODEL_PATH)
            model.load()
            model.predict(bytes(3 * 224 * 224 * 4))
            model.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
