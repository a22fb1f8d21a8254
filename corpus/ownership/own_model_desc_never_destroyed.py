"""mmdeploy-style wrappers where ModelDesc.destroy() forgets destroy_desc (firing: ACL105).

DataBuffer, Dataset and AscendModel release what they own; ModelDesc only
drops its Python-side bindings, so no method ever destroys self._desc.
"""

import os

import acl

MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "yolo_tiny.json")
ACL_MEMCPY_HOST_TO_DEVICE = 1


class Error(Exception):
    pass


def _check(code, msg):
    if code != 0:
        raise Error(msg, code)


class DataBuffer:
    def __init__(self, size):
        data, ret = acl.rt.malloc(size, 0)
        _check(ret, "acl.rt.malloc")
        self.data = data
        self.size = size
        self.handle = acl.create_data_buffer(data, size)

    def destroy(self):
        if self.handle is not None:
            acl.rt.free(self.data)
            acl.destroy_data_buffer(self.handle)
            self.handle = None

    def __del__(self):
        self.destroy()


class Dataset:
    def __init__(self):
        self.handle = acl.mdl.create_dataset()
        self.buffers = []

    def add_buffer(self, buffer):
        self.buffers.append(buffer)
        _, ret = acl.mdl.add_dataset_buffer(self.handle, buffer.handle)
        _check(ret, "acl.mdl.add_dataset_buffer")

    def destroy(self):
        if self.handle is not None:
            for buffer in self.buffers:
                buffer.destroy()
            acl.mdl.destroy_dataset(self.handle)
            self.handle = None

    def __del__(self):
        self.destroy()


class ModelDesc:
    def __init__(self, model_id):
        self._desc = acl.mdl.create_desc()  # expect[static]: ACL105  # expect[runtime]: ACL101
        ret = acl.mdl.get_desc(self._desc, model_id)
        _check(ret, "acl.mdl.get_desc")
        self.input_sizes = [acl.mdl.get_input_size_by_index(self._desc, i)
                            for i in range(acl.mdl.get_num_inputs(self._desc))]
        self.output_sizes = [acl.mdl.get_output_size_by_index(self._desc, i)
                             for i in range(acl.mdl.get_num_outputs(self._desc))]

    def destroy(self):
        self.input_sizes = []
        self.output_sizes = []

    def __del__(self):
        self.destroy()


class AscendModel:
    def __init__(self, model_path):
        self._model_id, ret = acl.mdl.load_from_file(model_path)
        _check(ret, "acl.mdl.load_from_file")
        self._desc = ModelDesc(self._model_id)
        self._input = Dataset()
        for size in self._desc.input_sizes:
            self._input.add_buffer(DataBuffer(size))
        self._output = Dataset()
        for size in self._desc.output_sizes:
            self._output.add_buffer(DataBuffer(size))

    def forward(self, data):
        buffer = self._input.buffers[0]
        ret = acl.rt.memcpy(buffer.data, buffer.size, acl.util.bytes_to_ptr(data), len(data),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        _check(ret, "acl.rt.memcpy")
        ret = acl.mdl.execute(self._model_id, self._input.handle, self._output.handle)
        _check(ret, "acl.mdl.execute")

    def destroy(self):
        if self._model_id is None:
            return
        self._input.destroy()
        self._output.destroy()
        self._desc.destroy()
        acl.mdl.unload(self._model_id)
        self._model_id = None

    def __del__(self):
        self.destroy()


def main():
    _check(acl.init(), "acl.init")
    try:
        _check(acl.rt.set_device(0), "acl.rt.set_device")
        try:
            model = AscendModel(MODEL_PATH)
            model.forward(bytes(3 * 64 * 64 * 4))
            model.destroy()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
