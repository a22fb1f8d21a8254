"""Detector released in mmdeploy order: datasets, then desc, then unload (clean).

Both orders of destroy_desc and unload are fine; this one destroys the desc
before it unloads the model. The detector owns its own context and stream.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "yolo_tiny.json")


class AclError(Exception):
    pass


def _check(code, msg):
    if code != 0:
        raise AclError(msg, code)


class Detector(object):
    def __init__(self, model_path, device_id=0):
        self.context, ret = acl.rt.create_context(device_id)
        _check(ret, "acl.rt.create_context")
        self.stream, ret = acl.rt.create_stream()
        _check(ret, "acl.rt.create_stream")
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        _check(ret, "acl.mdl.load_from_file")
        self.desc = acl.mdl.create_desc()
        _check(acl.mdl.get_desc(self.desc, self.model_id), "acl.mdl.get_desc")
        self.inputs = self._make_dataset(
            [acl.mdl.get_input_size_by_index(self.desc, i)
             for i in range(acl.mdl.get_num_inputs(self.desc))])
        self.outputs = self._make_dataset(
            [acl.mdl.get_output_size_by_index(self.desc, i)
             for i in range(acl.mdl.get_num_outputs(self.desc))])

    def _make_dataset(self, sizes):
        dataset = {"handle": acl.mdl.create_dataset(), "items": []}
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
            if ret != ACL_SUCCESS:
                self._free_dataset(dataset)
                raise AclError("acl.rt.malloc", ret)
            buf = acl.create_data_buffer(ptr, size)
            dataset["items"].append({"ptr": ptr, "size": size, "buf": buf})
            _, ret = acl.mdl.add_dataset_buffer(dataset["handle"], buf)
            if ret != ACL_SUCCESS:
                self._free_dataset(dataset)
                raise AclError("acl.mdl.add_dataset_buffer", ret)
        return dataset

    def _free_dataset(self, dataset):
        for item in dataset["items"]:
            acl.rt.free(item["ptr"])
            acl.destroy_data_buffer(item["buf"])
        acl.mdl.destroy_dataset(dataset["handle"])

    def detect(self, image):
        item = self.inputs["items"][0]
        ret = acl.rt.memcpy(item["ptr"], item["size"], acl.util.bytes_to_ptr(image),
                            len(image), ACL_MEMCPY_HOST_TO_DEVICE)
        _check(ret, "acl.rt.memcpy")
        ret = acl.mdl.execute_async(self.model_id, self.inputs["handle"],
                                    self.outputs["handle"], self.stream)
        _check(ret, "acl.mdl.execute_async")
        ret = acl.rt.synchronize_stream(self.stream)
        _check(ret, "acl.rt.synchronize_stream")
        return [o["size"] for o in self.outputs["items"]]

    def destroy(self):
        if self.model_id is None:
            return
        self._free_dataset(self.inputs)
        self._free_dataset(self.outputs)
        acl.mdl.destroy_desc(self.desc)
        acl.mdl.unload(self.model_id)
        self.model_id = None
        acl.rt.destroy_stream(self.stream)
        acl.rt.destroy_context(self.context)

    def __del__(self):
        self.destroy()


def main():
    _check(acl.init(), "acl.init")
    try:
        _check(acl.rt.set_device(0), "acl.rt.set_device")
        try:
            detector = Detector(MODEL_PATH)
            for frame in range(2):
                print(detector.detect(bytes([frame]) * (3 * 64 * 64 * 4)))
            detector.destroy()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
