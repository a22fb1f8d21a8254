"""Exec config in the documented order: create_exec_config_handle ->
set_exec_config_opt (stream and event sync timeouts) -> execute_v2 with a real
stream -> destroy_exec_config_handle. Clean look-alike of ACL201 and ACL205.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MDL_STREAM_SYNC_TIMEOUT = 0
ACL_MDL_EVENT_SYNC_TIMEOUT = 1
DEVICE_ID = 0
TIMEOUT_MS = 1000
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def alloc_dataset(size):
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    dataset = acl.mdl.create_dataset()
    buffer = acl.create_data_buffer(dev_ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        acl.destroy_data_buffer(buffer)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset, buffer, dev_ptr


def release_dataset(dataset, buffer, dev_ptr):
    acl.rt.free(dev_ptr)
    acl.destroy_data_buffer(buffer)
    acl.mdl.destroy_dataset(dataset)


def execute_with_timeout(model_id, input_ds, output_ds, stream):
    config = acl.mdl.create_exec_config_handle()
    if not config:
        return acl.mdl.execute(model_id, input_ds, output_ds)
    for attr in [ACL_MDL_STREAM_SYNC_TIMEOUT, ACL_MDL_EVENT_SYNC_TIMEOUT]:
        ret = acl.mdl.set_exec_config_opt(config, attr, TIMEOUT_MS)
        if ret != ACL_SUCCESS:
            print("warning: exec config option", attr, "not applied:", ret)
    ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, stream, config)
    acl.mdl.destroy_exec_config_handle(config)
    return ret


def run(stream):
    model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
    if ret != ACL_SUCCESS:
        return ret
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret == ACL_SUCCESS:
        inputs = alloc_dataset(acl.mdl.get_input_size_by_index(desc, 0))
        if inputs is not None:
            in_ds, in_buf, in_ptr = inputs
            outputs = alloc_dataset(acl.mdl.get_output_size_by_index(desc, 0))
            if outputs is not None:
                out_ds, out_buf, out_ptr = outputs
                ret = execute_with_timeout(model_id, in_ds, out_ds, stream)
                print("execute_v2 ->", ret)
                release_dataset(out_ds, out_buf, out_ptr)
            release_dataset(in_ds, in_buf, in_ptr)
    acl.mdl.destroy_desc(desc)
    acl.mdl.unload(model_id)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                print("run:", run(stream))
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
