"""ACL205: execute_v2 called with a literal null stream (0, and None), so the
timeouts set through set_exec_config_opt do not take effect. The same call
with the real stream (execute_on_stream) stays silent.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MDL_STREAM_SYNC_TIMEOUT = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def execute_default_stream(model_id, input_ds, output_ds):
    config = acl.mdl.create_exec_config_handle()
    ret = acl.mdl.set_exec_config_opt(config, ACL_MDL_STREAM_SYNC_TIMEOUT, 1000)
    if ret != ACL_SUCCESS:
        print("set_exec_config_opt failed", ret)
    ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, 0, config)  # expect: ACL205
    acl.mdl.destroy_exec_config_handle(config)
    return ret


def execute_no_stream(model_id, input_ds, output_ds):
    config = acl.mdl.create_exec_config_handle()
    ret = acl.mdl.set_exec_config_opt(config, ACL_MDL_STREAM_SYNC_TIMEOUT, 2000)
    print("set_exec_config_opt:", ret)
    ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, None, config)  # expect: ACL205
    acl.mdl.destroy_exec_config_handle(config)
    return ret


def execute_on_stream(model_id, input_ds, output_ds, stream):
    config = acl.mdl.create_exec_config_handle()
    ret = acl.mdl.set_exec_config_opt(config, ACL_MDL_STREAM_SYNC_TIMEOUT, 1000)
    if ret != ACL_SUCCESS:
        print("set_exec_config_opt failed", ret)
    ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, stream, config)
    acl.mdl.destroy_exec_config_handle(config)
    return ret


def run_all(model_id, desc, stream):
    in_size = acl.mdl.get_input_size_by_index(desc, 0)
    out_size = acl.mdl.get_output_size_by_index(desc, 0)
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        print("default stream:", execute_default_stream(model_id, input_ds, output_ds))
        print("no stream:", execute_no_stream(model_id, input_ds, output_ds))
        print("own stream:", execute_on_stream(model_id, input_ds, output_ds, stream))
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)


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
                        run_all(model_id, desc, stream)
                    acl.mdl.destroy_desc(desc)
                    acl.mdl.unload(model_id)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
