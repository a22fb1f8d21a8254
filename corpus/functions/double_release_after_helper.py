"""ACL301: release_dataset() already frees the memory, destroys the buffers and
the dataset (it counts as a release of its argument), and the caller then
destroys the dataset a second time.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def release_dataset(dataset):
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        buf = acl.mdl.get_dataset_buffer(dataset, i)
        acl.rt.free(acl.get_data_buffer_addr(buf))
        acl.destroy_data_buffer(buf)
    acl.mdl.destroy_dataset(dataset)


def build_dataset(size):
    dataset = acl.mdl.create_dataset()
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.mdl.destroy_dataset(dataset)
        return None
    buf = acl.create_data_buffer(ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
    if ret != ACL_SUCCESS:
        acl.rt.free(ptr)
        acl.destroy_data_buffer(buf)
        acl.mdl.destroy_dataset(dataset)
        return None
    return dataset


def infer(model_id, in_size, out_size):
    input_ds = build_dataset(in_size)
    if input_ds is None:
        return -1
    output_ds = build_dataset(out_size)
    if output_ds is None:
        release_dataset(input_ds)
        return -1
    ret = acl.mdl.execute(model_id, input_ds, output_ds)
    release_dataset(input_ds)
    release_dataset(output_ds)
    acl.mdl.destroy_dataset(output_ds)  # expect: ACL301
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
                    print("infer:", infer(model_id, acl.mdl.get_input_size_by_index(desc, 0),
                                          acl.mdl.get_output_size_by_index(desc, 0)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
