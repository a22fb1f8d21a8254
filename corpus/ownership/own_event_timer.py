"""An executor that owns its context, stream and two timing events (clean).

The events are created once in setup() and destroyed in close() before the
stream, and the stream before the context. run() records and synchronises
events around each inference without acquiring anything.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class TimedExecutor(object):
    def __init__(self, device_id, model_path):
        self.device_id = device_id
        self.model_path = model_path
        self.context = None
        self.stream = None
        self.start_event = None
        self.end_event = None
        self.model_id = None
        self.desc = None
        self.datasets = []
        self.memory = []

    def setup(self):
        self.context, ret = acl.rt.create_context(self.device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.start_event, ret = acl.rt.create_event()
        check_ret("acl.rt.create_event", ret)
        self.end_event, ret = acl.rt.create_event()
        check_ret("acl.rt.create_event", ret)
        self.model_id, ret = acl.mdl.load_from_file(self.model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        sizes = (acl.mdl.get_input_size_by_index(self.desc, 0),
                 acl.mdl.get_output_size_by_index(self.desc, 0))
        for size in sizes:
            dataset = acl.mdl.create_dataset()
            self.datasets.append(dataset)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            buf = acl.create_data_buffer(ptr, size)
            self.memory.append({"ptr": ptr, "buf": buf})
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            check_ret("acl.mdl.add_dataset_buffer", ret)

    def run(self):
        ret = acl.rt.record_event(self.start_event, self.stream)
        check_ret("acl.rt.record_event", ret)
        ret = acl.mdl.execute_async(self.model_id, self.datasets[0], self.datasets[1],
                                    self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.record_event(self.end_event, self.stream)
        check_ret("acl.rt.record_event", ret)
        ret = acl.rt.synchronize_event(self.end_event)
        check_ret("acl.rt.synchronize_event", ret)

    def close(self):
        for item in self.memory:
            acl.rt.free(item["ptr"])
            acl.destroy_data_buffer(item["buf"])
        self.memory = []
        for dataset in self.datasets:
            acl.mdl.destroy_dataset(dataset)
        self.datasets = []
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            acl.mdl.destroy_desc(self.desc)
            self.model_id = None
        if self.end_event is not None:
            acl.rt.destroy_event(self.end_event)
            self.end_event = None
        if self.start_event is not None:
            acl.rt.destroy_event(self.start_event)
            self.start_event = None
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            executor = TimedExecutor(0, MODEL_PATH)
            try:
                executor.setup()
                for _ in range(3):
                    executor.run()
            finally:
                executor.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
