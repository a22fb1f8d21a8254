"""AclLiteModel: a loaded model with its desc and its output dataset.

The input dataset is rebuilt on every execute() and destroyed right after
the synchronous acl.mdl.execute; the output dataset lives as long as the model.
"""

import os

import acl

from . import constants as const
from .resource_list import resource_list
from .utils import check_ret, copy_data_device_to_host, log_error


class AclLiteModel(object):
    def __init__(self, model_path):
        self._model_path = model_path
        self._model_id = None
        self._model_desc = None
        self._input_num = 0
        self._output_num = 0
        self._output_dataset = None
        self._is_destroyed = False
        self._init_resource()
        resource_list.register(self)

    def _init_resource(self):
        if not os.path.isfile(self._model_path):
            raise Exception("model file {} not found".format(self._model_path))
        self._model_id, ret = acl.mdl.load_from_file(self._model_path)
        check_ret("acl.mdl.load_from_file", ret)

        self._model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self._model_desc, self._model_id)
        check_ret("acl.mdl.get_desc", ret)

        self._input_num = acl.mdl.get_num_inputs(self._model_desc)
        self._output_num = acl.mdl.get_num_outputs(self._model_desc)
        self._gen_output_dataset(self._output_num)

    def _gen_output_dataset(self, output_num):
        self._output_dataset = acl.mdl.create_dataset()
        for i in range(output_num):
            size = acl.mdl.get_output_size_by_index(self._model_desc, i)
            buf, ret = acl.rt.malloc(size, const.ACL_MEM_MALLOC_NORMAL_ONLY)
            check_ret("acl.rt.malloc", ret)
            data_buf = acl.create_data_buffer(buf, size)
            _, ret = acl.mdl.add_dataset_buffer(self._output_dataset, data_buf)
            if ret != const.ACL_SUCCESS:
                acl.rt.free(buf)
                acl.destroy_data_buffer(data_buf)
                raise Exception("add_dataset_buffer failed ret={}".format(ret))

    def input_size(self, index):
        return acl.mdl.get_input_size_by_index(self._model_desc, index)

    def _gen_input_dataset(self, input_list):
        """input_list: (device pointer, size) pairs that stay owned by the caller."""
        dataset = acl.mdl.create_dataset()
        buffers = []
        for ptr, size in input_list:
            data_buf = acl.create_data_buffer(ptr, size)
            buffers.append(data_buf)
            _, ret = acl.mdl.add_dataset_buffer(dataset, data_buf)
            if ret != const.ACL_SUCCESS:
                log_error("add input buffer failed", ret)
                self._destroy_input_dataset(dataset, buffers)
                return None, None
        return dataset, buffers

    def _destroy_input_dataset(self, dataset, buffers):
        """Destroy the buffers and the dataset, not the caller's memory."""
        for data_buf in buffers:
            acl.destroy_data_buffer(data_buf)
        acl.mdl.destroy_dataset(dataset)

    def _release_dataset(self, dataset):
        """Free the memory, destroy the buffers, destroy the dataset."""
        if not dataset:
            return
        for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
            data_buf = acl.mdl.get_dataset_buffer(dataset, i)
            if data_buf:
                data = acl.get_data_buffer_addr(data_buf)
                acl.rt.free(data)
                acl.destroy_data_buffer(data_buf)
        acl.mdl.destroy_dataset(dataset)

    def execute(self, input_list):
        if len(input_list) != self._input_num:
            log_error("expected", self._input_num, "inputs, got", len(input_list))
            return None
        dataset, buffers = self._gen_input_dataset(input_list)
        if dataset is None:
            return None
        ret = acl.mdl.execute(self._model_id, dataset, self._output_dataset)
        self._destroy_input_dataset(dataset, buffers)
        if ret != const.ACL_SUCCESS:
            log_error("acl.mdl.execute failed", ret)
            return None
        return self._output_dataset_to_bytes()

    def _output_dataset_to_bytes(self):
        results = []
        for i in range(self._output_num):
            data_buf = acl.mdl.get_dataset_buffer(self._output_dataset, i)
            data = acl.get_data_buffer_addr(data_buf)
            size = acl.get_data_buffer_size_v2(data_buf)
            results.append(copy_data_device_to_host(data, size))
        return results

    def destroy(self):
        if self._is_destroyed:
            return
        self._release_dataset(self._output_dataset)
        self._output_dataset = None
        if self._model_id is not None:
            ret = acl.mdl.unload(self._model_id)
            if ret != const.ACL_SUCCESS:
                log_error("acl.mdl.unload failed", ret)
            self._model_id = None
        if self._model_desc is not None:
            acl.mdl.destroy_desc(self._model_desc)
            self._model_desc = None
        self._is_destroyed = True
        resource_list.unregister(self)

    def __del__(self):
        self.destroy()
