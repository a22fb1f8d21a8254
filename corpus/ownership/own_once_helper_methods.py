"""Acquisitions in helper methods that only __init__ calls (clean).

_make_stream(), _make_output() and _read_labels_buffer() have no init-like
names, but __init__ is their only caller, so they run once per object and
may store handles on self. close() releases everything they stored.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Recognizer(object):
    def __init__(self, model_path, labels):
        self._make_stream()
        self.model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self._make_output()
        self._read_labels_buffer(labels)

    def _make_stream(self):
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)

    def _make_output(self):
        size = acl.mdl.get_output_size_by_index(self.desc, 0)
        self.out_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        self.out_buf = acl.create_data_buffer(self.out_ptr, size)
        self.out_ds = acl.mdl.create_dataset()
        _, ret = acl.mdl.add_dataset_buffer(self.out_ds, self.out_buf)
        check_ret("acl.mdl.add_dataset_buffer", ret)

    def _read_labels_buffer(self, labels):
        blob = "\n".join(labels).encode()
        self.labels_size = len(blob)
        self.labels_ptr, ret = acl.rt.malloc(self.labels_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        ret = acl.rt.memcpy(self.labels_ptr, self.labels_size, acl.util.bytes_to_ptr(blob),
                            self.labels_size, ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)

    def recognize(self, in_ds):
        ret = acl.mdl.execute_async(self.model_id, in_ds, self.out_ds, self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)

    def close(self):
        acl.rt.free(self.labels_ptr)
        acl.rt.free(self.out_ptr)
        acl.destroy_data_buffer(self.out_buf)
        acl.mdl.destroy_dataset(self.out_ds)
        acl.mdl.unload(self.model_id)
        acl.mdl.destroy_desc(self.desc)
        acl.rt.destroy_stream(self.stream)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            recognizer = Recognizer(MODEL_PATH, ["cat", "dog", "bird"])
            size = acl.mdl.get_input_size_by_index(recognizer.desc, 0)
            in_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret == ACL_SUCCESS:
                in_buf = acl.create_data_buffer(in_ptr, size)
                in_ds = acl.mdl.create_dataset()
                _, ret = acl.mdl.add_dataset_buffer(in_ds, in_buf)
                if ret == ACL_SUCCESS:
                    recognizer.recognize(in_ds)
                    recognizer.recognize(in_ds)
                acl.rt.free(in_ptr)
                acl.destroy_data_buffer(in_buf)
                acl.mdl.destroy_dataset(in_ds)
            recognizer.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
