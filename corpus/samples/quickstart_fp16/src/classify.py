"""QuickStart-style ResNet-50 image classification with a float16 model (clean).

The model was converted with float16 input and output, so the program feeds a
float16 NCHW tensor and reads 1000 float16 scores, and it checks both against
the model description before running (a float32 model would be refused). The
.om file exists only on the NPU machine: under the simulator, the project's
``[tool.acl-lint] sim-models`` maps ``model/*.om`` to ``specs/resnet50_fp16.json``.
Every resource is released in the documented order on every path.
"""

import os

import numpy as np

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
ACL_FLOAT16 = 1
DEVICE_ID = 0
HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_PATH = os.path.join(HERE, "..", "model", "resnet50_fp16.om")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed ret={}".format(message, ret))


class Net(object):
    def __init__(self, device_id, model_path):
        self.device_id = device_id
        self.context = None
        self.stream = None
        self.model_id = None
        self.model_desc = None
        self.input_dataset = None
        self.output_dataset = None
        self._init_resource()
        try:
            self._load_model(model_path)
        except Exception:
            self.release()  # a missing or unsuitable model must not leak the device
            raise

    def _init_resource(self):
        ret = acl.init()
        check_ret("acl.init", ret)
        ret = acl.rt.set_device(self.device_id)
        check_ret("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(self.device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)

    def _load_model(self, model_path):
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        for get_type, what in ((acl.mdl.get_input_data_type, "input"), (acl.mdl.get_output_data_type, "output")):
            if get_type(self.model_desc, 0) != ACL_FLOAT16:
                raise RuntimeError("{} 0 of {} is not float16".format(what, model_path))
        self.input_dataset = self._create_dataset(acl.mdl.get_num_inputs, acl.mdl.get_input_size_by_index)
        self.output_dataset = self._create_dataset(acl.mdl.get_num_outputs, acl.mdl.get_output_size_by_index)

    def _create_dataset(self, get_num, get_size):
        dataset = acl.mdl.create_dataset()
        try:
            for i in range(get_num(self.model_desc)):
                self._add_buffer(dataset, get_size(self.model_desc, i))
        except Exception:
            self._destroy_dataset(dataset)
            raise
        return dataset

    def _add_buffer(self, dataset, size):
        dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        buffer = acl.create_data_buffer(dev_ptr, size)
        _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
        if ret != ACL_SUCCESS:
            acl.rt.free(dev_ptr)
            acl.destroy_data_buffer(buffer)
            raise RuntimeError("acl.mdl.add_dataset_buffer failed ret={}".format(ret))

    def _destroy_dataset(self, dataset):
        for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
            buffer = acl.mdl.get_dataset_buffer(dataset, i)
            acl.rt.free(acl.get_data_buffer_addr(buffer))
            acl.destroy_data_buffer(buffer)
        acl.mdl.destroy_dataset(dataset)

    def infer(self, image):
        buffer = acl.mdl.get_dataset_buffer(self.input_dataset, 0)
        size = acl.get_data_buffer_size_v2(buffer)
        data = image.tobytes()
        if len(data) != size:
            raise RuntimeError("the image is {} bytes, the model input {}".format(len(data), size))
        ret = acl.rt.memcpy(acl.get_data_buffer_addr(buffer), size, acl.util.bytes_to_ptr(data), size,
                            ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute(self.model_id, self.input_dataset, self.output_dataset)
        check_ret("acl.mdl.execute", ret)
        out = acl.mdl.get_dataset_buffer(self.output_dataset, 0)
        out_size = acl.get_data_buffer_size_v2(out)
        host_ptr, ret = acl.rt.malloc_host(out_size)
        check_ret("acl.rt.malloc_host", ret)
        try:
            ret = acl.rt.memcpy(host_ptr, out_size, acl.get_data_buffer_addr(out), out_size,
                                ACL_MEMCPY_DEVICE_TO_HOST)
            check_ret("acl.rt.memcpy", ret)
            scores = np.frombuffer(acl.util.ptr_to_bytes(host_ptr, out_size), dtype=np.float16).copy()
        finally:
            acl.rt.free_host(host_ptr)
        return scores

    def release(self):
        if self.input_dataset is not None:
            self._destroy_dataset(self.input_dataset)
            self.input_dataset = None
        if self.output_dataset is not None:
            self._destroy_dataset(self.output_dataset)
            self.output_dataset = None
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            self.model_id = None
        if self.model_desc is not None:
            acl.mdl.destroy_desc(self.model_desc)
            self.model_desc = None
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None
        acl.rt.reset_device(self.device_id)
        acl.finalize()


def preprocess(seed):
    """A normalised 224x224 RGB image in NCHW, float16 (a stand-in for a decoded JPEG)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(224, 224, 3)).astype(np.float32)
    mean = np.array([123.675, 116.28, 103.53], dtype=np.float32)
    std = np.array([58.395, 57.12, 57.375], dtype=np.float32)
    return ((pixels - mean) / std).transpose(2, 0, 1)[np.newaxis].astype(np.float16)


def main():
    net = Net(DEVICE_ID, MODEL_PATH)
    try:
        for seed in range(2):
            scores = net.infer(preprocess(seed))
            top5 = np.argsort(scores)[::-1][:5]
            print("image {}: top-5 classes {}".format(seed, top5.tolist()))
        return scores.size
    finally:
        net.release()


if __name__ == "__main__":
    main()
