"""execute_async followed by synchronize_stream before the output is read and
before any memory, buffer or dataset used by the async call is released.

The stream is synchronized even when the launch failed, so teardown never
races the device. Clean (look-alike of ACL202 without the missing sync).
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def copy_to_host(dev_ptr, size):
    host_ptr, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        return None
    data = None
    ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
    if ret == ACL_SUCCESS:
        data = acl.util.ptr_to_bytes(host_ptr, size)
    acl.rt.free_host(host_ptr)
    return data


def infer_async(model_id, desc, stream):
    in_size = acl.mdl.get_input_size_by_index(desc, 0)
    out_size = acl.mdl.get_output_size_by_index(desc, 0)
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return None
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    result = None
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        image = bytes(in_size)
        ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(image), in_size, ACL_MEMCPY_HOST_TO_DEVICE)
        if ret == ACL_SUCCESS:
            ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream)
        sync_ret = acl.rt.synchronize_stream(stream)
        if ret == ACL_SUCCESS and sync_ret == ACL_SUCCESS:
            result = copy_to_host(out_ptr, out_size)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    return result


def run(stream):
    model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
    if ret != ACL_SUCCESS:
        print("load failed", ret)
        return
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret == ACL_SUCCESS:
        scores = infer_async(model_id, desc, stream)
        print("scores:", None if scores is None else len(scores))
    acl.mdl.destroy_desc(desc)
    acl.mdl.unload(model_id)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        print("acl.init failed", ret)
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                run(stream)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
