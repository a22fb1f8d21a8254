"""execute() creates a stream per call and never destroys it (firing: ACL103).

The runner keeps model and datasets on self, but every execute() makes a
fresh local stream for execute_async, synchronises it, and drops it. main()
executes twice, so two streams from that call site are never destroyed.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class AsyncRunner(object):
    def __init__(self, model_path):
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.entries = []
        for size in (acl.mdl.get_input_size_by_index(self.desc, 0),
                     acl.mdl.get_output_size_by_index(self.desc, 0)):
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            buf = acl.create_data_buffer(ptr, size)
            dataset = acl.mdl.create_dataset()
            self.entries.append({"ptr": ptr, "buf": buf, "dataset": dataset})
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            check_ret("acl.mdl.add_dataset_buffer", ret)

    def execute(self):
        stream, ret = acl.rt.create_stream()  # expect: ACL103
        check_ret("acl.rt.create_stream", ret)
        ret = acl.mdl.execute_async(self.model_id, self.entries[0]["dataset"],
                                    self.entries[1]["dataset"], stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(stream)
        check_ret("acl.rt.synchronize_stream", ret)

    def close(self):
        for entry in self.entries:
            acl.rt.free(entry["ptr"])
            acl.destroy_data_buffer(entry["buf"])
            acl.mdl.destroy_dataset(entry["dataset"])
        self.entries = []
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            context, ret = acl.rt.create_context(0)
            check_ret("acl.rt.create_context", ret)
            runner = AsyncRunner(MODEL_PATH)
            runner.execute()
            runner.execute()
            runner.close()
            acl.rt.destroy_context(context)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
