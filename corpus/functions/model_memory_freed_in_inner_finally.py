"""ACL206: try/finally blocks nested the wrong way round. The model is loaded
from memory with user work/weight memory; the inner finally frees that memory
and only the outer finally unloads the model.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_HOST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed: {}".format(message, ret))


def load_model(path):
    with open(path, "rb") as fh:
        blob = fh.read()
    work_size, weight_size, ret = acl.mdl.query_size(path)
    check_ret("query_size", ret)
    work_ptr, ret = acl.rt.malloc(work_size, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("malloc work", ret)
    try:
        weight_ptr, ret = acl.rt.malloc(weight_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("malloc weight", ret)
        try:
            model_id, ret = acl.mdl.load_from_mem_with_mem(acl.util.bytes_to_ptr(blob), len(blob),
                                                           work_ptr, work_size, weight_ptr, weight_size)
            check_ret("load_from_mem_with_mem", ret)
        except RuntimeError:
            acl.rt.free(weight_ptr)
            raise
    except RuntimeError:
        acl.rt.free(work_ptr)
        raise
    try:
        try:
            desc = acl.mdl.create_desc()
            ret = acl.mdl.get_desc(desc, model_id)
            print("get_desc:", ret, "inputs:", acl.mdl.get_num_inputs(desc))
            acl.mdl.destroy_desc(desc)
        finally:
            acl.rt.free(work_ptr)  # expect: ACL206
            acl.rt.free(weight_ptr)  # expect: ACL206
    finally:
        acl.mdl.unload(model_id)


def main():
    ret = acl.init()
    check_ret("init", ret)
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        check_ret("set_device", ret)
        try:
            load_model(MODEL_PATH)
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
