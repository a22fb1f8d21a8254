"""ACL107: the input memory is freed and the input dataset destroyed, but the
data buffers that were added to it are never destroyed (destroy_dataset does
not destroy them). One finding per orphaned buffer, at create_data_buffer.
The output dataset is torn down completely.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "bert_base.json")


def run_pair(model_id, ids_size, mask_size, types_size, out_size):
    ptrs = []
    for size in [ids_size, mask_size, types_size, out_size]:
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            for allocated in ptrs:
                acl.rt.free(allocated)
            return ret
        ptrs.append(ptr)
    input_ds = acl.mdl.create_dataset()
    ids_buf = acl.create_data_buffer(ptrs[0], ids_size)  # expect: ACL107
    mask_buf = acl.create_data_buffer(ptrs[1], mask_size)  # expect: ACL107
    types_buf = acl.create_data_buffer(ptrs[2], types_size)  # expect: ACL107
    output_ds = acl.mdl.create_dataset()
    out_buf = acl.create_data_buffer(ptrs[3], out_size)
    _, ids_ret = acl.mdl.add_dataset_buffer(input_ds, ids_buf)
    _, mask_ret = acl.mdl.add_dataset_buffer(input_ds, mask_buf)
    _, types_ret = acl.mdl.add_dataset_buffer(input_ds, types_buf)
    _, out_ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    ret = ids_ret or mask_ret or types_ret or out_ret
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
    for ptr in ptrs:
        acl.rt.free(ptr)
    acl.mdl.destroy_dataset(input_ds)
    acl.destroy_data_buffer(out_buf)
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
                    sizes = [acl.mdl.get_input_size_by_index(desc, i) for i in range(3)]
                    print("run_pair:", run_pair(model_id, sizes[0], sizes[1], sizes[2],
                                                acl.mdl.get_output_size_by_index(desc, 0)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
