"""Buffers filed by kind where a caller passes a kind the chain does not test (firing: ACL103).

The look-alike of own_buffers_filed_by_kind.py without the lookup:
_gen_buffers(count, des) files each buffer with `if des == "in": ...
elif des == "out": ...` and no else, and __init__ also calls it with
"spare": on that call every buffer is dropped as soon as the next is made.
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
        self.input_data = []
        self.output_data = []
        self._gen_buffers(acl.mdl.get_num_inputs(self.model_desc), "in")
        self._gen_buffers(acl.mdl.get_num_outputs(self.model_desc), "out")
        self._gen_buffers(acl.mdl.get_num_outputs(self.model_desc), "spare")

    def _gen_buffers(self, count, des):
        for i in range(count):
            size = acl.mdl.get_output_size_by_index(self.model_desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL103  # expect[runtime]: ACL101
            check_ret("acl.rt.malloc", ret)
            if des == "in":
                self.input_data.append({"buffer": ptr, "size": size})
            elif des == "out":
                self.output_data.append({"buffer": ptr, "size": size})

    def close(self):
        for item in self.input_data:
            acl.rt.free(item["buffer"])
        for item in self.output_data:
            acl.rt.free(item["buffer"])
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
            net.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
