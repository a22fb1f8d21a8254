"""An event recorded on the stream AFTER execute_async, then synchronize_event,
makes the output safe to read and release. Look-alike of ACL202 that must stay
silent; the event itself is created, recorded, synchronized and destroyed.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "mobilenet_v2.om")


def run_once(model_id, desc, stream):
    in_size = acl.mdl.get_input_size_by_index(desc, 0)
    out_size = acl.mdl.get_output_size_by_index(desc, 0)
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_NORMAL_ONLY)
    if ret != ACL_SUCCESS:
        return None
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_NORMAL_ONLY)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return None
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    event, event_ret = acl.rt.create_event()
    result = None
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream)
        if event_ret == ACL_SUCCESS:
            wait_ret = acl.rt.record_event(event, stream)
            if wait_ret == ACL_SUCCESS:
                wait_ret = acl.rt.synchronize_event(event)
            else:
                wait_ret = acl.rt.synchronize_stream(stream)
        else:
            wait_ret = acl.rt.synchronize_stream(stream)
        if ret == ACL_SUCCESS and wait_ret == ACL_SUCCESS:
            host_ptr, ret = acl.rt.malloc_host(out_size)
            if ret == ACL_SUCCESS:
                ret = acl.rt.memcpy(host_ptr, out_size, out_ptr, out_size, ACL_MEMCPY_DEVICE_TO_HOST)
                if ret == ACL_SUCCESS:
                    result = acl.util.ptr_to_bytes(host_ptr, out_size)
                acl.rt.free_host(host_ptr)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    if event_ret == ACL_SUCCESS:
        acl.rt.destroy_event(event)
    return result


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
                        print("result:", run_once(model_id, desc, stream) is not None)
                    acl.mdl.destroy_desc(desc)
                    acl.mdl.unload(model_id)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
