"""ACL107 on a dynamic output: the (0, 0) output buffer is handled correctly
after execute (system memory freed, update_data_buffer(buf, 0, 0)), but the
output dataset is then destroyed without destroying that buffer.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


def detect(model_id, in_size):
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    input_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    output_ds = acl.mdl.create_dataset()
    out_buf = acl.create_data_buffer(0, 0)  # expect: ACL107
    _, in_ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    _, out_ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    ret = in_ret or out_ret
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
        if ret == ACL_SUCCESS:
            print("detections:", acl.get_data_buffer_size_v2(out_buf), "bytes")
            acl.rt.free(acl.get_data_buffer_addr(out_buf))
            ret = acl.update_data_buffer(out_buf, 0, 0)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
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
            model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
            if ret == ACL_SUCCESS:
                desc = acl.mdl.create_desc()
                ret = acl.mdl.get_desc(desc, model_id)
                if ret == ACL_SUCCESS:
                    print("detect:", detect(model_id, acl.mdl.get_input_size_by_index(desc, 0)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
