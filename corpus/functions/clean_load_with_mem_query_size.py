"""User-managed model memory: query_size -> malloc work and weight memory ->
load_from_file_with_mem -> execute -> unload -> free. The work/weight memory
is freed only after the model is unloaded (look-alike of ACL206). Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed, ret={}".format(message, ret))


def execute_once(model_id):
    desc = acl.mdl.create_desc()
    try:
        check_ret("get_desc", acl.mdl.get_desc(desc, model_id))
        in_size = acl.mdl.get_input_size_by_index(desc, 0)
        out_size = acl.mdl.get_output_size_by_index(desc, 0)
    finally:
        acl.mdl.destroy_desc(desc)
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    try:
        in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("malloc input", ret)
        in_buf = acl.create_data_buffer(in_ptr, in_size)
        try:
            out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("malloc output", ret)
            out_buf = acl.create_data_buffer(out_ptr, out_size)
            try:
                check_ret("add input", acl.mdl.add_dataset_buffer(input_ds, in_buf)[1])
                check_ret("add output", acl.mdl.add_dataset_buffer(output_ds, out_buf)[1])
                check_ret("execute", acl.mdl.execute(model_id, input_ds, output_ds))
            finally:
                acl.rt.free(out_ptr)
                acl.destroy_data_buffer(out_buf)
        finally:
            acl.rt.free(in_ptr)
            acl.destroy_data_buffer(in_buf)
    finally:
        acl.mdl.destroy_dataset(input_ds)
        acl.mdl.destroy_dataset(output_ds)


def run_with_user_memory(path):
    work_size, weight_size, ret = acl.mdl.query_size(path)
    check_ret("query_size", ret)
    work_ptr, ret = acl.rt.malloc(work_size, ACL_MEM_MALLOC_HUGE_FIRST)
    check_ret("malloc work", ret)
    try:
        weight_ptr, ret = acl.rt.malloc(weight_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("malloc weight", ret)
        try:
            model_id, ret = acl.mdl.load_from_file_with_mem(path, work_ptr, work_size, weight_ptr, weight_size)
            check_ret("load_from_file_with_mem", ret)
            try:
                execute_once(model_id)
            finally:
                acl.mdl.unload(model_id)
        finally:
            acl.rt.free(weight_ptr)
    finally:
        acl.rt.free(work_ptr)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        check_ret("set_device", ret)
        try:
            context, ret = acl.rt.create_context(DEVICE_ID)
            check_ret("create_context", ret)
            try:
                run_with_user_memory(MODEL_PATH)
                print("done")
            finally:
                acl.rt.destroy_context(context)
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
