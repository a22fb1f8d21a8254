"""Like `script_unused_factory.py` (a script whose model class builds its output dataset in
the constructor, and a failed output malloc raises with the dataset left behind), but the
factory function is registered in a table of handlers (`HANDLERS`): named outside its
definition, it may be called from anywhere (another module, a plugin loader), so it is not a
leftover of the script, the raise on its path is not known to end the process, and the leak
is reported.
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
        dataset = acl.mdl.create_dataset()  # expect[static]: ACL102
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


HANDLERS = {"debug": build_for_debug}


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
