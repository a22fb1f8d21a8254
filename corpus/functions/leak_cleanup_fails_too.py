"""A leak that needs two failures: adding the buffer to the dataset fails,
and then the cleanup of the buffer fails too, so check_ret raises with the
dataset live. The leak is real but unlikely; its leaking path names both
failed calls (a reader sees that the destroy must fail as well), not only the
branch and the raise. `make_input_dataset_clean` destroys the dataset before
it checks the cleanup: clean.
"""
import acl

ACL_SUCCESS = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed ret={}".format(message, ret))


def make_input_dataset(ptr, size):
    dataset = acl.mdl.create_dataset()  # expect[static]: ACL102
    data_buf = acl.create_data_buffer(ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, data_buf)
    if ret != ACL_SUCCESS:
        ret = acl.destroy_data_buffer(data_buf)
        check_ret("acl.destroy_data_buffer", ret)
    return dataset


def make_input_dataset_clean(ptr, size):
    dataset = acl.mdl.create_dataset()
    data_buf = acl.create_data_buffer(ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, data_buf)
    if ret != ACL_SUCCESS:
        acl.mdl.destroy_dataset(dataset)
        ret = acl.destroy_data_buffer(data_buf)
        check_ret("acl.destroy_data_buffer", ret)
        return None
    return dataset
