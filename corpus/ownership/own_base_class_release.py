"""Handles stored by a subclass, released by its base class (clean).

AclBase.release() destroys self.stream and self.context; Segmenter stores
both in its __init__ and its own release() unloads the model and then calls
super().release(), so the documented order holds across the hierarchy.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class AclBase(object):
    def __init__(self):
        self.context = None
        self.stream = None

    def release(self):
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None
        if self.context is not None:
            acl.rt.destroy_context(self.context)
            self.context = None


class Segmenter(AclBase):
    def __init__(self, device_id, model_path):
        super(Segmenter, self).__init__()
        self.context, ret = acl.rt.create_context(device_id)
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(model_path)
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

    def segment(self):
        ret = acl.mdl.execute_async(self.model_id, self.in_ds, self.out_ds, self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)
        return ret

    def release(self):
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            acl.mdl.destroy_desc(self.desc)
            acl.rt.free(self.in_ptr)
            acl.rt.free(self.out_ptr)
            acl.destroy_data_buffer(self.in_buf)
            acl.destroy_data_buffer(self.out_buf)
            acl.mdl.destroy_dataset(self.in_ds)
            acl.mdl.destroy_dataset(self.out_ds)
            self.model_id = None
        super(Segmenter, self).release()


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            seg = Segmenter(0, MODEL_PATH)
            for _ in range(2):
                print("segment:", seg.segment())
            seg.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
