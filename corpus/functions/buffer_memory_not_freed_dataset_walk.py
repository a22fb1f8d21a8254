"""ACL106 with an acllite-style teardown that walks the dataset: every input
buffer is destroyed via get_dataset_buffer and the dataset is destroyed, but
the device memory the buffers wrapped (allocated in the build loop) is never
freed. One finding at the malloc in the loop.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "bert_base.json")


def encode(model_id, desc, output_ds):
    input_ds = acl.mdl.create_dataset()
    ret = ACL_SUCCESS
    for i in range(acl.mdl.get_num_inputs(desc)):
        size = acl.mdl.get_input_size_by_index(desc, i)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect: ACL106
        if ret != ACL_SUCCESS:
            break
        buf = acl.create_data_buffer(ptr, size)
        _, ret = acl.mdl.add_dataset_buffer(input_ds, buf)
        if ret != ACL_SUCCESS:
            acl.rt.free(ptr)
            acl.destroy_data_buffer(buf)
            break
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
    for i in range(acl.mdl.get_dataset_num_buffers(input_ds)):
        acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(input_ds, i))
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
                    out_size = acl.mdl.get_output_size_by_index(desc, 0)
                    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
                    if ret == ACL_SUCCESS:
                        output_ds = acl.mdl.create_dataset()
                        out_buf = acl.create_data_buffer(out_ptr, out_size)
                        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
                        if ret == ACL_SUCCESS:
                            print("encode:", encode(model_id, desc, output_ds))
                        acl.rt.free(out_ptr)
                        acl.destroy_data_buffer(out_buf)
                        acl.mdl.destroy_dataset(output_ds)
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
