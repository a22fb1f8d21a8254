"""inference() builds a new input dataset into self on every call (firing: ACL104).

The input dataset (and the buffer wrapping the input memory) is rebuilt in
every inference() call and stored in self.input_dataset without destroying
the previous one. release() tears down only the last dataset. classify_all()
calls inference() once per image; main() runs a single inference, so nothing
leaks at run time (a method every caller runs once per object would be clean:
own_once_per_object_run.py).
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


class Net(object):
    def __init__(self, model_path):
        self.input_dataset = None
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
        self.output_dataset = acl.mdl.create_dataset()
        out_buf = acl.create_data_buffer(self.out_ptr, self.out_size)
        _, ret = acl.mdl.add_dataset_buffer(self.output_dataset, out_buf)
        if ret != ACL_SUCCESS:
            acl.destroy_data_buffer(out_buf)
            raise Exception("acl.mdl.add_dataset_buffer failed ret={}".format(ret))

    def inference(self, data):
        ret = acl.rt.memcpy(self.in_ptr, self.in_size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)
        self.input_dataset = acl.mdl.create_dataset()  # expect[static]: ACL104
        in_buf = acl.create_data_buffer(self.in_ptr, self.in_size)
        _, ret = acl.mdl.add_dataset_buffer(self.input_dataset, in_buf)
        if ret != ACL_SUCCESS:
            acl.destroy_data_buffer(in_buf)
            raise Exception("acl.mdl.add_dataset_buffer failed ret={}".format(ret))
        ret = acl.mdl.execute(self.model_id, self.input_dataset, self.output_dataset)
        check_ret("acl.mdl.execute", ret)

    def _destroy_dataset(self, dataset):
        for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
            acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(dataset, i))
        acl.mdl.destroy_dataset(dataset)

    def release(self):
        acl.rt.free(self.in_ptr)
        acl.rt.free(self.out_ptr)
        if self.input_dataset is not None:
            self._destroy_dataset(self.input_dataset)
            self.input_dataset = None
        self._destroy_dataset(self.output_dataset)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)


def classify_all(model_path, images):
    """A library entry (main() does not run it): one Net, inference() per image."""
    net = Net(model_path)
    try:
        for image in images:
            net.inference(image)
    finally:
        net.release()


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            net = Net(MODEL_PATH)
            net.inference(bytes(net.in_size))
            net.release()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
