"""ACL501 in a quick-and-dirty script: statuses of acquire/use calls are
dropped (bare call statements, `_` for the status, a status overwritten
before it is read, a status read by nobody before the function ends).
Resources are all released, so nothing else is reported.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def infer(model_id, desc, stream):
    in_size = acl.mdl.get_input_size_by_index(desc, 0)
    out_size = acl.mdl.get_output_size_by_index(desc, 0)
    in_ptr, _ = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL501
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return ret
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    input_ds, _ = acl.mdl.add_dataset_buffer(input_ds, in_buf)  # expect[static]: ACL501
    acl.mdl.add_dataset_buffer(output_ds, out_buf)  # expect[static]: ACL501
    image = bytes(in_size)
    ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(image), in_size, ACL_MEMCPY_HOST_TO_DEVICE)  # expect[static]: ACL501
    ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream)
    if ret != ACL_SUCCESS:
        print("execute_async failed", ret)
    ret = acl.rt.synchronize_stream(stream)  # expect[static]: ACL501
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)


def main():
    acl.init()  # expect[static]: ACL501
    acl.rt.set_device(DEVICE_ID)  # expect[static]: ACL501
    context, _ = acl.rt.create_context(DEVICE_ID)  # expect[static]: ACL501
    stream, ret = acl.rt.create_stream()
    if ret == ACL_SUCCESS:
        model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
        if ret == ACL_SUCCESS:
            desc = acl.mdl.create_desc()
            acl.mdl.get_desc(desc, model_id)  # expect[static]: ACL501
            infer(model_id, desc, stream)
            acl.mdl.destroy_desc(desc)
            acl.mdl.unload(model_id)
        acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
