"""Correct ownership, ignored statuses (firing: ACL501 only).

Worker owns its context, stream and buffers and releases them all in
close(); but a few status codes are dropped: a bare set_context, a stream
whose ret is bound to `_`, an add_dataset_buffer whose ret is never read and
a bare synchronize_stream.
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
    def __init__(self, device_id, model_path):
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, _ = acl.rt.create_stream()  # expect[static]: ACL501
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.ptrs = []
        self.bufs = []
        self.datasets = []
        for size in (acl.mdl.get_input_size_by_index(self.desc, 0),
                     acl.mdl.get_output_size_by_index(self.desc, 0)):
            self._add_dataset(size)

    def _add_dataset(self, size):
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.ptrs.append(ptr)
        buf = acl.create_data_buffer(ptr, size)
        self.bufs.append(buf)
        dataset = acl.mdl.create_dataset()
        self.datasets.append(dataset)
        _, ret = acl.mdl.add_dataset_buffer(dataset, buf)  # expect[static]: ACL501

    def step(self):
        acl.rt.set_context(self.context)  # expect[static]: ACL501
        ret = acl.mdl.execute_async(self.model_id, self.datasets[0], self.datasets[1],
                                    self.stream)
        check_ret("acl.mdl.execute_async", ret)
        acl.rt.synchronize_stream(self.stream)  # expect[static]: ACL501

    def close(self):
        for ptr in self.ptrs:
            acl.rt.free(ptr)
        for buf in self.bufs:
            acl.destroy_data_buffer(buf)
        for dataset in self.datasets:
            acl.mdl.destroy_dataset(dataset)
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
            worker = Worker(0, MODEL_PATH)
            for _ in range(2):
                worker.step()
            worker.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
