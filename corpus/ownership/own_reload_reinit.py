"""reload() calls the initialiser again while the model is still loaded (firing: ACL104).

init_model() is an initialiser (called from __init__); reload() calls it a
second time without unloading first, so the loaded model, its desc and its
output buffer are overwritten. main() never reloads, so only the static
analyzer can see it.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class HotModel(object):
    def __init__(self, model_path):
        self.model_path = model_path
        self.init_model()

    def init_model(self):
        self.model_id, ret = acl.mdl.load_from_file(self.model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.out_size = acl.mdl.get_output_size_by_index(self.desc, 0)
        self.out_ptr, ret = acl.rt.malloc(self.out_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)

    def reload(self, model_path):
        self.model_path = model_path
        self.init_model()  # expect[static]: ACL104

    def num_outputs(self):
        return acl.mdl.get_num_outputs(self.desc)

    def close(self):
        acl.rt.free(self.out_ptr)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            model = HotModel(MODEL_PATH)
            print("outputs:", model.num_outputs())
            model.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
