"""A global resource registry destroyed at exit (clean).

Every object holding ACL resources registers itself in the module-level
`resource_list`; destroy() unregisters it. main() calls
resource_list.destroy_all() before the stream, context and device go away,
so the registry also catches the objects main() forgot to destroy itself.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
MODEL_DIR = os.path.join(os.path.dirname(__file__), "models")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class ResourceList(object):
    def __init__(self):
        self.items = {}

    def register(self, obj):
        self.items[id(obj)] = obj

    def unregister(self, obj):
        self.items.pop(id(obj), None)

    def destroy_all(self):
        for obj in list(self.items.values()):
            obj.destroy()
        self.items.clear()


resource_list = ResourceList()


class DeviceTensor(object):
    """Device memory plus its data buffer, registered for cleanup at exit."""

    def __init__(self, size):
        self.size = size
        self.ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.buffer = acl.create_data_buffer(self.ptr, size)
        resource_list.register(self)

    def upload(self, data):
        ret = acl.rt.memcpy(self.ptr, self.size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)

    def destroy(self):
        if self.ptr is not None:
            acl.rt.free(self.ptr)
            acl.destroy_data_buffer(self.buffer)
            self.ptr = None
            self.buffer = None
        resource_list.unregister(self)


class Network(object):
    def __init__(self, path):
        self.model_id, ret = acl.mdl.load_from_file(path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.inputs = [DeviceTensor(acl.mdl.get_input_size_by_index(self.desc, 0))]
        self.outputs = [DeviceTensor(acl.mdl.get_output_size_by_index(self.desc, 0))]
        self.in_ds = acl.mdl.create_dataset()
        self.out_ds = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.in_ds, self.inputs[0].buffer)
        check_ret("acl.mdl.add_dataset_buffer", ret)
        _, ret = acl.mdl.add_dataset_buffer(self.out_ds, self.outputs[0].buffer)
        check_ret("acl.mdl.add_dataset_buffer", ret)
        resource_list.register(self)

    def run(self, data):
        self.inputs[0].upload(data)
        ret = acl.mdl.execute(self.model_id, self.in_ds, self.out_ds)
        check_ret("acl.mdl.execute", ret)

    def destroy(self):
        for tensor in self.inputs + self.outputs:
            tensor.destroy()
        if self.in_ds is not None:
            acl.mdl.destroy_dataset(self.in_ds)
            acl.mdl.destroy_dataset(self.out_ds)
            self.in_ds = None
            self.out_ds = None
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            acl.mdl.destroy_desc(self.desc)
            self.model_id = None
        resource_list.unregister(self)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            context, ret = acl.rt.create_context(0)
            check_ret("acl.rt.create_context", ret)
            try:
                net = Network(os.path.join(MODEL_DIR, "tiny_cls.json"))
                for i in range(2):
                    net.run(bytes([i]) * net.inputs[0].size)
                scratch = DeviceTensor(4096)
                scratch.upload(bytes(4096))
            finally:
                resource_list.destroy_all()
                acl.rt.destroy_context(context)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
