"""Official-sample style script with early returns.

init -> set_device -> create_context -> create_stream -> load model -> desc ->
datasets -> execute -> teardown. Every failing step logs, releases what this
function already holds (memory before its buffer, buffer before its dataset)
and returns FAILED / None. Clean: nothing to report.
"""
import os

import acl

ACL_SUCCESS = 0
SUCCESS = 0
FAILED = 1
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def log_error(*args):
    print("[ERROR]", *args)


def alloc_dataset(size):
    """Device memory wrapped in a one-buffer dataset: (dataset, buffer, dev_ptr) or None."""
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        log_error("malloc failed", ret)
        return None
    dataset = acl.mdl.create_dataset()
    buffer = acl.create_data_buffer(dev_ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
    if ret != ACL_SUCCESS:
        log_error("add_dataset_buffer failed", ret)
        acl.rt.free(dev_ptr)
        acl.destroy_data_buffer(buffer)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset, buffer, dev_ptr


def release_dataset(dataset, buffer, dev_ptr):
    acl.rt.free(dev_ptr)
    acl.destroy_data_buffer(buffer)
    acl.mdl.destroy_dataset(dataset)


def infer(model_id, desc):
    in_size = acl.mdl.get_input_size_by_index(desc, 0)
    out_size = acl.mdl.get_output_size_by_index(desc, 0)
    inputs = alloc_dataset(in_size)
    if inputs is None:
        return None
    in_ds, in_buf, in_ptr = inputs
    outputs = alloc_dataset(out_size)
    if outputs is None:
        release_dataset(in_ds, in_buf, in_ptr)
        return None
    out_ds, out_buf, out_ptr = outputs
    host_data = bytes(in_size)
    ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(host_data), in_size, ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        log_error("memcpy to device failed", ret)
        release_dataset(in_ds, in_buf, in_ptr)
        release_dataset(out_ds, out_buf, out_ptr)
        return None
    result = None
    ret = acl.mdl.execute(model_id, in_ds, out_ds)
    if ret == ACL_SUCCESS:
        host_ptr, ret = acl.rt.malloc_host(out_size)
        if ret == ACL_SUCCESS:
            ret = acl.rt.memcpy(host_ptr, out_size, out_ptr, out_size, ACL_MEMCPY_DEVICE_TO_HOST)
            if ret == ACL_SUCCESS:
                result = acl.util.ptr_to_bytes(host_ptr, out_size)
            acl.rt.free_host(host_ptr)
    else:
        log_error("execute failed", ret)
    release_dataset(in_ds, in_buf, in_ptr)
    release_dataset(out_ds, out_buf, out_ptr)
    return result


def run_model():
    model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
    if ret != ACL_SUCCESS:
        log_error("load_from_file failed", ret)
        return FAILED
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret != ACL_SUCCESS:
        log_error("get_desc failed", ret)
        acl.mdl.destroy_desc(desc)
        acl.mdl.unload(model_id)
        return FAILED
    result = infer(model_id, desc)
    acl.mdl.unload(model_id)
    acl.mdl.destroy_desc(desc)
    return SUCCESS if result is not None else FAILED


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        log_error("acl.init failed", ret)
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret != ACL_SUCCESS:
        log_error("set_device failed", ret)
        acl.finalize()
        return
    context, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        log_error("create_context failed", ret)
        acl.rt.reset_device(DEVICE_ID)
        acl.finalize()
        return
    stream, ret = acl.rt.create_stream()
    if ret == ACL_SUCCESS:
        print("run_model:", run_model())
        acl.rt.destroy_stream(stream)
    else:
        log_error("create_stream failed", ret)
    acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
