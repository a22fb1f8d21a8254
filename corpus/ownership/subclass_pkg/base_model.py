"""BaseModel builds its output dataset in the constructor; when a malloc fails, check_ret
raises with the dataset live. Nothing builds a BaseModel itself: Detector calls its
constructor through `super().__init__()`. BaseScorer's constructor leaks its host buffer the
same way; Classifier inherits it. Both are built once from ../app_subclass_detect.py, which
catches nothing: the raise ends the process, so neither leak is reported (design.md
section 7)."""
import acl

ACL_MEM_MALLOC_HUGE_FIRST = 0


def check_ret(message, ret):
    if ret != 0:
        raise RuntimeError("{} failed ret={}".format(message, ret))


class BaseModel(object):
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


class BaseScorer(object):
    def __init__(self, size):
        self.size = size
        self.host = self._alloc(size)

    def _alloc(self, size):
        host, ret = acl.rt.malloc_host(size)
        check_ret("acl.rt.malloc_host", ret)
        ret = acl.rt.memset(host, size, 0, size)
        check_ret("acl.rt.memset", ret)
        return host

    def close(self):
        acl.rt.free_host(self.host)
