"""Input and output memory kept in lists of dicts on self (clean).

Like the acllite samples, every device allocation is recorded as
{"buffer": ptr, "size": size} in self.input_data / self.output_data, and
release() frees them in a loop over the same lists. The datasets wrap that
memory per call and are destroyed right after the synchronous execute.
"""

import os
import struct

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "two_input.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def build_dataset(items):
    """Wrap the memory of `items` in a fresh dataset; the caller owns the result."""
    dataset = acl.mdl.create_dataset()
    for item in items:
        data_buf = acl.create_data_buffer(item["buffer"], item["size"])
        _, ret = acl.mdl.add_dataset_buffer(dataset, data_buf)
        if ret != ACL_SUCCESS:
            acl.destroy_data_buffer(data_buf)
            print("[WARN] add_dataset_buffer failed", ret)
    return dataset


def destroy_dataset(dataset):
    """Destroy the buffers and the dataset; the memory stays with its owner."""
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        data_buf = acl.mdl.get_dataset_buffer(dataset, i)
        if data_buf:
            acl.destroy_data_buffer(data_buf)
    acl.mdl.destroy_dataset(dataset)


class TwoInputModel(object):
    def __init__(self, model_path):
        self.input_data = []
        self.output_data = []
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self._prepare_memory()

    def _prepare_memory(self):
        for i in range(acl.mdl.get_num_inputs(self.model_desc)):
            size = acl.mdl.get_input_size_by_index(self.model_desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            self.input_data.append({"buffer": ptr, "size": size})
        for i in range(acl.mdl.get_num_outputs(self.model_desc)):
            size = acl.mdl.get_output_size_by_index(self.model_desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            self.output_data.append({"buffer": ptr, "size": size})

    def run(self, features, mask):
        for item, data in zip(self.input_data, (features, mask)):
            ret = acl.rt.memcpy(item["buffer"], item["size"], acl.util.bytes_to_ptr(data),
                                len(data), ACL_MEMCPY_HOST_TO_DEVICE)
            check_ret("acl.rt.memcpy", ret)
        input_dataset = build_dataset(self.input_data)
        output_dataset = build_dataset(self.output_data)
        ret = acl.mdl.execute(self.model_id, input_dataset, output_dataset)
        destroy_dataset(input_dataset)
        destroy_dataset(output_dataset)
        check_ret("acl.mdl.execute", ret)
        out = self.output_data[0]
        host, ret = acl.rt.malloc_host(out["size"])
        check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memcpy(host, out["size"], out["buffer"], out["size"],
                            ACL_MEMCPY_DEVICE_TO_HOST)
        values = None
        if ret == ACL_SUCCESS:
            raw = acl.util.ptr_to_bytes(host, out["size"])
            values = struct.unpack("<%df" % (len(raw) // 4), raw)
        acl.rt.free_host(host)
        return values

    def release(self):
        for item in self.input_data:
            acl.rt.free(item["buffer"])
        self.input_data = []
        for item in self.output_data:
            acl.rt.free(item["buffer"])
        self.output_data = []
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.model_desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            model = TwoInputModel(MODEL_PATH)
            for step in range(2):
                features = struct.pack("<16f", *[float(step)] * 16)
                mask = struct.pack("<4f", 1.0, 0.0, 1.0, 0.0)
                print(model.run(features, mask))
            model.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
