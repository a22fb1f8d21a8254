"""acllite-style model: input dataset rebuilt per execute(), output dataset per model (clean).

execute() is a per-call method: everything it acquires (the input dataset
and its buffers) is destroyed before it returns; the caller keeps ownership
of the input memory it passes in. The output dataset is built once and torn
down in destroy() through the get_dataset_buffer release loop.
"""

import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "yolo_tiny.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def log_error(*args):
    print("[ERROR]", *args)


class Model(object):
    def __init__(self, model_path):
        self._model_id, ret = acl.mdl.load_from_file(model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self._model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self._model_desc, self._model_id)
        check_ret("acl.mdl.get_desc", ret)
        self._output_dataset = acl.mdl.create_dataset()
        for i in range(acl.mdl.get_num_outputs(self._model_desc)):
            size = acl.mdl.get_output_size_by_index(self._model_desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
            check_ret("acl.rt.malloc", ret)
            data_buf = acl.create_data_buffer(ptr, size)
            _, ret = acl.mdl.add_dataset_buffer(self._output_dataset, data_buf)
            if ret != ACL_SUCCESS:
                acl.rt.free(ptr)
                acl.destroy_data_buffer(data_buf)
                raise Exception("acl.mdl.add_dataset_buffer failed ret={}".format(ret))
        self._is_destroyed = False

    def input_size(self, index):
        return acl.mdl.get_input_size_by_index(self._model_desc, index)

    def execute(self, inputs):
        """inputs: list of (device pointer, size), still owned by the caller."""
        dataset = acl.mdl.create_dataset()
        buffers = []
        for ptr, size in inputs:
            data_buf = acl.create_data_buffer(ptr, size)
            buffers.append(data_buf)
            _, ret = acl.mdl.add_dataset_buffer(dataset, data_buf)
            if ret != ACL_SUCCESS:
                log_error("acl.mdl.add_dataset_buffer", ret)
                break
        else:
            ret = acl.mdl.execute(self._model_id, dataset, self._output_dataset)
        for data_buf in buffers:
            acl.destroy_data_buffer(data_buf)
        acl.mdl.destroy_dataset(dataset)
        if ret != ACL_SUCCESS:
            return None
        return self._read_outputs()

    def _read_outputs(self):
        results = []
        for i in range(acl.mdl.get_dataset_num_buffers(self._output_dataset)):
            data_buf = acl.mdl.get_dataset_buffer(self._output_dataset, i)
            ptr = acl.get_data_buffer_addr(data_buf)
            size = acl.get_data_buffer_size_v2(data_buf)
            host, ret = acl.rt.malloc_host(size)
            check_ret("acl.rt.malloc_host", ret)
            ret = acl.rt.memcpy(host, size, ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
            if ret == ACL_SUCCESS:
                results.append(acl.util.ptr_to_bytes(host, size))
            acl.rt.free_host(host)
        return results

    def destroy(self):
        if self._is_destroyed:
            return
        num = acl.mdl.get_dataset_num_buffers(self._output_dataset)
        for i in range(num):
            data_buf = acl.mdl.get_dataset_buffer(self._output_dataset, i)
            if data_buf:
                acl.rt.free(acl.get_data_buffer_addr(data_buf))
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
            model = Model(MODEL_PATH)
            size = model.input_size(0)
            image_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
            if ret == ACL_SUCCESS:
                for frame in range(3):
                    data = bytes([frame]) * size
                    ret = acl.rt.memcpy(image_ptr, size, acl.util.bytes_to_ptr(data),
                                        size, ACL_MEMCPY_HOST_TO_DEVICE)
                    if ret != ACL_SUCCESS:
                        break
                    outputs = model.execute([(image_ptr, size)])
                    print("frame", frame, [len(o) for o in outputs or []])
                acl.rt.free(image_ptr)
            model.destroy()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
