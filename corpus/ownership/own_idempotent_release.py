"""Guarded, idempotent release reached from release(), __exit__ and __del__ (clean).

Every handle is released under `if self.x is not None:` and then set to None,
so calling release() twice (explicitly, then through __del__) is harmless.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Classifier(object):
    def __init__(self, model_path, device_id=0):
        self.device_id = device_id
        self.stream = None
        self.model_id = None
        self.model_desc = None
        self.output_ptr = None
        self.output_buffer = None
        self.output_dataset = None
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        size = acl.mdl.get_output_size_by_index(self.model_desc, 0)
        self.output_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.output_buffer = acl.create_data_buffer(self.output_ptr, size)
        self.output_dataset = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.output_dataset, self.output_buffer)
        check_ret("acl.mdl.add_dataset_buffer", ret)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def classify(self, input_dataset):
        ret = acl.mdl.execute_async(self.model_id, input_dataset,
                                    self.output_dataset, self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)

    def release(self):
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
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None

    def __del__(self):
        self.release()


def run_twice(clf):
    size = acl.mdl.get_input_size_by_index(clf.model_desc, 0)
    in_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("acl.rt.malloc", ret)
    in_buf = acl.create_data_buffer(in_ptr, size)
    in_ds = acl.mdl.create_dataset()
    _, ret = acl.mdl.add_dataset_buffer(in_ds, in_buf)
    if ret == ACL_SUCCESS:
        clf.classify(in_ds)
        clf.classify(in_ds)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.mdl.destroy_dataset(in_ds)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(0)
    if ret != ACL_SUCCESS:
        acl.finalize()
        raise Exception("acl.rt.set_device failed ret={}".format(ret))
    try:
        with Classifier(MODEL_PATH) as clf:
            run_twice(clf)
            clf.release()
    finally:
        acl.rt.reset_device(0)
        acl.finalize()


if __name__ == "__main__":
    main()
