"""An output holder that destroys its dataset before the buffers in it (firing: ACL203).

release() frees the memory first (correct), then destroys the dataset while
its data buffers are still alive, and destroys the buffers afterwards.
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


class DatasetHolder(object):
    """A dataset plus the memory and buffers it wraps."""

    def __init__(self, sizes):
        self.dataset = acl.mdl.create_dataset()
        self.ptrs = []
        self.buffers = []
        self.sizes = list(sizes)
        for size in self.sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            self.ptrs.append(ptr)
            buf = acl.create_data_buffer(ptr, size)
            self.buffers.append(buf)
            _, ret = acl.mdl.add_dataset_buffer(self.dataset, buf)
            check_ret("acl.mdl.add_dataset_buffer", ret)

    def release(self):
        for ptr in self.ptrs:
            acl.rt.free(ptr)
        self.ptrs = []
        acl.mdl.destroy_dataset(self.dataset)  # expect: ACL203
        for buf in self.buffers:
            acl.destroy_data_buffer(buf)
        self.buffers = []


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
            check_ret("acl.mdl.load_from_file", ret)
            desc = acl.mdl.create_desc()
            ret = acl.mdl.get_desc(desc, model_id)
            if ret == ACL_SUCCESS:
                inputs = DatasetHolder([acl.mdl.get_input_size_by_index(desc, 0)])
                outputs = DatasetHolder([acl.mdl.get_output_size_by_index(desc, 0)])
                data = bytes(inputs.sizes[0])
                ret = acl.rt.memcpy(inputs.ptrs[0], inputs.sizes[0], acl.util.bytes_to_ptr(data),
                                    len(data), ACL_MEMCPY_HOST_TO_DEVICE)
                if ret == ACL_SUCCESS:
                    ret = acl.mdl.execute(model_id, inputs.dataset, outputs.dataset)
                print("execute:", ret)
                outputs.release()
                inputs.release()
            acl.mdl.unload(model_id)
            acl.mdl.destroy_desc(desc)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
