"""ACL202: the event is recorded BEFORE execute_async is launched, so
synchronize_event only waits for earlier work; copying the output back right
after it reads memory the model may still be writing. The stream is properly
synchronized later, before teardown.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def timed_inference(model_id, in_size, out_size, stream, event):
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return None
    host_out, ret = acl.rt.malloc_host(out_size)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        acl.rt.free(out_ptr)
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
        ret = acl.rt.record_event(event, stream)
        if ret == ACL_SUCCESS:
            ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream)
        if ret == ACL_SUCCESS:
            ret = acl.rt.synchronize_event(event)
        if ret == ACL_SUCCESS:
            ret = acl.rt.memcpy(host_out, out_size, out_ptr, out_size, ACL_MEMCPY_DEVICE_TO_HOST)  # expect: ACL202
            if ret == ACL_SUCCESS:
                result = acl.util.ptr_to_bytes(host_out, out_size)
        sync_ret = acl.rt.synchronize_stream(stream)
        print("drained stream:", sync_ret)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    acl.rt.free_host(host_out)
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
                event, ret = acl.rt.create_event()
                if ret == ACL_SUCCESS:
                    model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
                    if ret == ACL_SUCCESS:
                        desc = acl.mdl.create_desc()
                        ret = acl.mdl.get_desc(desc, model_id)
                        if ret == ACL_SUCCESS:
                            out = timed_inference(model_id, acl.mdl.get_input_size_by_index(desc, 0),
                                                  acl.mdl.get_output_size_by_index(desc, 0), stream, event)
                            print("got output:", out is not None)
                        acl.mdl.destroy_desc(desc)
                        acl.mdl.unload(model_id)
                    acl.rt.destroy_event(event)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
