"""Calls of acl.* names that pyACL does not have (firing: ACL502), and what they were
meant to release or attach stays live.

`Detector.close()` "unloads" with acl.mdl.destroy_model: the call fails, nothing
releases the model. `pack()` "attaches" the buffer with acl.mdl.add_dataset_tensor:
the buffer stays the caller's and leaks. Those leaks follow from the invented call,
so the ACL502 is their one finding (its message says what it is given is neither
released nor attached; one defect, one finding).
`dims()` passes a tensor description to a real pyACL getter the catalogue does not
describe: a getter keeps nothing, so the description still leaks. The clean
look-alikes use acl.mdl.unload and acl.mdl.add_dataset_buffer.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_FLOAT = 0
ACL_FORMAT_ND = 2
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "resnet50.json")


class Detector:
    def __init__(self, path):
        self.model_id, ret = acl.mdl.load_from_file(path)
        if ret != ACL_SUCCESS:
            raise RuntimeError("load failed: {}".format(ret))

    def close(self):
        acl.mdl.destroy_model(self.model_id)  # expect[static]: ACL502


class Classifier:
    def __init__(self, path):
        self.model_id, ret = acl.mdl.load_from_file(path)
        if ret != ACL_SUCCESS:
            raise RuntimeError("load failed: {}".format(ret))

    def close(self):
        ret = acl.mdl.unload(self.model_id)
        if ret != ACL_SUCCESS:
            raise RuntimeError("unload failed: {}".format(ret))


def pack(ptr, size):
    dataset = acl.mdl.create_dataset()
    buf = acl.create_data_buffer(ptr, size)
    acl.mdl.add_dataset_tensor(dataset, acl.MDL_INPUT, buf)  # expect[static]: ACL502
    return dataset


def pack_clean(ptr, size):
    dataset = acl.mdl.create_dataset()
    buf = acl.create_data_buffer(ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
    if ret != ACL_SUCCESS:
        acl.destroy_data_buffer(buf)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset


def dims(shape):
    desc = acl.create_tensor_desc(ACL_FLOAT, shape, ACL_FORMAT_ND)  # expect[static]: ACL101
    dim, ret = acl.get_tensor_desc_dim(desc, 0)
    return dim if ret == ACL_SUCCESS else -1


def dims_clean(shape):
    desc = acl.create_tensor_desc(ACL_FLOAT, shape, ACL_FORMAT_ND)
    dim, ret = acl.get_tensor_desc_dim(desc, 0)
    acl.destroy_tensor_desc(desc)
    return dim if ret == ACL_SUCCESS else -1


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(0)
        if ret == ACL_SUCCESS:
            model = Classifier(MODEL_PATH)
            model.close()
            acl.rt.destroy_context(context)
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
