"""Dynamic batch: the index of "ascend_mbatch_shape_data" comes from
get_input_index_by_name, the dynamic-shape input gets its own device buffer in
the input dataset, and set_dynamic_batch_size is called on the INPUT dataset
before every execute. Input datasets are rebuilt per batch (acllite style)
and fully torn down in the same iteration. Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
DYNAMIC_TENSOR_NAME = "ascend_mbatch_shape_data"
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models",
                          "resnet50_dynamic_batch.json")


def run_batches(model_id, desc, output_ds, batch_sizes):
    dyn_index, ret = acl.mdl.get_input_index_by_name(desc, DYNAMIC_TENSOR_NAME)
    if ret != ACL_SUCCESS:
        print("model has no dynamic batch input", ret)
        return 0
    executed = 0
    for batch in batch_sizes:
        input_ds = acl.mdl.create_dataset()
        pointers, buffers = [], []
        for i in range(acl.mdl.get_num_inputs(desc)):
            size = acl.mdl.get_input_size_by_index(desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                break
            pointers.append(ptr)
            buf = acl.create_data_buffer(ptr, size)
            buffers.append(buf)
            _, ret = acl.mdl.add_dataset_buffer(input_ds, buf)
            if ret != ACL_SUCCESS:
                break
        if ret == ACL_SUCCESS:
            ret = acl.mdl.set_dynamic_batch_size(model_id, input_ds, dyn_index, batch)
        if ret == ACL_SUCCESS:
            ret = acl.mdl.execute(model_id, input_ds, output_ds)
        if ret == ACL_SUCCESS:
            executed += 1
        for ptr in pointers:
            acl.rt.free(ptr)
        for buf in buffers:
            acl.destroy_data_buffer(buf)
        acl.mdl.destroy_dataset(input_ds)
    return executed


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
                            print("batches run:", run_batches(model_id, desc, output_ds, [1, 2, 8]))
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
