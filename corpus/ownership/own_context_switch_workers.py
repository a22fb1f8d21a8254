"""Two workers, each with its own context, switched with set_context (clean).

Each Worker creates its context (which becomes current), its stream and its
model under that context, and calls set_context(self.context) before every
use and before its own teardown, so load, execute and unload of a model and
use and destroy of a stream always happen under the same context.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Worker(object):
    def __init__(self, name, device_id, model_path):
        self.name = name
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.items = []
        for size in (acl.mdl.get_input_size_by_index(self.desc, 0),
                     acl.mdl.get_output_size_by_index(self.desc, 0)):
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            buf = acl.create_data_buffer(ptr, size)
            dataset = acl.mdl.create_dataset()
            self.items.append({"ptr": ptr, "buf": buf, "dataset": dataset})
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            check_ret("acl.mdl.add_dataset_buffer", ret)

    def step(self):
        ret = acl.rt.set_context(self.context)
        check_ret("acl.rt.set_context", ret)
        ret = acl.mdl.execute_async(self.model_id, self.items[0]["dataset"],
                                    self.items[1]["dataset"], self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)
        return self.name

    def close(self):
        ret = acl.rt.set_context(self.context)
        if ret != ACL_SUCCESS:
            print("[WARN] set_context failed", ret)
        for item in self.items:
            acl.rt.free(item["ptr"])
            acl.destroy_data_buffer(item["buf"])
            acl.mdl.destroy_dataset(item["dataset"])
        self.items = []
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)
        acl.rt.destroy_stream(self.stream)
        acl.rt.destroy_context(self.context)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            workers = [Worker("left", 0, MODEL_PATH), Worker("right", 0, MODEL_PATH)]
            for _ in range(2):
                for worker in workers:
                    print(worker.step())
            for worker in workers:
                worker.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
