"""DataBuffer, Dataset, ModelDesc and AscendWrapper (after mmdeploy's ascend wrapper)."""

import acl

from .device import Device
from .errors import _check

ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2


class DataBuffer:
    """Device memory of `size` bytes and the data buffer that wraps it."""

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
            self.data = None

    def __del__(self):
        self.destroy()


class Dataset:
    """The acl dataset and the DataBuffer objects added to it."""

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


class Binding(object):
    def __init__(self, index, name, dims, size):
        self.index = index
        self.name = name
        self.dims = dims
        self.size = size


class ModelDesc:
    """The model description wrapper."""

    def __init__(self, model_id):
        self._desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self._desc, model_id)
        _check(ret, "acl.mdl.get_desc")

        self.inputs = []
        for index in range(acl.mdl.get_num_inputs(self._desc)):
            dims, ret = acl.mdl.get_input_dims(self._desc, index)
            _check(ret, "acl.mdl.get_input_dims")
            size = acl.mdl.get_input_size_by_index(self._desc, index)
            self.inputs.append(Binding(index, "input%d" % index, dims["dims"], size))

        self.outputs = []
        for index in range(acl.mdl.get_num_outputs(self._desc)):
            dims, ret = acl.mdl.get_output_dims(self._desc, index)
            _check(ret, "acl.mdl.get_output_dims")
            size = acl.mdl.get_output_size_by_index(self._desc, index)
            self.outputs.append(Binding(index, "output%d" % index, dims["dims"], size))

    def destroy(self):
        if self._desc is not None:
            acl.mdl.destroy_desc(self._desc)
            self._desc = None

    def __del__(self):
        self.destroy()


class AscendWrapper(object):
    """Loads an offline model and runs it on dicts of host bytes."""

    def __init__(self, model, device="npu:0"):
        self._device = Device(device)
        with self._device():
            self._model_id, ret = acl.mdl.load_from_file(model)
            _check(ret, "acl.mdl.load_from_file")
            self._model_desc = ModelDesc(self._model_id)
            self._create_input_buffers()
            self._create_output_buffers()
        self.output_names = [output.name for output in self._model_desc.outputs]

    def _create_input_buffers(self):
        self._input = Dataset()
        for binding in self._model_desc.inputs:
            self._input.add_buffer(DataBuffer(binding.size))

    def _create_output_buffers(self):
        self._output = Dataset()
        for binding in self._model_desc.outputs:
            self._output.add_buffer(DataBuffer(binding.size))

    def destroy(self):
        if self._model_id is None:
            return
        with self._device():
            self._input.destroy()
            self._output.destroy()
            self._model_desc.destroy()
            acl.mdl.unload(self._model_id)
            self._model_id = None

    def __del__(self):
        self.destroy()

    def forward(self, inputs):
        with self._device():
            for binding in self._model_desc.inputs:
                self._copy_bytes_to_buffer(inputs[binding.name],
                                           self._input.buffers[binding.index])
            ret = acl.mdl.execute(self._model_id, self._input.handle,
                                  self._output.handle)
            _check(ret, "acl.mdl.execute")
            outputs = {}
            for binding in self._model_desc.outputs:
                outputs[binding.name] = self._copy_buffer_to_bytes(
                    self._output.buffers[binding.index])
            return outputs

    def _copy_bytes_to_buffer(self, data, buffer):
        ret = acl.rt.memcpy(buffer.data, buffer.size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        _check(ret, "acl.rt.memcpy")

    def _copy_buffer_to_bytes(self, buffer):
        host_ptr, ret = acl.rt.malloc_host(buffer.size)
        _check(ret, "acl.rt.malloc_host")
        try:
            ret = acl.rt.memcpy(host_ptr, buffer.size, buffer.data, buffer.size,
                                ACL_MEMCPY_DEVICE_TO_HOST)
            _check(ret, "acl.rt.memcpy")
            return acl.util.ptr_to_bytes(host_ptr, buffer.size)
        finally:
            acl.rt.free_host(host_ptr)
