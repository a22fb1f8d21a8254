"""ACL201: an exec-config handle is prepared with a timeout, but the code path
that runs falls back to plain acl.mdl.execute, so the handle is destroyed
without ever being used by execute_v2.

run_with_config() next to it is the correct use and stays silent.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MDL_STREAM_SYNC_TIMEOUT = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "bert_base.json")


def build_io(desc):
    """Returns (input_ds, output_ds, pointers, buffers); the caller tears them down."""
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    pointers, buffers = [], []
    sizes = [(input_ds, acl.mdl.get_input_size_by_index(desc, i)) for i in range(acl.mdl.get_num_inputs(desc))]
    sizes.append((output_ds, acl.mdl.get_output_size_by_index(desc, 0)))
    for dataset, size in sizes:
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            break
        pointers.append(ptr)
        buf = acl.create_data_buffer(ptr, size)
        buffers.append(buf)
        _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
        if ret != ACL_SUCCESS:
            break
    return input_ds, output_ds, pointers, buffers


def teardown_io(input_ds, output_ds, pointers, buffers):
    for ptr in pointers:
        acl.rt.free(ptr)
    for buf in buffers:
        acl.destroy_data_buffer(buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)


def run_with_config(model_id, input_ds, output_ds, stream):
    config = acl.mdl.create_exec_config_handle()
    ret = acl.mdl.set_exec_config_opt(config, ACL_MDL_STREAM_SYNC_TIMEOUT, 500)
    if ret != ACL_SUCCESS:
        print("timeout not applied", ret)
    ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, stream, config)
    acl.mdl.destroy_exec_config_handle(config)
    return ret


def run_maybe_with_config(model_id, input_ds, output_ds, stream, use_timeout):
    config = acl.mdl.create_exec_config_handle()
    ret = acl.mdl.set_exec_config_opt(config, ACL_MDL_STREAM_SYNC_TIMEOUT, 500)
    if ret != ACL_SUCCESS:
        print("set_exec_config_opt failed", ret)
    if use_timeout:
        ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, stream, config)
    else:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
    acl.mdl.destroy_exec_config_handle(config)  # expect: ACL201
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
                model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
                if ret == ACL_SUCCESS:
                    desc = acl.mdl.create_desc()
                    ret = acl.mdl.get_desc(desc, model_id)
                    if ret == ACL_SUCCESS:
                        input_ds, output_ds, pointers, buffers = build_io(desc)
                        print("v2:", run_with_config(model_id, input_ds, output_ds, stream))
                        print("plain:", run_maybe_with_config(model_id, input_ds, output_ds, stream, False))
                        teardown_io(input_ds, output_ds, pointers, buffers)
                    acl.mdl.destroy_desc(desc)
                    acl.mdl.unload(model_id)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
