"""Buffers filed by kind through an if/elif chain over a closed set (clean).

_gen_buffers(size, des) looks `des` up in BUFFER_SIZE (KeyError for any other
value), then files each buffer with `if des == "in": ... elif des == "out":`
and no else: there is no third way, so no buffer is dropped. _gen_host()
does the same over self.host_kinds, a table with a third key ("spare") that
no call passes: every call of the private method passes "in" or "out".
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "resnet50.json")

BUFFER_SIZE = {
    "in": acl.mdl.get_input_size_by_index,
    "out": acl.mdl.get_output_size_by_index,
}


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
        self.host_kinds = {"in": 0, "out": 1, "spare": 2}
        self.input_data = []
        self.output_data = []
        self.input_host = []
        self.output_host = []
        self._gen_buffers(acl.mdl.get_num_inputs(self.model_desc), "in")
        self._gen_buffers(acl.mdl.get_num_outputs(self.model_desc), "out")
        self._gen_host("in")
        self._gen_host("out")

    def _gen_buffers(self, count, des):
        size_of = BUFFER_SIZE[des]
        for i in range(count):
            size = size_of(self.model_desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            if des == "in":
                self.input_data.append({"buffer": ptr, "size": size})
            elif des == "out":
                self.output_data.append({"buffer": ptr, "size": size})

    def _gen_host(self, des):
        self.host_kinds[des]
        for item in (self.input_data if des == "in" else self.output_data):
            ptr, ret = acl.rt.malloc_host(item["size"])
            check_ret("acl.rt.malloc_host", ret)
            if des == "in":
                self.input_host.append(ptr)
            elif des == "out":
                self.output_host.append(ptr)

    def close(self):
        for item in self.input_data:
            acl.rt.free(item["buffer"])
        for item in self.output_data:
            acl.rt.free(item["buffer"])
        for ptr in self.input_host:
            acl.rt.free_host(ptr)
        for ptr in self.output_host:
            acl.rt.free_host(ptr)
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
