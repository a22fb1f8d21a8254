"""One defect, one finding: on the failure branch of add_dataset_buffer the
dataset is passed to acl.destroy_data_buffer where the buffer was meant
(ACL303, with the fix "pass the data buffer `dataset_buffer`"). The wrong call
releases nothing: the later correct release of the dataset is no double
release, there is no teardown-order finding, and the buffer that leaks only
because of the wrong argument is implied by the ACL303.

InputModel.gen_input_fixed passes the buffer: clean. make_dataset_checked
destroys the dataset before the buffer whose add failed (it was not attached:
no order violation) and frees what it made: clean.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
FAILED = 1


class InputModel:
    def __init__(self, sizes):
        self.sizes = sizes
        self.ptrs = []
        self.input_dataset = None

    def gen_input(self):
        ret = ACL_SUCCESS
        self.input_dataset = acl.mdl.create_dataset()
        for ptr, size in zip(self.ptrs, self.sizes):
            dataset_buffer = acl.create_data_buffer(ptr, size)
            _, ret = acl.mdl.add_dataset_buffer(self.input_dataset, dataset_buffer)
            if ret != ACL_SUCCESS:
                acl.destroy_data_buffer(self.input_dataset)  # expect[static]: ACL303
                ret = FAILED
                break
        if ret == FAILED:
            self.release_dataset(self.input_dataset)
            self.input_dataset = None
        return ret

    def gen_input_fixed(self):
        ret = ACL_SUCCESS
        self.input_dataset = acl.mdl.create_dataset()
        for ptr, size in zip(self.ptrs, self.sizes):
            dataset_buffer = acl.create_data_buffer(ptr, size)
            _, ret = acl.mdl.add_dataset_buffer(self.input_dataset, dataset_buffer)
            if ret != ACL_SUCCESS:
                acl.destroy_data_buffer(dataset_buffer)
                ret = FAILED
                break
        if ret == FAILED:
            self.release_dataset(self.input_dataset)
            self.input_dataset = None
        return ret

    def release_dataset(self, dataset):
        if not dataset:
            return
        for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
            data_buf = acl.mdl.get_dataset_buffer(dataset, i)
            if data_buf:
                acl.destroy_data_buffer(data_buf)
        acl.mdl.destroy_dataset(dataset)

    def run(self):
        for size in self.sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                break
            self.ptrs.append(ptr)
        if self.gen_input() == ACL_SUCCESS:
            self.release_dataset(self.input_dataset)
            self.input_dataset = None
        if self.gen_input_fixed() == ACL_SUCCESS:
            self.release_dataset(self.input_dataset)
            self.input_dataset = None

    def close(self):
        for ptr in self.ptrs:
            acl.rt.free(ptr)
        self.ptrs = []


def make_dataset_checked(sizes):
    dataset = acl.mdl.create_dataset()
    made = []
    for size in sizes:
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            break
        buffer = acl.create_data_buffer(ptr, size)
        if not buffer:
            acl.rt.free(ptr)
            break
        _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
        if ret != ACL_SUCCESS:
            for old_buffer, old_ptr in made:
                acl.rt.free(old_ptr)
                acl.destroy_data_buffer(old_buffer)
            acl.mdl.destroy_dataset(dataset)
            acl.rt.free(ptr)
            acl.destroy_data_buffer(buffer)
            return None, []
        made.append((buffer, ptr))
    return dataset, made


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            model = InputModel([1024, 2048])
            model.run()
            model.close()
            dataset, made = make_dataset_checked([512])
            for buffer, ptr in made:
                acl.rt.free(ptr)
                acl.destroy_data_buffer(buffer)
            if dataset:
                acl.mdl.destroy_dataset(dataset)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
