"""ACL103: dynamic-batch inference rebuilds the input dataset for every batch
size; memory and data buffers are released in the same iteration, but the
dataset created at the top of the loop body is never destroyed.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models",
                          "resnet50_dynamic_batch.json")


def sweep_batches(model_id, desc, output_ds):
    index, ret = acl.mdl.get_input_index_by_name(desc, "ascend_mbatch_shape_data")
    if ret != ACL_SUCCESS:
        return ret
    data_size = acl.mdl.get_input_size_by_index(desc, 0)
    shape_size = acl.mdl.get_input_size_by_index(desc, index)
    for batch in [1, 2, 4, 8]:
        input_ds = acl.mdl.create_dataset()  # expect: ACL103
        data_ptr, ret = acl.rt.malloc(data_size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            return ret
        shape_ptr, ret = acl.rt.malloc(shape_size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            acl.rt.free(data_ptr)
            return ret
        data_buf = acl.create_data_buffer(data_ptr, data_size)
        shape_buf = acl.create_data_buffer(shape_ptr, shape_size)
        _, ret = acl.mdl.add_dataset_buffer(input_ds, data_buf)
        if ret == ACL_SUCCESS:
            _, ret = acl.mdl.add_dataset_buffer(input_ds, shape_buf)
        if ret == ACL_SUCCESS:
            ret = acl.mdl.set_dynamic_batch_size(model_id, input_ds, index, batch)
        if ret == ACL_SUCCESS:
            ret = acl.mdl.execute(model_id, input_ds, output_ds)
        print("batch", batch, "->", ret)
        acl.rt.free(data_ptr)
        acl.rt.free(shape_ptr)
        acl.destroy_data_buffer(data_buf)
        acl.destroy_data_buffer(shape_buf)
    return ACL_SUCCESS


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
                            print("sweep:", sweep_batches(model_id, desc, output_ds))
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
