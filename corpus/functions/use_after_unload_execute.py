"""ACL302: the model is unloaded as soon as the batch of requests is done, and
a queued late request is then executed with the unloaded model id. Datasets
and memory are released correctly afterwards.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def serve(requests):
    model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
    if ret != ACL_SUCCESS:
        return ret
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    in_size = acl.mdl.get_input_size_by_index(desc, 0) if ret == ACL_SUCCESS else 0
    out_size = acl.mdl.get_output_size_by_index(desc, 0) if ret == ACL_SUCCESS else 0
    acl.mdl.destroy_desc(desc)
    if ret != ACL_SUCCESS:
        acl.mdl.unload(model_id)
        return ret
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.mdl.unload(model_id)
        return ret
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        acl.mdl.unload(model_id)
        return ret
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    _, in_ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    _, out_ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    print("datasets:", in_ret, out_ret)
    for index in range(requests):
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
        print("request", index, "->", ret)
    acl.mdl.unload(model_id)
    # a late request that was queued while the batch ran
    ret = acl.mdl.execute(model_id, input_ds, output_ds)  # expect: ACL302
    print("late request ->", ret)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    return ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print("serve:", serve(3))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
