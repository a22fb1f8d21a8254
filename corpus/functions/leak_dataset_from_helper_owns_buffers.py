"""ACL101 on a dataset made by a helper, listing what leaks with it (issue 11 item 1):
`make_input` mallocs device memory, wraps it in a data buffer and adds the buffer to a
new dataset. `run_once` executes and returns without releasing the dataset: the finding
is at the call and its path names the buffer and the memory the dataset owns, at their
acquire lines inside the helper. `run_once_clean` releases all three in order.
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0


def make_input(size):
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    buf = acl.create_data_buffer(ptr, size)
    dataset = acl.mdl.create_dataset()
    _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
    if ret != ACL_SUCCESS:
        acl.rt.free(ptr)
        acl.destroy_data_buffer(buf)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset


def run_once(model_id, output_ds, size):
    dataset = make_input(size)  # expect[static]: ACL101
    if dataset is None:
        return -1
    return acl.mdl.execute(model_id, dataset, output_ds)


def run_once_clean(model_id, output_ds, size):
    dataset = make_input(size)
    if dataset is None:
        return -1
    ret = acl.mdl.execute(model_id, dataset, output_ds)
    buf = acl.mdl.get_dataset_buffer(dataset, 0)
    ptr = acl.get_data_buffer_addr(buf)
    acl.rt.free(ptr)
    acl.destroy_data_buffer(buf)
    acl.mdl.destroy_dataset(dataset)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    acl.finalize()


if __name__ == "__main__":
    main()
