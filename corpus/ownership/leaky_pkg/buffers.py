"""Dataset allocation of leaky_pkg: each function returns a fresh dataset."""

import acl

from .status import ACL_MEM_MALLOC_NORMAL_ONLY, ACL_SUCCESS


def alloc_input_dataset(desc):
    dataset = acl.mdl.create_dataset()
    for i in range(acl.mdl.get_num_inputs(desc)):
        size = acl.mdl.get_input_size_by_index(desc, i)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
        if ret != ACL_SUCCESS:
            break
        buf = acl.create_data_buffer(ptr, size)
        _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
        if ret != ACL_SUCCESS:
            acl.rt.free(ptr)
            acl.destroy_data_buffer(buf)
            break
    return dataset


def alloc_output_dataset(desc):
    dataset = acl.mdl.create_dataset()
    for i in range(acl.mdl.get_num_outputs(desc)):
        size = acl.mdl.get_output_size_by_index(desc, i)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)  # expect: ACL106
        if ret != ACL_SUCCESS:
            break
        buf = acl.create_data_buffer(ptr, size)
        _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
        if ret != ACL_SUCCESS:
            acl.rt.free(ptr)
            acl.destroy_data_buffer(buf)
            break
    return dataset
