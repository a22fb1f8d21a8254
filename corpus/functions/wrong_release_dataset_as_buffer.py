"""ACL303, the acllite _gen_input_dataset bug: the input dataset is released
with acl.destroy_data_buffer instead of acl.mdl.destroy_dataset (a wrong
release releases nothing, and the leak that follows from it is implied by the
ACL303: no extra finding). Also ACL303: device
memory from acl.rt.malloc given back with free_host.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def execute_image(model_id, image, out_size):
    in_ptr, ret = acl.rt.malloc(len(image), ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return ret
    ret = acl.rt.memcpy(in_ptr, len(image), acl.util.bytes_to_ptr(image), len(image), ACL_MEMCPY_HOST_TO_DEVICE)
    print("upload:", ret)
    input_dataset = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, len(image))
    output_dataset = acl.mdl.create_dataset()
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    _, in_ret = acl.mdl.add_dataset_buffer(input_dataset, in_buf)
    _, out_ret = acl.mdl.add_dataset_buffer(output_dataset, out_buf)
    if in_ret == ACL_SUCCESS and out_ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_dataset, output_dataset)
    acl.rt.free_host(in_ptr)  # expect: ACL303
    acl.destroy_data_buffer(in_buf)
    acl.destroy_data_buffer(input_dataset)  # expect: ACL303
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(output_dataset)
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
                    image = bytes(acl.mdl.get_input_size_by_index(desc, 0))
                    print("execute:", execute_image(model_id, image, acl.mdl.get_output_size_by_index(desc, 0)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
