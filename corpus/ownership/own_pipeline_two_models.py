"""A detection + classification pipeline composed of two ModelRunner objects (clean).

Pipeline owns the context and stream; each ModelRunner owns its model, desc
and datasets. Pipeline.close() closes the runners first, then the stream,
then the context.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_DEVICE = 3
MODEL_DIR = os.path.join(os.path.dirname(__file__), "models")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class ModelRunner(object):
    def __init__(self, path, stream):
        self.stream = stream
        self.model_id, ret = acl.mdl.load_from_file(path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.inputs = self._alloc([acl.mdl.get_input_size_by_index(self.desc, i)
                                   for i in range(acl.mdl.get_num_inputs(self.desc))])
        self.outputs = self._alloc([acl.mdl.get_output_size_by_index(self.desc, i)
                                    for i in range(acl.mdl.get_num_outputs(self.desc))])

    def _alloc(self, sizes):
        entry = {"dataset": acl.mdl.create_dataset(), "ptrs": [], "bufs": [], "sizes": sizes}
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
            if ret != ACL_SUCCESS:
                self._free(entry)
                raise Exception("acl.rt.malloc failed ret={}".format(ret))
            entry["ptrs"].append(ptr)
            buf = acl.create_data_buffer(ptr, size)
            entry["bufs"].append(buf)
            _, ret = acl.mdl.add_dataset_buffer(entry["dataset"], buf)
            if ret != ACL_SUCCESS:
                self._free(entry)
                raise Exception("acl.mdl.add_dataset_buffer failed ret={}".format(ret))
        return entry

    def _free(self, entry):
        for ptr in entry["ptrs"]:
            acl.rt.free(ptr)
        for buf in entry["bufs"]:
            acl.destroy_data_buffer(buf)
        acl.mdl.destroy_dataset(entry["dataset"])

    def run(self):
        ret = acl.mdl.execute_async(self.model_id, self.inputs["dataset"],
                                    self.outputs["dataset"], self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)

    def close(self):
        self._free(self.inputs)
        self._free(self.outputs)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)


class Pipeline(object):
    def __init__(self, device_id):
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.detector = ModelRunner(os.path.join(MODEL_DIR, "yolo_tiny.json"), self.stream)
        self.classifier = ModelRunner(os.path.join(MODEL_DIR, "tiny_cls.json"), self.stream)

    def process(self, frame):
        det_in = self.detector.inputs
        ret = acl.rt.memcpy(det_in["ptrs"][0], det_in["sizes"][0],
                            acl.util.bytes_to_ptr(frame), len(frame),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        self.detector.run()
        cls_in = self.classifier.inputs
        crop_size = cls_in["sizes"][0]
        ret = acl.rt.memcpy(cls_in["ptrs"][0], crop_size, det_in["ptrs"][0], crop_size,
                            ACL_MEMCPY_DEVICE_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        self.classifier.run()

    def close(self):
        self.classifier.close()
        self.detector.close()
        acl.rt.destroy_stream(self.stream)
        acl.rt.destroy_context(self.context)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            pipeline = Pipeline(0)
            try:
                for i in range(2):
                    pipeline.process(bytes([i]) * (3 * 64 * 64 * 4))
            finally:
                pipeline.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
