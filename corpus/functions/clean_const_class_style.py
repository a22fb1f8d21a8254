"""atlas_utils style: constants live on a local `const` class and statuses are
compared with const.ACL_SUCCESS (also `if ret:` for the failure test);
functions return const.SUCCESS / const.FAILED. The module is imported as
pyacl. Every status is read, every resource released. Clean.
"""
import os

import acl as pyacl


class const:
    ACL_SUCCESS = 0
    SUCCESS = 0
    FAILED = 1
    ACL_MEM_MALLOC_HUGE_FIRST = 0
    ACL_MEMCPY_HOST_TO_DEVICE = 1
    ACL_MEMCPY_DEVICE_TO_HOST = 2


DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def log_error(msg, ret):
    print("[ERROR] {} ret={}".format(msg, ret))


def infer(model_id, in_size, out_size):
    in_ptr, ret = pyacl.rt.malloc(in_size, const.ACL_MEM_MALLOC_HUGE_FIRST)
    if ret:
        log_error("malloc input", ret)
        return const.FAILED
    out_ptr, ret = pyacl.rt.malloc(out_size, const.ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != const.ACL_SUCCESS:
        log_error("malloc output", ret)
        pyacl.rt.free(in_ptr)
        return const.FAILED
    input_ds = pyacl.mdl.create_dataset()
    output_ds = pyacl.mdl.create_dataset()
    in_buf = pyacl.create_data_buffer(in_ptr, in_size)
    out_buf = pyacl.create_data_buffer(out_ptr, out_size)
    status = const.FAILED
    _, ret = pyacl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == const.ACL_SUCCESS:
        _, ret = pyacl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == const.ACL_SUCCESS:
        image = bytes(in_size)
        ret = pyacl.rt.memcpy(in_ptr, in_size, pyacl.util.bytes_to_ptr(image), in_size,
                              const.ACL_MEMCPY_HOST_TO_DEVICE)
        if ret == const.ACL_SUCCESS:
            ret = pyacl.mdl.execute(model_id, input_ds, output_ds)
        if ret == const.ACL_SUCCESS:
            status = const.SUCCESS
        else:
            log_error("infer", ret)
    pyacl.rt.free(in_ptr)
    pyacl.destroy_data_buffer(in_buf)
    pyacl.rt.free(out_ptr)
    pyacl.destroy_data_buffer(out_buf)
    pyacl.mdl.destroy_dataset(input_ds)
    pyacl.mdl.destroy_dataset(output_ds)
    return status


def main():
    ret = pyacl.init()
    if ret:
        log_error("init", ret)
        return
    ret = pyacl.rt.set_device(DEVICE_ID)
    if ret == const.ACL_SUCCESS:
        context, ret = pyacl.rt.create_context(DEVICE_ID)
        if ret == const.ACL_SUCCESS:
            model_id, ret = pyacl.mdl.load_from_file(MODEL_PATH)
            if ret == const.ACL_SUCCESS:
                model_desc = pyacl.mdl.create_desc()
                ret = pyacl.mdl.get_desc(model_desc, model_id)
                if ret == const.ACL_SUCCESS:
                    print("infer:", infer(model_id, pyacl.mdl.get_input_size_by_index(model_desc, 0),
                                          pyacl.mdl.get_output_size_by_index(model_desc, 0)))
                pyacl.mdl.destroy_desc(model_desc)
                pyacl.mdl.unload(model_id)
            pyacl.rt.destroy_context(context)
        pyacl.rt.reset_device(DEVICE_ID)
    pyacl.finalize()


if __name__ == "__main__":
    main()
