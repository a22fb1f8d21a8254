"""ACL401: the model is loaded while the inference context is current; a second
context created for preprocessing becomes current (create_context binds it to
the thread), and the model is executed under it. The code switches back with
set_context before unload, so load and unload agree.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def alloc_dataset(size):
    """(dataset, buffer, dev_ptr) or None; release with release_dataset()."""
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    dataset = acl.mdl.create_dataset()
    buffer = acl.create_data_buffer(dev_ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        acl.destroy_data_buffer(buffer)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset, buffer, dev_ptr


def release_dataset(dataset, buffer, dev_ptr):
    acl.rt.free(dev_ptr)
    acl.destroy_data_buffer(buffer)
    acl.mdl.destroy_dataset(dataset)


def preprocess_and_infer(model_path):
    infer_ctx, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        return ret
    model_id, ret = acl.mdl.load_from_file(model_path)
    if ret != ACL_SUCCESS:
        acl.rt.destroy_context(infer_ctx)
        return ret
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret != ACL_SUCCESS:
        acl.mdl.destroy_desc(desc)
        acl.mdl.unload(model_id)
        acl.rt.destroy_context(infer_ctx)
        return ret
    in_size = acl.mdl.get_input_size_by_index(desc, 0)
    out_size = acl.mdl.get_output_size_by_index(desc, 0)
    acl.mdl.destroy_desc(desc)
    prep_ctx, ret = acl.rt.create_context(DEVICE_ID)
    if ret == ACL_SUCCESS:
        inputs = alloc_dataset(in_size)
        outputs = alloc_dataset(out_size)
        if inputs is not None and outputs is not None:
            ret = acl.mdl.execute(model_id, inputs[0], outputs[0])  # expect: ACL401
            print("execute:", ret)
        if inputs is not None:
            release_dataset(inputs[0], inputs[1], inputs[2])
        if outputs is not None:
            release_dataset(outputs[0], outputs[1], outputs[2])
        acl.rt.destroy_context(prep_ctx)
    ret = acl.rt.set_context(infer_ctx)
    print("back to the inference context:", ret)
    acl.mdl.unload(model_id)
    acl.rt.destroy_context(infer_ctx)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        print("preprocess_and_infer:", preprocess_and_infer(MODEL_PATH))
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
