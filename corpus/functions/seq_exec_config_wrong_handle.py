"""ACL201 twice: two exec-config handles are created, the options are set on the
first one, but execute_v2 is given the second one (never configured), and the
configured handle is destroyed without ever having been used.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MDL_STREAM_SYNC_TIMEOUT = 0
ACL_MDL_EVENT_SYNC_TIMEOUT = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


def detect(model_id, input_ds, output_ds, stream):
    stream_cfg = acl.mdl.create_exec_config_handle()
    event_cfg = acl.mdl.create_exec_config_handle()
    ret = acl.mdl.set_exec_config_opt(stream_cfg, ACL_MDL_STREAM_SYNC_TIMEOUT, 3000)
    if ret != ACL_SUCCESS:
        print("stream timeout not set", ret)
    ret = acl.mdl.set_exec_config_opt(stream_cfg, ACL_MDL_EVENT_SYNC_TIMEOUT, 3000)
    if ret != ACL_SUCCESS:
        print("event timeout not set", ret)
    ret = acl.mdl.execute_v2(model_id, input_ds, output_ds, stream, event_cfg)  # expect: ACL201
    acl.mdl.destroy_exec_config_handle(event_cfg)
    acl.mdl.destroy_exec_config_handle(stream_cfg)  # expect: ACL201
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
                                _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
                                if ret == ACL_SUCCESS:
                                    _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
                                if ret == ACL_SUCCESS:
                                    print("detect:", detect(model_id, input_ds, output_ds, stream))
                                acl.rt.free(out_ptr)
                                acl.destroy_data_buffer(out_buf)
                                acl.mdl.destroy_dataset(output_ds)
                                acl.rt.free(in_ptr)
                                acl.destroy_data_buffer(in_buf)
                                acl.mdl.destroy_dataset(input_ds)
                            else:
                                acl.rt.free(in_ptr)
                    acl.mdl.destroy_desc(desc)
                    acl.mdl.unload(model_id)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
