"""Sample-style AclResource and ModelProcess classes (clean).

AclResource.init_resource() stores context and stream on self and
release_resource() tears everything down in the documented order
(stream -> context -> reset_device -> finalize). ModelProcess owns the model,
its desc, and one input and one output dataset built once in __init__;
release() frees memory, then destroys buffers, then datasets.
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


class AclResource(object):
    def __init__(self, device_id=0):
        self.device_id = device_id
        self.context = None
        self.stream = None

    def init_resource(self):
        ret = acl.init()
        check_ret("acl.init", ret)
        ret = acl.rt.set_device(self.device_id)
        check_ret("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(self.device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)

    def release_resource(self):
        if self.stream:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context:
            acl.rt.destroy_context(self.context)
            self.context = None
        acl.rt.reset_device(self.device_id)
        acl.finalize()


class ModelProcess(object):
    def __init__(self, model_path):
        self.model_id = None
        self.model_desc = None
        self.input_ptr = None
        self.input_buffer = None
        self.input_dataset = None
        self.output_ptr = None
        self.output_buffer = None
        self.output_dataset = None
        self._load(model_path)

    def _load(self, model_path):
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.input_size = acl.mdl.get_input_size_by_index(self.model_desc, 0)
        self.output_size = acl.mdl.get_output_size_by_index(self.model_desc, 0)

        self.input_ptr, ret = acl.rt.malloc(self.input_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.input_buffer = acl.create_data_buffer(self.input_ptr, self.input_size)
        self.input_dataset = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.input_dataset, self.input_buffer)
        check_ret("acl.mdl.add_dataset_buffer", ret)

        self.output_ptr, ret = acl.rt.malloc(self.output_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.output_buffer = acl.create_data_buffer(self.output_ptr, self.output_size)
        self.output_dataset = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.output_dataset, self.output_buffer)
        check_ret("acl.mdl.add_dataset_buffer", ret)

    def run(self, data):
        ret = acl.rt.memcpy(self.input_ptr, self.input_size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        ret = acl.mdl.execute(self.model_id, self.input_dataset, self.output_dataset)
        check_ret("acl.mdl.execute", ret)
        host_ptr, ret = acl.rt.malloc_host(self.output_size)
        check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memcpy(host_ptr, self.output_size, self.output_ptr,
                            self.output_size, ACL_MEMCPY_DEVICE_TO_HOST)
        if ret != ACL_SUCCESS:
            acl.rt.free_host(host_ptr)
            raise Exception("acl.rt.memcpy failed ret={}".format(ret))
        result = acl.util.ptr_to_bytes(host_ptr, self.output_size)
        acl.rt.free_host(host_ptr)
        return result

    def release(self):
        if self.input_ptr is not None:
            acl.rt.free(self.input_ptr)
            self.input_ptr = None
        if self.input_buffer is not None:
            acl.destroy_data_buffer(self.input_buffer)
            self.input_buffer = None
        if self.input_dataset is not None:
            acl.mdl.destroy_dataset(self.input_dataset)
            self.input_dataset = None
        if self.output_ptr is not None:
            acl.rt.free(self.output_ptr)
            self.output_ptr = None
        if self.output_buffer is not None:
            acl.destroy_data_buffer(self.output_buffer)
            self.output_buffer = None
        if self.output_dataset is not None:
            acl.mdl.destroy_dataset(self.output_dataset)
            self.output_dataset = None
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            self.model_id = None
        if self.model_desc is not None:
            acl.mdl.destroy_desc(self.model_desc)
            self.model_desc = None


def make_input(size, seed):
    count = size // 4
    return struct.pack("<%df" % count, *[float((i + seed) % 7) for i in range(count)])


def main():
    resource = AclResource(0)
    resource.init_resource()
    try:
        process = ModelProcess(MODEL_PATH)
        try:
            for seed in range(2):
                result = process.run(make_input(process.input_size, seed))
                print("image", seed, "->", len(result), "bytes")
        finally:
            process.release()
    finally:
        resource.release_resource()


if __name__ == "__main__":
    main()
