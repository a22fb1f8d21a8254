"""Release helpers defined in the same file: release_dataset(dataset) frees the
memory of every buffer, destroys the buffers and the dataset on all paths,
and release_model(model_id, desc) unloads and destroys the desc. Calling
them counts as releasing their arguments, on every exit of the callers.
Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "bert_base.json")


def release_dataset(dataset):
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        data_buf = acl.mdl.get_dataset_buffer(dataset, i)
        acl.rt.free(acl.get_data_buffer_addr(data_buf))
        acl.destroy_data_buffer(data_buf)
    acl.mdl.destroy_dataset(dataset)


def release_model(model_id, desc):
    acl.mdl.unload(model_id)
    acl.mdl.destroy_desc(desc)


def add_device_buffer(dataset, size):
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    data_buf = acl.create_data_buffer(ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, data_buf)
    if ret != ACL_SUCCESS:
        acl.rt.free(ptr)
        acl.destroy_data_buffer(data_buf)
    return ret


def encode(model_id, desc):
    input_ds = acl.mdl.create_dataset()
    for i in range(acl.mdl.get_num_inputs(desc)):
        ret = add_device_buffer(input_ds, acl.mdl.get_input_size_by_index(desc, i))
        if ret != ACL_SUCCESS:
            release_dataset(input_ds)
            return ret
    output_ds = acl.mdl.create_dataset()
    ret = add_device_buffer(output_ds, acl.mdl.get_output_size_by_index(desc, 0))
    if ret != ACL_SUCCESS:
        release_dataset(input_ds)
        release_dataset(output_ds)
        return ret
    ret = acl.mdl.execute(model_id, input_ds, output_ds)
    release_dataset(input_ds)
    release_dataset(output_ds)
    return ret


def run(path):
    model_id, ret = acl.mdl.load_from_file(path)
    if ret != ACL_SUCCESS:
        return ret
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret != ACL_SUCCESS:
        release_model(model_id, desc)
        return ret
    ret = encode(model_id, desc)
    release_model(model_id, desc)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print("run:", run(MODEL_PATH))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
