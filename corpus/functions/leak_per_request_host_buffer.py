"""ACL103: every request in the serving loop allocates pinned host memory to
read the scores back; the bytes are kept, the host memory is never freed.
The device memory allocated once before the loop is released correctly.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def serve(model_id, in_size, out_size, requests):
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return []
    out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return []
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(out_ptr, out_size)
    answers = []
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        for request in requests:
            ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(request), len(request),
                                ACL_MEMCPY_HOST_TO_DEVICE)
            if ret != ACL_SUCCESS:
                break
            ret = acl.mdl.execute(model_id, input_ds, output_ds)
            if ret != ACL_SUCCESS:
                break
            host_ptr, ret = acl.rt.malloc_host(out_size)  # expect: ACL103
            if ret != ACL_SUCCESS:
                break
            ret = acl.rt.memcpy(host_ptr, out_size, out_ptr, out_size, ACL_MEMCPY_DEVICE_TO_HOST)
            if ret == ACL_SUCCESS:
                answers.append(acl.util.ptr_to_bytes(host_ptr, out_size))
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    return answers


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
                    answers = serve(model_id, in_size, out_size, [bytes(in_size) for _ in range(3)])
                    print("answers:", len(answers))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
