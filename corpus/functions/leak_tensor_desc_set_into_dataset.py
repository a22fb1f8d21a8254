"""ACL101: a dynamic-shape input is described with a tensor description that is set
into the input dataset and never destroyed. The dataset keeps its own copy of the
description (set_dataset_tensor_desc copies it), so the caller's description still
has to be destroyed with destroy_tensor_desc.
"""
import acl

ACL_SUCCESS = 0
ACL_FLOAT = 0
ACL_FORMAT_NCHW = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0


def make_input(shape):
    size = 4
    for d in shape:
        size *= d
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    dataset = acl.mdl.create_dataset()
    buffer = acl.create_data_buffer(dev_ptr, size)
    dataset, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
    if ret == ACL_SUCCESS:
        desc = acl.create_tensor_desc(ACL_FLOAT, shape, ACL_FORMAT_NCHW)  # expect: ACL101
        dataset, ret = acl.mdl.set_dataset_tensor_desc(dataset, desc, 0)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        acl.destroy_data_buffer(buffer)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset, buffer, dev_ptr


def input_dims(dataset):
    desc = acl.mdl.get_dataset_tensor_desc(dataset, 0)
    dims = []
    for i in range(acl.get_tensor_desc_num_dims(desc)):
        dim, ret = acl.get_tensor_desc_dim_v2(desc, i)
        if ret != ACL_SUCCESS:
            break
        dims.append(dim)
    return dims


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        made = make_input([1, 3, 32, 32])
        if made is not None:
            dataset, buffer, dev_ptr = made
            print("input dims:", input_dims(dataset))
            acl.rt.free(dev_ptr)
            acl.destroy_data_buffer(buffer)
            acl.mdl.destroy_dataset(dataset)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
