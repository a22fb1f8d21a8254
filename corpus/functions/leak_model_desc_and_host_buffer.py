"""ACL101 on normal paths: get_io_sizes() creates a model desc and returns the
sizes without destroying it; fetch_scores() copies the output into pinned
host memory and returns the bytes but never frees that host memory.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def get_io_sizes(model_id):
    desc = acl.mdl.create_desc()  # expect: ACL101
    ret = acl.mdl.get_desc(desc, model_id)
    if ret != ACL_SUCCESS:
        acl.mdl.destroy_desc(desc)
        return None
    return acl.mdl.get_input_size_by_index(desc, 0), acl.mdl.get_output_size_by_index(desc, 0)


def fetch_scores(out_ptr, out_size):
    host_ptr, ret = acl.rt.malloc_host(out_size)  # expect: ACL101
    if ret != ACL_SUCCESS:
        return None
    ret = acl.rt.memcpy(host_ptr, out_size, out_ptr, out_size, ACL_MEMCPY_DEVICE_TO_HOST)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host_ptr)
        return None
    return acl.util.ptr_to_bytes(host_ptr, out_size)


def classify(model_id):
    sizes = get_io_sizes(model_id)
    if sizes is None:
        return None
    in_size, out_size = sizes
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return None
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    scores = None
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, input_ds, output_ds)
        if ret == ACL_SUCCESS:
            scores = fetch_scores(out_ptr, out_size)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    return scores


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
                scores = classify(model_id)
                print("scores:", None if scores is None else len(scores))
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
