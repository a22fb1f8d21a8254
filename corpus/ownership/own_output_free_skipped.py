"""acllite-style model whose destroy() never frees the output memory (firing: ACL106).

The output memory is reachable only through the output dataset's buffers;
destroy() walks them with get_dataset_buffer and destroys each buffer and
the dataset, but never calls acl.rt.free on get_data_buffer_addr.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_HOST_TO_DEVICE = 1
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class AclModel(object):
    def __init__(self, model_path):
        self._model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self._model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self._model_desc, self._model_id)
        check_ret("acl.mdl.get_desc", ret)
        self._output_num = acl.mdl.get_num_outputs(self._model_desc)
        self._gen_output_dataset()
        self._is_destroyed = False

    def _gen_output_dataset(self):
        self._output_dataset = acl.mdl.create_dataset()
        for i in range(self._output_num):
            size = acl.mdl.get_output_size_by_index(self._model_desc, i)
            buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)  # expect: ACL106
            check_ret("acl.rt.malloc", ret)
            dataset_buffer = acl.create_data_buffer(buf, size)
            _, ret = acl.mdl.add_dataset_buffer(self._output_dataset, dataset_buffer)
            if ret != ACL_SUCCESS:
                acl.rt.free(buf)
                acl.destroy_data_buffer(dataset_buffer)
                raise Exception("acl.mdl.add_dataset_buffer failed ret={}".format(ret))

    def execute(self, input_dataset):
        return acl.mdl.execute(self._model_id, input_dataset, self._output_dataset)

    def destroy(self):
        if self._is_destroyed:
            return
        for i in range(acl.mdl.get_dataset_num_buffers(self._output_dataset)):
            data_buf = acl.mdl.get_dataset_buffer(self._output_dataset, i)
            if data_buf:
                acl.destroy_data_buffer(data_buf)
        acl.mdl.destroy_dataset(self._output_dataset)
        acl.mdl.unload(self._model_id)
        acl.mdl.destroy_desc(self._model_desc)
        self._is_destroyed = True

    def __del__(self):
        self.destroy()


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            model = AclModel(MODEL_PATH)
            size = 3 * 224 * 224 * 4
            image, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
            if ret == ACL_SUCCESS:
                image_buf = acl.create_data_buffer(image, size)
                input_dataset = acl.mdl.create_dataset()
                _, ret = acl.mdl.add_dataset_buffer(input_dataset, image_buf)
                for frame in range(2):
                    data = bytes([frame]) * size
                    if ret == ACL_SUCCESS:
                        ret = acl.rt.memcpy(image, size, acl.util.bytes_to_ptr(data), size,
                                            ACL_MEMCPY_HOST_TO_DEVICE)
                    if ret == ACL_SUCCESS:
                        ret = model.execute(input_dataset)
                    print("frame", frame, "ret", ret)
                acl.rt.free(image)
                acl.destroy_data_buffer(image_buf)
                acl.mdl.destroy_dataset(input_dataset)
            model.destroy()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
