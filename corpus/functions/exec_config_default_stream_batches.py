"""ACL205: a batch runner builds one exec-config handle with a stream timeout
and then passes the literal default stream 0 to execute_v2 for every batch,
so the timeout never applies. The handle sequence itself is correct.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MDL_STREAM_SYNC_TIMEOUT = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "mobilenet_v2.om")


def run_batches(model_id, input_ds, output_ds, batches):
    config = acl.mdl.create_exec_config_handle()
    ret = acl.mdl.set_exec_config_opt(config, ACL_MDL_STREAM_SYNC_TIMEOUT, 500)
    if ret != ACL_SUCCESS:
        print("timeout not set", ret)
    ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, 0, config)  # expect: ACL205
    done = 1 if ret == ACL_SUCCESS else 0
    for _ in range(batches - 1):
        ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, 0, config)  # expect: ACL205
        if ret != ACL_SUCCESS:
            break
        done += 1
    acl.mdl.destroy_exec_config_handle(config)
    return done


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
            if ret == ACL_SUCCESS:
                desc = acl.mdl.create_desc()
                ret = acl.mdl.get_desc(desc, model_id)
                if ret == ACL_SUCCESS:
                    in_size = acl.mdl.get_input_size_by_index(desc, 0)
                    out_size = acl.mdl.get_output_size_by_index(desc, 0)
                    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
                    if ret == ACL_SUCCESS:
                        out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
                        if ret == ACL_SUCCESS:
                            input_ds = acl.mdl.create_dataset()
                            output_ds = acl.mdl.create_dataset()
                            in_buf = acl.create_data_buffer(in_ptr, in_size)
                            out_buf = acl.create_data_buffer(out_ptr, out_size)
                            _, in_ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
                            _, out_ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
                            if in_ret == ACL_SUCCESS and out_ret == ACL_SUCCESS:
                                print("batches:", run_batches(model_id, input_ds, output_ds, 3))
                            acl.rt.free(out_ptr)
                            acl.destroy_data_buffer(out_buf)
                            acl.rt.free(in_ptr)
                            acl.destroy_data_buffer(in_buf)
                            acl.mdl.destroy_dataset(input_ds)
                            acl.mdl.destroy_dataset(output_ds)
                        else:
                            acl.rt.free(in_ptr)
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
