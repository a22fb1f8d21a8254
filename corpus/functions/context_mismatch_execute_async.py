"""ACL401: the detector is loaded under the worker context B, but executed with
execute_async on stream A while context A is current. Synchronize, unload and
destroy each happen under the context their object belongs to.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


def run_detector(in_size, out_size):
    ctx_a, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        return ret
    stream_a, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        acl.rt.destroy_context(ctx_a)
        return ret
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
            print("datasets:", in_ret, out_ret)
            ctx_b, ret = acl.rt.create_context(DEVICE_ID)
            if ret == ACL_SUCCESS:
                model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
                if ret == ACL_SUCCESS:
                    ret = acl.rt.set_context(ctx_a)
                    print("set_context(A):", ret)
                    ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream_a)  # expect: ACL401
                    sync_ret = acl.rt.synchronize_stream(stream_a)
                    print("detect:", ret, sync_ret)
                    ret = acl.rt.set_context(ctx_b)
                    print("set_context(B):", ret)
                    acl.mdl.unload(model_id)
                ret = acl.rt.set_context(ctx_a)
                print("set_context(A):", ret)
                acl.rt.destroy_context(ctx_b)
            acl.rt.free(out_ptr)
            acl.destroy_data_buffer(out_buf)
            acl.rt.free(in_ptr)
            acl.destroy_data_buffer(in_buf)
            acl.mdl.destroy_dataset(input_ds)
            acl.mdl.destroy_dataset(output_ds)
        else:
            acl.rt.free(in_ptr)
    acl.rt.destroy_stream(stream_a)
    acl.rt.destroy_context(ctx_a)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        print("run_detector:", run_detector(3 * 640 * 640 * 4, 25200 * 85 * 4))
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
