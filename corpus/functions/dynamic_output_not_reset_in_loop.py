"""ACL204: the output buffer is created with create_data_buffer(0, 0), but the
loop executes again without freeing the system-allocated output and calling
update_data_buffer(buf, 0, 0); only the last result is freed after the loop.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


def read_boxes(out_buf):
    dev_ptr = acl.get_data_buffer_addr(out_buf)
    size = acl.get_data_buffer_size_v2(out_buf)
    host_ptr, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        return None
    boxes = None
    ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
    if ret == ACL_SUCCESS:
        boxes = acl.util.ptr_to_bytes(host_ptr, size)
    acl.rt.free_host(host_ptr)
    return boxes


def detect_video(model_id, in_size, frames):
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return []
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(0, 0)
    results = []
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        for _ in range(frames):
            ret = acl.mdl.execute(model_id, input_ds, output_ds)  # expect: ACL204
            if ret != ACL_SUCCESS:
                break
            results.append(read_boxes(out_buf))
        if results:
            acl.rt.free(acl.get_data_buffer_addr(out_buf))
            ret = acl.update_data_buffer(out_buf, 0, 0)
            print("reset:", ret)
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
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
                    print(len(detect_video(model_id, acl.mdl.get_input_size_by_index(desc, 0), 4)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
