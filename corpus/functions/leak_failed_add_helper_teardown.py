"""A dataset built in a loop, torn down by a helper on the failure branches
(the ModelZoo acl_net.py template). On the branch where `not buffer` holds the
buffer is null, and after a failed add_dataset_buffer the buffer was not
attached: the helper destroying the dataset (and the buffers attached before)
breaks no order. The buffer whose add failed is still the caller's and leaks
when the exception is raised: ACL102, reported once. main() catches the
exception and goes on with the next model, so the leak is not process-exit.

build_checked() destroys the unattached buffer first: clean.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0


class Net:
    def __init__(self, sizes):
        self.sizes = sizes
        self.ptrs = []

    def build(self, dataset):
        for ptr, size in zip(self.ptrs, self.sizes):
            buffer = acl.create_data_buffer(ptr, size)  # expect[static]: ACL102
            if not buffer:
                self.destroy_data_set(dataset)
                raise RuntimeError("create_data_buffer failed")
            _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
            if ret != ACL_SUCCESS:
                self.destroy_data_set(dataset)
                raise RuntimeError("add_dataset_buffer failed: {}".format(ret))
        return dataset

    def build_checked(self, dataset):
        for ptr, size in zip(self.ptrs, self.sizes):
            buffer = acl.create_data_buffer(ptr, size)
            if not buffer:
                self.destroy_data_set(dataset)
                raise RuntimeError("create_data_buffer failed")
            _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
            if ret != ACL_SUCCESS:
                acl.destroy_data_buffer(buffer)
                self.destroy_data_set(dataset)
                raise RuntimeError("add_dataset_buffer failed: {}".format(ret))
        return dataset

    def destroy_data_set(self, dataset):
        for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
            data_buf = acl.mdl.get_dataset_buffer(dataset, i)
            if data_buf:
                acl.destroy_data_buffer(data_buf)
        acl.mdl.destroy_dataset(dataset)

    def run(self):
        for size in self.sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise MemoryError("acl.rt.malloc failed: {}".format(ret))
            self.ptrs.append(ptr)
        for builder in (self.build, self.build_checked):
            dataset = builder(acl.mdl.create_dataset())
            self.destroy_data_set(dataset)

    def close(self):
        for ptr in self.ptrs:
            acl.rt.free(ptr)
        self.ptrs = []


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            for sizes in ([1024], [2048, 4096]):
                net = Net(sizes)
                try:
                    net.run()
                except (RuntimeError, MemoryError) as exc:
                    print("model failed:", exc)
                net.close()
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
