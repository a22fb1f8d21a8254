"""A per-inference method whose pinned host staging buffer is never freed (firing: ACL103).

get_result() copies the output into a malloc_host buffer on every call and
returns the bytes, but never frees the staging buffer. main() calls it
three times, so three buffers from the same call site are still allocated
at exit.
"""

import os
import struct

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Classifier(object):
    def __init__(self, model_path):
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.items = []
        self.datasets = []
        for sizes in ([acl.mdl.get_input_size_by_index(self.desc, 0)],
                      [acl.mdl.get_output_size_by_index(self.desc, 0)]):
            dataset = acl.mdl.create_dataset()
            self.datasets.append(dataset)
            for size in sizes:
                ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
                check_ret("acl.rt.malloc", ret)
                buf = acl.create_data_buffer(ptr, size)
                self.items.append({"ptr": ptr, "buf": buf, "size": size})
                _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
                check_ret("acl.mdl.add_dataset_buffer", ret)

    def inference(self, data):
        item = self.items[0]
        ret = acl.rt.memcpy(item["ptr"], item["size"], acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute(self.model_id, self.datasets[0], self.datasets[1])
        check_ret("acl.mdl.execute", ret)

    def get_result(self):
        out = self.items[1]
        host, ret = acl.rt.malloc_host(out["size"])  # expect: ACL103
        check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memcpy(host, out["size"], out["ptr"], out["size"],
                            ACL_MEMCPY_DEVICE_TO_HOST)
        check_ret("acl.rt.memcpy", ret)
        raw = acl.util.ptr_to_bytes(host, out["size"])
        return struct.unpack("<%df" % (out["size"] // 4), raw)

    def release(self):
        for item in self.items:
            acl.rt.free(item["ptr"])
            acl.destroy_data_buffer(item["buf"])
        for dataset in self.datasets:
            acl.mdl.destroy_dataset(dataset)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            clf = Classifier(MODEL_PATH)
            for i in range(3):
                clf.inference(bytes([i]) * (3 * 32 * 32 * 4))
                print(max(clf.get_result()))
            clf.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
