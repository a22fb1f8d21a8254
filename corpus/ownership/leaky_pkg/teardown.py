"""Release helpers of leaky_pkg."""

import acl


def release_dataset(dataset):
    """Free memory, destroy buffers, destroy the dataset."""
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        buf = acl.mdl.get_dataset_buffer(dataset, i)
        acl.rt.free(acl.get_data_buffer_addr(buf))
        acl.destroy_data_buffer(buf)
    acl.mdl.destroy_dataset(dataset)


def drop_dataset(dataset):
    """Destroy buffers and the dataset -- but never free the memory behind them."""
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(dataset, i))
    acl.mdl.destroy_dataset(dataset)


def shutdown_device(device_id):
    acl.rt.reset_device(device_id)  # expect: ACL203
