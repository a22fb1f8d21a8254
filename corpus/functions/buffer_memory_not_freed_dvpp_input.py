"""ACL106 with DVPP memory: the resized image in dvpp_malloc memory is wrapped
in a data buffer as the model input; after inference the buffer and dataset
are destroyed but the DVPP memory is never dvpp_free'd.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def infer_on_dvpp_image(model_id, image, out_size):
    image_ptr, ret = acl.media.dvpp_malloc(len(image))  # expect: ACL106
    if ret != ACL_SUCCESS:
        return ret
    ret = acl.rt.memcpy(image_ptr, len(image), acl.util.bytes_to_ptr(image), len(image), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(image_ptr)
        return ret
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_free(image_ptr)
        return ret
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(image_ptr, len(image))
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.destroy_data_buffer(out_buf)
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
                    in_size = acl.mdl.get_input_size_by_index(desc, 0)
                    out_size = acl.mdl.get_output_size_by_index(desc, 0)
                    print("infer:", infer_on_dvpp_image(model_id, bytes(in_size), out_size))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
