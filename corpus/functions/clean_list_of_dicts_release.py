"""acllite-style bookkeeping: every output buffer is recorded as
{"buffer": ptr, "size": n} in a list, and teardown frees them with
`for item in lst: acl.rt.free(item["buffer"])` before destroying the data
buffers and the dataset. Allocation inside the loop is collected, not leaked
(look-alike of ACL103). Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


def create_output_dataset(desc):
    """Returns (dataset, buffer_list); the list holds {"buffer": ptr, "size": n} dicts."""
    dataset = acl.mdl.create_dataset()
    output_info = []
    for i in range(acl.mdl.get_num_outputs(desc)):
        size = acl.mdl.get_output_size_by_index(desc, i)
        ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_NORMAL_ONLY)
        if ret != ACL_SUCCESS:
            destroy_output_dataset(dataset, output_info)
            return None, []
        data_buf = acl.create_data_buffer(ptr, size)
        _, ret = acl.mdl.add_dataset_buffer(dataset, data_buf)
        if ret != ACL_SUCCESS:
            acl.rt.free(ptr)
            acl.destroy_data_buffer(data_buf)
            destroy_output_dataset(dataset, output_info)
            return None, []
        output_info.append({"buffer": ptr, "size": size})
    return dataset, output_info


def destroy_output_dataset(dataset, output_info):
    for item in output_info:
        acl.rt.free(item["buffer"])
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(dataset, i))
    acl.mdl.destroy_dataset(dataset)


def read_outputs(output_info):
    results = []
    for item in output_info:
        host_ptr, ret = acl.rt.malloc_host(item["size"])
        if ret != ACL_SUCCESS:
            break
        ret = acl.rt.memcpy(host_ptr, item["size"], item["buffer"], item["size"], ACL_MEMCPY_DEVICE_TO_HOST)
        if ret == ACL_SUCCESS:
            results.append(acl.util.ptr_to_bytes(host_ptr, item["size"]))
        acl.rt.free_host(host_ptr)
    return results


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
                    output_ds, output_info = create_output_dataset(desc)
                    if output_ds is not None:
                        in_size = acl.mdl.get_input_size_by_index(desc, 0)
                        in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_NORMAL_ONLY)
                        if ret == ACL_SUCCESS:
                            input_ds = acl.mdl.create_dataset()
                            in_buf = acl.create_data_buffer(in_ptr, in_size)
                            _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
                            if ret == ACL_SUCCESS:
                                ret = acl.mdl.execute(model_id, input_ds, output_ds)
                            if ret == ACL_SUCCESS:
                                print("outputs:", [len(r) for r in read_outputs(output_info)])
                            acl.rt.free(in_ptr)
                            acl.destroy_data_buffer(in_buf)
                            acl.mdl.destroy_dataset(input_ds)
                        destroy_output_dataset(output_ds, output_info)
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
