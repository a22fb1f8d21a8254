"""ACL204: a warm-up execute fills the (0, 0) output buffer with system memory,
and the measured execute reuses the output dataset without freeing that
memory and calling update_data_buffer(buf, 0, 0) in between.

run_reset_between() does the reset between the two executes: silent.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def run_with_warmup(model_id, input_ds):
    output_ds = acl.mdl.create_dataset()
    out_buf = acl.create_data_buffer(0, 0)
    _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
        if ret == ACL_SUCCESS:
            ret = acl.mdl.execute(model_id, input_ds, output_ds)  # expect: ACL204
            acl.rt.free(acl.get_data_buffer_addr(out_buf))
            reset_ret = acl.update_data_buffer(out_buf, 0, 0)
            print("reset:", reset_ret)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(output_ds)
    return ret


def run_reset_between(model_id, input_ds):
    output_ds = acl.mdl.create_dataset()
    out_buf = acl.create_data_buffer(0, 0)
    _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        for _ in [0, 1]:
            ret = acl.mdl.execute(model_id, input_ds, output_ds)
            if ret != ACL_SUCCESS:
                break
            acl.rt.free(acl.get_data_buffer_addr(out_buf))
            ret = acl.update_data_buffer(out_buf, 0, 0)
            if ret != ACL_SUCCESS:
                break
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(output_ds)
    return ret


def benchmark(model_id, in_size):
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    input_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        print("reset between:", run_reset_between(model_id, input_ds))
        print("warm-up:", run_with_warmup(model_id, input_ds))
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.mdl.destroy_dataset(input_ds)
    return ret


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
                    print("benchmark:", benchmark(model_id, acl.mdl.get_input_size_by_index(desc, 0)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
