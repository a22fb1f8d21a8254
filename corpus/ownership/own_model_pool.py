"""A pool of model instances, one per worker slot, each with its own stream (clean).

ModelPool.start() creates the slots; every Slot releases its own model,
desc and stream in unload(); ModelPool.stop() unloads all slots in a loop.
"""

import os

import acl

ACL_SUCCESS = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Slot(object):
    def __init__(self, index, model_path):
        self.index = index
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)

    def describe(self):
        return (self.index, acl.mdl.get_num_inputs(self.desc),
                acl.mdl.get_num_outputs(self.desc))

    def unload(self):
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            self.model_id = None
        if self.desc is not None:
            acl.mdl.destroy_desc(self.desc)
            self.desc = None
        if self.stream is not None:
            ret = acl.rt.synchronize_stream(self.stream)
            if ret != ACL_SUCCESS:
                print("[WARN] synchronize_stream failed", ret)
            acl.rt.destroy_stream(self.stream)
            self.stream = None


class ModelPool(object):
    def __init__(self, size, model_path):
        self.size = size
        self.model_path = model_path
        self.slots = []

    def start(self):
        for index in range(self.size):
            self.slots.append(Slot(index, self.model_path))

    def stop(self):
        for slot in self.slots:
            slot.unload()
        self.slots = []


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            pool = ModelPool(3, MODEL_PATH)
            pool.start()
            for slot in pool.slots:
                print(slot.describe())
            pool.stop()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
