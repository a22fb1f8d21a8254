"""Dynamic outputs: the output buffer is created with create_data_buffer(0, 0)
so the system allocates it during execute. After every execute the result is
copied out, the system memory is freed and update_data_buffer(buf, 0, 0)
resets the buffer before the next execute. Clean look-alike of ACL204.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
FRAMES = 3
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


def copy_to_host(dev_ptr, size):
    host_ptr, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        return None
    data = None
    ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
    if ret == ACL_SUCCESS:
        data = acl.util.ptr_to_bytes(host_ptr, size)
    acl.rt.free_host(host_ptr)
    return data


def detect_frames(model_id, in_size):
    in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return 0
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(in_ptr, in_size)
    out_buf = acl.create_data_buffer(0, 0)
    done = 0
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        for _frame in range(FRAMES):
            ret = acl.mdl.execute(model_id, input_ds, output_ds)
            if ret != ACL_SUCCESS:
                print("execute failed", ret)
                break
            # the system allocated the output: copy it, free it, reset the buffer
            dev_ptr = acl.get_data_buffer_addr(out_buf)
            size = acl.get_data_buffer_size_v2(out_buf)
            if copy_to_host(dev_ptr, size) is not None:
                done += 1
            acl.rt.free(dev_ptr)
            ret = acl.update_data_buffer(out_buf, 0, 0)
            if ret != ACL_SUCCESS:
                print("update_data_buffer failed", ret)
                break
    acl.rt.free(in_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
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
                    print("frames:", detect_frames(model_id, acl.mdl.get_input_size_by_index(desc, 0)))
                acl.mdl.destroy_desc(desc)
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
