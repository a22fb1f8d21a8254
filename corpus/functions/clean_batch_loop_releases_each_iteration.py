"""Per-item resources inside a loop, released in the same iteration on every
path: the `continue` on a failed upload frees the buffer first, and the
per-item input dataset is torn down at the end of each iteration.
Look-alike of ACL102/ACL103 that must stay silent.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "mobilenet_v2.om")


def classify_all(model_id, images, in_size, output_ds):
    done = 0
    for image in images:
        in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            continue
        ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(image), len(image), ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            acl.rt.free(in_ptr)
            continue
        input_ds = acl.mdl.create_dataset()
        in_buf = acl.create_data_buffer(in_ptr, in_size)
        _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
        if ret == ACL_SUCCESS:
            ret = acl.mdl.execute(model_id, input_ds, output_ds)
        if ret == ACL_SUCCESS:
            done += 1
        acl.rt.free(in_ptr)
        acl.destroy_data_buffer(in_buf)
        acl.mdl.destroy_dataset(input_ds)
    return done


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
                    in_size = acl.mdl.get_input_size_by_index(desc, 0)
                    out_size = acl.mdl.get_output_size_by_index(desc, 0)
                    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
                    if ret == ACL_SUCCESS:
                        output_ds = acl.mdl.create_dataset()
                        out_buf = acl.create_data_buffer(out_ptr, out_size)
                        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
                        if ret == ACL_SUCCESS:
                            images = [bytes(in_size) for _ in range(3)]
                            print("classified:", classify_all(model_id, images, in_size, output_ds))
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
