"""One release loop over two datasets that never frees the memory inside them: one defect,
one finding (ACL106 at the first malloc, naming the second).

`Classifier.release()` walks `[self.inputs, self.outputs]` in one loop, destroys each
buffer and each dataset, and frees no memory: adding one `acl.rt.free` in that loop fixes
both, so the output memory is named in the input memory's finding, not reported again.
`Detector` releases its two datasets in two different methods, each forgetting the memory:
two fixes, two findings.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "yolo_tiny.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Classifier(object):
    def __init__(self, sizes):
        self.inputs = acl.mdl.create_dataset()
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect: ACL106
            check_ret("acl.rt.malloc", ret)
            _, ret = acl.mdl.add_dataset_buffer(self.inputs, acl.create_data_buffer(ptr, size))
            check_ret("acl.mdl.add_dataset_buffer", ret)
        self.outputs = acl.mdl.create_dataset()
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[runtime]: ACL106
            check_ret("acl.rt.malloc", ret)
            _, ret = acl.mdl.add_dataset_buffer(self.outputs, acl.create_data_buffer(ptr, size))
            check_ret("acl.mdl.add_dataset_buffer", ret)

    def release(self):
        for dataset in [self.inputs, self.outputs]:
            if not dataset:
                continue
            for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
                buf = acl.mdl.get_dataset_buffer(dataset, i)
                if buf:
                    acl.destroy_data_buffer(buf)
            acl.mdl.destroy_dataset(dataset)
        self.inputs = None
        self.outputs = None


class Detector(object):
    def __init__(self, sizes):
        self.inputs = acl.mdl.create_dataset()
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect: ACL106
            check_ret("acl.rt.malloc", ret)
            _, ret = acl.mdl.add_dataset_buffer(self.inputs, acl.create_data_buffer(ptr, size))
            check_ret("acl.mdl.add_dataset_buffer", ret)
        self.outputs = acl.mdl.create_dataset()
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect: ACL106
            check_ret("acl.rt.malloc", ret)
            _, ret = acl.mdl.add_dataset_buffer(self.outputs, acl.create_data_buffer(ptr, size))
            check_ret("acl.mdl.add_dataset_buffer", ret)

    def release_inputs(self):
        for i in range(acl.mdl.get_dataset_num_buffers(self.inputs)):
            acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(self.inputs, i))
        acl.mdl.destroy_dataset(self.inputs)

    def release_outputs(self):
        for i in range(acl.mdl.get_dataset_num_buffers(self.outputs)):
            acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(self.outputs, i))
        acl.mdl.destroy_dataset(self.outputs)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(0)
    check_ret("acl.rt.set_device", ret)
    classifier = Classifier([64, 64])
    classifier.release()
    detector = Detector([32])
    detector.release_inputs()
    detector.release_outputs()
    acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
