"""vlite.vmodel: a small model wrapper, vendored (copied unchanged) into several samples.

VModel's constructor builds the output dataset; when an output malloc fails,
check_ret raises with the dataset live. Whether that leak matters depends on
which program imports this copy: see the scripts beside each copy.
"""
import acl

ACL_MEM_MALLOC_HUGE_FIRST = 0


def check_ret(message, ret):
    if ret != 0:
        raise RuntimeError("{} failed ret={}".format(message, ret))


class VModel(object):
    def __init__(self, sizes):
        self.buffers = []
        self.dataset = self._gen_outputs(sizes)

    def _gen_outputs(self, sizes):
        dataset = acl.mdl.create_dataset()
        for size in sizes:
            buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            data = acl.create_data_buffer(buf, size)
            self.buffers.append((buf, data))
            _, ret = acl.mdl.add_dataset_buffer(dataset, data)
            check_ret("acl.mdl.add_dataset_buffer", ret)
        return dataset

    def close(self):
        for buf, data in self.buffers:
            acl.rt.free(buf)
            acl.destroy_data_buffer(data)
        acl.mdl.destroy_dataset(self.dataset)
