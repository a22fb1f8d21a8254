"""ACL204 with execute_v2: each request gets a correctly configured exec-config
handle, but the (0, 0) output buffer is only reset once after the loop, so
every execute_v2 after the first reuses the stale system-allocated output.
Inputs are tracked as {"buffer": ..., "ptr": ...} dicts and released in a loop.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MDL_STREAM_SYNC_TIMEOUT = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "bert_base.json")


def serve(model_id, desc, stream, requests):
    num_inputs = acl.mdl.get_num_inputs(desc)
    input_ds = acl.mdl.create_dataset()
    inputs = []
    inputs_ok = True
    for i in range(num_inputs):
        size = acl.mdl.get_input_size_by_index(desc, i)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            inputs_ok = False
            break
        buf = acl.create_data_buffer(ptr, size)
        inputs.append({"buffer": buf, "ptr": ptr})
        _, ret = acl.mdl.add_dataset_buffer(input_ds, buf)
        if ret != ACL_SUCCESS:
            inputs_ok = False
            break
    output_ds = acl.mdl.create_dataset()
    out_buf = acl.create_data_buffer(0, 0)
    _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    served = 0
    if ret == ACL_SUCCESS and inputs_ok:
        for _request in range(requests):
            config = acl.mdl.create_exec_config_handle()
            opt_ret = acl.mdl.set_exec_config_opt(config, ACL_MDL_STREAM_SYNC_TIMEOUT, 1000)
            if opt_ret != ACL_SUCCESS:
                print("timeout option not applied:", opt_ret)
            ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, stream, config)  # expect: ACL204
            acl.mdl.destroy_exec_config_handle(config)
            if ret != ACL_SUCCESS:
                break
            served += 1
    if served:
        acl.rt.free(acl.get_data_buffer_addr(out_buf))
        served_ret = acl.update_data_buffer(out_buf, 0, 0)
        print("reset after loop:", served_ret)
    for item in inputs:
        acl.rt.free(item["ptr"])
        acl.destroy_data_buffer(item["buffer"])
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    return served


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
                        print("served:", serve(model_id, desc, stream, 3))
                    acl.mdl.destroy_desc(desc)
                    acl.mdl.unload(model_id)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
