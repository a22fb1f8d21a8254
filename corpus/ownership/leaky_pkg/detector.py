"""Detector: owns device, context, stream, model and both datasets."""

import acl

from .buffers import alloc_input_dataset, alloc_output_dataset
from .status import ACL_MEMCPY_HOST_TO_DEVICE, check_ret
from .teardown import drop_dataset, release_dataset, shutdown_device


class Detector(object):
    def __init__(self, model_path, device_id=0):
        self.device_id = device_id
        ret = acl.rt.set_device(device_id)
        check_ret("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.inputs = alloc_input_dataset(self.desc)
        self.outputs = alloc_output_dataset(self.desc)

    def detect(self, image):
        buf = acl.mdl.get_dataset_buffer(self.inputs, 0)
        ret = acl.rt.memcpy(acl.get_data_buffer_addr(buf), acl.get_data_buffer_size_v2(buf),
                            acl.util.bytes_to_ptr(image), len(image),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute_async(self.model_id, self.inputs, self.outputs, self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)
        return acl.mdl.get_dataset_num_buffers(self.outputs)

    def close(self):
        release_dataset(self.inputs)
        drop_dataset(self.outputs)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)
        acl.rt.destroy_stream(self.stream)
        shutdown_device(self.device_id)
        acl.rt.destroy_context(self.context)
