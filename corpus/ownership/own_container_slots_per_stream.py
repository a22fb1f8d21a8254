"""Handles written into distinct slots of per-device containers, one per stream
(`self.model_ids[dev][s]`, `self.inputs[dev][s]`): every iteration writes another slot,
so nothing is overwritten; the container on `self` owns them (issue 11 item 2, F5).
Buffers are attached through `int(dataset)` (a handle is an int: the same handle).

`StreamPool.close` releases every slot (clean); `LeakyStreamPool.close` frees the
buffers and unloads the models but never destroys the datasets in `self.sets`
(firing: ACL105, not one ACL103 per slot).
"""

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0


class StreamPool:
    def __init__(self, path, devices):
        self.path = path
        self.model_ids = [[] for _ in range(devices)]
        self.inputs = [[] for _ in range(devices)]

    def add_streams(self, dev, streams):
        for s in range(streams):
            self.model_ids[dev][s], ret = acl.mdl.load_from_file(self.path)
            if ret != ACL_SUCCESS:
                raise RuntimeError("load failed: {}".format(ret))

    def add_inputs(self, dev, streams, size):
        for s in range(streams):
            self.inputs[dev][s] = acl.mdl.create_dataset()
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise RuntimeError("malloc failed: {}".format(ret))
            buf = acl.create_data_buffer(int(ptr), size)
            _, ret = acl.mdl.add_dataset_buffer(int(self.inputs[dev][s]), buf)
            if ret != ACL_SUCCESS:
                acl.rt.free(ptr)
                acl.destroy_data_buffer(buf)
                raise RuntimeError("add_dataset_buffer failed: {}".format(ret))

    def close(self, dev, streams):
        for s in range(streams):
            dataset = self.inputs[dev][s]
            buf = acl.mdl.get_dataset_buffer(dataset, 0)
            acl.rt.free(acl.get_data_buffer_addr(buf))
            acl.destroy_data_buffer(buf)
            acl.mdl.destroy_dataset(dataset)
            acl.mdl.unload(self.model_ids[dev][s])


class LeakyStreamPool:
    def __init__(self, path, devices):
        self.path = path
        self.models = [[] for _ in range(devices)]
        self.sets = [[] for _ in range(devices)]

    def add_streams(self, dev, streams):
        for s in range(streams):
            self.models[dev][s], ret = acl.mdl.load_from_file(self.path)
            if ret != ACL_SUCCESS:
                raise RuntimeError("load failed: {}".format(ret))

    def add_inputs(self, dev, streams, size):
        for s in range(streams):
            self.sets[dev][s] = acl.mdl.create_dataset()  # expect[static]: ACL105
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise RuntimeError("malloc failed: {}".format(ret))
            buf = acl.create_data_buffer(int(ptr), size)
            _, ret = acl.mdl.add_dataset_buffer(int(self.sets[dev][s]), buf)
            if ret != ACL_SUCCESS:
                acl.rt.free(ptr)
                acl.destroy_data_buffer(buf)
                raise RuntimeError("add_dataset_buffer failed: {}".format(ret))

    def close(self, dev, streams):
        for s in range(streams):
            buf = acl.mdl.get_dataset_buffer(self.sets[dev][s], 0)
            acl.rt.free(acl.get_data_buffer_addr(buf))
            acl.destroy_data_buffer(buf)
            acl.mdl.unload(self.models[dev][s])
