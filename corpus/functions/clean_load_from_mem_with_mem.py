"""load_from_mem_with_mem: the offline model is staged in malloc_host memory
(host memory on a host, device memory when running on the device, as
load_from_mem requires), work/weight memory come from query_size, and all of
it is released only after unload. Clean (ACL206 look-alike).
"""
import os

import acl

ACL_SUCCESS = 0
ACL_HOST = 1
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_HOST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "mobilenet_v2.om")


def stage_model_file(path):
    """Returns (model_ptr, model_size, ret); the caller frees model_ptr with free_host."""
    with open(path, "rb") as fh:
        data = fh.read()
    run_mode, ret = acl.rt.get_run_mode()
    if ret != ACL_SUCCESS:
        return 0, 0, ret
    kind = ACL_MEMCPY_HOST_TO_HOST if run_mode == ACL_HOST else ACL_MEMCPY_HOST_TO_DEVICE
    model_ptr, ret = acl.rt.malloc_host(len(data))
    if ret != ACL_SUCCESS:
        return 0, 0, ret
    ret = acl.rt.memcpy(model_ptr, len(data), acl.util.bytes_to_ptr(data), len(data), kind)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(model_ptr)
        return 0, 0, ret
    return model_ptr, len(data), ACL_SUCCESS


def load_and_describe(path):
    model_ptr, model_size, ret = stage_model_file(path)
    if ret != ACL_SUCCESS:
        return ret
    work_size, weight_size, ret = acl.mdl.query_size(path)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(model_ptr)
        return ret
    work_ptr, ret = acl.rt.malloc(work_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(model_ptr)
        return ret
    weight_ptr, ret = acl.rt.malloc(weight_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(work_ptr)
        acl.rt.free_host(model_ptr)
        return ret
    model_id, ret = acl.mdl.load_from_mem_with_mem(model_ptr, model_size, work_ptr, work_size,
                                                   weight_ptr, weight_size)
    if ret == ACL_SUCCESS:
        desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(desc, model_id)
        if ret == ACL_SUCCESS:
            print("inputs:", acl.mdl.get_num_inputs(desc), "outputs:", acl.mdl.get_num_outputs(desc))
        acl.mdl.destroy_desc(desc)
        acl.mdl.unload(model_id)
    acl.rt.free(work_ptr)
    acl.rt.free(weight_ptr)
    acl.rt.free_host(model_ptr)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print("load_and_describe:", load_and_describe(MODEL_PATH))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
