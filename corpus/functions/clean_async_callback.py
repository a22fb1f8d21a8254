"""Asynchronous inference with a host callback, in the order of the pyACL guide:
start_thread (a thread looping on process_report) -> subscribe_report ->
execute_async -> launch_callback -> synchronize_stream -> unsubscribe_report
-> stop the loop -> stop_thread -> destroy the stream. Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_ERROR_RT_REPORT_TIMEOUT = 507012
ACL_ERROR_THREAD_NOT_SUBSCRIBE = 100035
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_CALLBACK_BLOCK = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")

state = {"exit": False, "results": []}


def report_loop(args_list):
    context, timeout_ms = args_list
    ret = acl.rt.set_context(context)
    if ret != ACL_SUCCESS:
        print("callback thread: set_context failed", ret)
        return
    while not state["exit"]:
        ret = acl.rt.process_report(timeout_ms)
        if ret not in (ACL_SUCCESS, ACL_ERROR_RT_REPORT_TIMEOUT, ACL_ERROR_THREAD_NOT_SUBSCRIBE):
            print("process_report failed", ret)


def on_inference_done(user_data):
    frame_id, out_size = user_data
    state["results"].append((frame_id, out_size))


def infer_with_callback(context, stream, model_id, input_ds, output_ds, out_size):
    state["exit"] = False
    tid, ret = acl.util.start_thread(report_loop, [context, 100])
    if ret != ACL_SUCCESS:
        return ret
    ret = acl.rt.subscribe_report(tid, stream)
    if ret == ACL_SUCCESS:
        for frame_id in range(2):
            ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream)
            if ret != ACL_SUCCESS:
                break
            ret = acl.rt.launch_callback(on_inference_done, [frame_id, out_size], ACL_CALLBACK_BLOCK, stream)
            if ret != ACL_SUCCESS:
                break
        sync_ret = acl.rt.synchronize_stream(stream)
        acl.rt.unsubscribe_report(tid, stream)
        ret = ret or sync_ret
    state["exit"] = True
    acl.util.stop_thread(tid)
    return ret


def run(context, stream, model_id, desc):
    in_size = acl.mdl.get_input_size_by_index(desc, 0)
    out_size = acl.mdl.get_output_size_by_index(desc, 0)
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return ret
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        ret = infer_with_callback(context, stream, model_id, input_ds, output_ds, out_size)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
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
                        print("run:", run(context, stream, model_id, desc), state["results"])
                    acl.mdl.destroy_desc(desc)
                    acl.mdl.unload(model_id)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
