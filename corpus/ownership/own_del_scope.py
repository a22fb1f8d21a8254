"""Resources released only through __del__, with a scope that ends before teardown (clean).

BatchClassifier has no public close(): __del__ calls _release(). The object
lives inside classify_batch(), so it is collected when that function
returns, before main() resets the device and finalizes.
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


class BatchClassifier(object):
    def __init__(self, model_path):
        self._model_id = None
        self._desc = None
        self._in_ptr = None
        self._model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self._desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self._desc, self._model_id)
        check_ret("acl.mdl.get_desc", ret)
        self._in_size = acl.mdl.get_input_size_by_index(self._desc, 0)
        self._in_ptr, ret = acl.rt.malloc(self._in_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)

    def load_input(self, data):
        ret = acl.rt.memcpy(self._in_ptr, self._in_size, acl.util.bytes_to_ptr(data),
                            len(data), ACL_MEMCPY_HOST_TO_DEVICE)
        check_ret("acl.rt.memcpy", ret)

    def _release(self):
        if self._in_ptr is not None:
            acl.rt.free(self._in_ptr)
            self._in_ptr = None
        if self._model_id is not None:
            acl.mdl.unload(self._model_id)
            self._model_id = None
        if self._desc is not None:
            acl.mdl.destroy_desc(self._desc)
            self._desc = None

    def __del__(self):
        self._release()


def classify_batch(images):
    classifier = BatchClassifier(MODEL_PATH)
    for image in images:
        classifier.load_input(image)
    return len(images)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            size = 3 * 32 * 32 * 4
            print(classify_batch([bytes([i]) * size for i in range(3)]))
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
