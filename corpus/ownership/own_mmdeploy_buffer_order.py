"""mmdeploy's own DataBuffer.destroy(): destroy_data_buffer, then free (clean by default).

mmdeploy destroys the data buffer before freeing the memory it wraps, in the
same method. No Huawei page orders the two (only the pyACL samples free
first), so this is reported only with `buffer-free-order = true`.
Dataset.destroy() and the rest are fine.
"""

import os

import acl

MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")
ACL_MEMCPY_HOST_TO_DEVICE = 1


class Error(Exception):
    """Acl Exception."""


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
            acl.destroy_data_buffer(self.handle)
            acl.rt.free(self.data)
            self.handle = None

    def __del__(self):
        self.destroy()


class Dataset:
    def __init__(self):
        self.handle = acl.mdl.create_dataset()
        self.buffers = []

    def destroy(self):
        if self.handle is not None:
            for buffer in self.buffers:
                buffer.destroy()
            acl.mdl.destroy_dataset(self.handle)
            self.handle = None

    def __del__(self):
        self.destroy()

    def add_buffer(self, buffer):
        self.buffers.append(buffer)
        _, ret = acl.mdl.add_dataset_buffer(self.handle, buffer.handle)
        _check(ret, "acl.mdl.add_dataset_buffer")


class AscendWrapper:
    def __init__(self, model):
        self._model_id, ret = acl.mdl.load_from_file(model)
        _check(ret, "acl.mdl.load_from_file")
        self._desc = acl.mdl.create_desc()
        _check(acl.mdl.get_desc(self._desc, self._model_id), "acl.mdl.get_desc")
        self._input = Dataset()
        self._input.add_buffer(DataBuffer(acl.mdl.get_input_size_by_index(self._desc, 0)))
        self._output = Dataset()
        self._output.add_buffer(DataBuffer(acl.mdl.get_output_size_by_index(self._desc, 0)))

    def forward(self, data):
        buffer = self._input.buffers[0]
        _check(acl.rt.memcpy(buffer.data, buffer.size, acl.util.bytes_to_ptr(data),
                             len(data), ACL_MEMCPY_HOST_TO_DEVICE), "acl.rt.memcpy")
        _check(acl.mdl.execute(self._model_id, self._input.handle, self._output.handle),
               "acl.mdl.execute")

    def destroy(self):
        if self._model_id is None:
            return
        self._input.destroy()
        self._output.destroy()
        acl.mdl.destroy_desc(self._desc)
        acl.mdl.unload(self._model_id)
        self._model_id = None

    def __del__(self):
        self.destroy()


def main():
    _check(acl.init(), "acl.init")
    try:
        _check(acl.rt.set_device(0), "acl.rt.set_device")
        try:
            model = AscendWrapper(MODEL_PATH)
            for i in range(2):
                model.forward(bytes([i]) * (3 * 32 * 32 * 4))
            model.destroy()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
