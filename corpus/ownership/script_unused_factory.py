"""A script whose model class builds its output dataset in the constructor: when an output
malloc fails, `check_ret` raises and the dataset built so far is left behind. Every way to
that raise ends the process: `main()` (run by the `__main__` block, no handler) and a
leftover factory function of the script that nothing calls or names (it can only run when
the script itself runs it). A leak that exists only as the process exits is
not reported by default (design section 7). Clean.
"""
import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
OUTPUT_SIZES = (256, 512)


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class OutputSet:
    def __init__(self, sizes):
        self.dataset = None
        self.buffers = []
        self._build(sizes)

    def _build(self, sizes):
        dataset = acl.mdl.create_dataset()
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, 0)
            check_ret("acl.rt.malloc", ret)
            buf = acl.create_data_buffer(ptr, size)
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            if ret != ACL_SUCCESS:
                acl.rt.free(ptr)
                acl.destroy_data_buffer(buf)
                break
            self.buffers.append((buf, ptr))
        self.dataset = dataset

    def close(self):
        for buf, ptr in self.buffers:
            acl.rt.free(ptr)
            acl.destroy_data_buffer(buf)
        self.buffers = []
        if self.dataset:
            acl.mdl.destroy_dataset(self.dataset)
            self.dataset = None


def build_for_debug():
    return OutputSet(OUTPUT_SIZES[:1])


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)
    outputs = OutputSet(OUTPUT_SIZES)
    outputs.close()
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
