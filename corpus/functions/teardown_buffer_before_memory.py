"""mmdeploy-style teardown: the output dataset is destroyed before its buffer
(ACL203: the buffer handle is unreachable once its dataset is gone). The input
buffer is destroyed before the device memory it wraps is freed: no Huawei page
orders these two (the guide names both steps, its sample frees first), and a
destroyed buffer never reads its memory again, so that is not reported by
default (`buffer-free-order = true` asks for the samples' order).
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def forward(model_id, in_size, out_size):
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return ret
    input_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    output_ds = acl.mdl.create_dataset()
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    _, in_ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    _, out_ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    ret = in_ret or out_ret
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(in_ptr)
    acl.mdl.destroy_dataset(input_ds)
    acl.rt.free(out_ptr)
    acl.mdl.destroy_dataset(output_ds)  # expect: ACL203
    acl.destroy_data_buffer(out_buf)
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
                    print("forward:", forward(model_id, acl.mdl.get_input_size_by_index(desc, 0),
                                              acl.mdl.get_output_size_by_index(desc, 0)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
