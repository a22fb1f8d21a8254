"""A stream created in init_resource() that no method destroys (firing: ACL105).

release() goes straight from the model to destroy_context, reset_device and
finalize; no method of VideoAnalyzer ever destroys self.stream. Since the
stream is never released at all, this is the stream's leak (ACL105 at its
acquire; ACL101 for the runtime audit), not a teardown-order finding.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class VideoAnalyzer(object):
    def __init__(self, device_id, model_path):
        self.device_id = device_id
        self.model_path = model_path
        self.context = None
        self.stream = None
        self.model_id = None
        self.desc = None
        self.in_ptr = None
        self.out_ptr = None

    def init_resource(self):
        ret = acl.init()
        check_ret("acl.init", ret)
        ret = acl.rt.set_device(self.device_id)
        check_ret("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(self.device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()  # expect[static]: ACL105  # expect[runtime]: ACL101
        check_ret("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(self.model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.in_size = acl.mdl.get_input_size_by_index(self.desc, 0)
        self.out_size = acl.mdl.get_output_size_by_index(self.desc, 0)
        self.in_ptr, ret = acl.rt.malloc(self.in_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.out_ptr, ret = acl.rt.malloc(self.out_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.in_buf = acl.create_data_buffer(self.in_ptr, self.in_size)
        self.out_buf = acl.create_data_buffer(self.out_ptr, self.out_size)
        self.in_ds = acl.mdl.create_dataset()
        self.out_ds = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.in_ds, self.in_buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)
        _, ret = acl.mdl.add_dataset_buffer(self.out_ds, self.out_buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)

    def analyze(self, frame):
        ret = acl.rt.memcpy_async(self.in_ptr, self.in_size, acl.util.bytes_to_ptr(frame),
                                  len(frame), ACL_MEMCPY_HOST_TO_DEVICE, self.stream)
        check_ret("acl.rt.memcpy_async", ret)
        ret = acl.mdl.execute_async(self.model_id, self.in_ds, self.out_ds, self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        return ret == ACL_SUCCESS

    def release(self):
        if self.in_ptr is not None:
            acl.rt.free(self.in_ptr)
            acl.rt.free(self.out_ptr)
            acl.destroy_data_buffer(self.in_buf)
            acl.destroy_data_buffer(self.out_buf)
            acl.mdl.destroy_dataset(self.in_ds)
            acl.mdl.destroy_dataset(self.out_ds)
            self.in_ptr = None
            self.out_ptr = None
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            acl.mdl.destroy_desc(self.desc)
            self.model_id = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None
        acl.rt.reset_device(self.device_id)
        acl.finalize()


def main():
    analyzer = VideoAnalyzer(0, MODEL_PATH)
    analyzer.init_resource()
    try:
        for i in range(2):
            print("frame", i, analyzer.analyze(bytes([i]) * analyzer.in_size))
    finally:
        analyzer.release()


if __name__ == "__main__":
    main()
