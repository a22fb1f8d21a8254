"""acllite style: check_ret() raises on a non-zero status.

Each resource is acquired and checked, and only then protected by a
try/finally that releases it, so an exception from any later check_ret
releases everything already held. Device memory is freed before the data
buffer wrapping it is destroyed, buffers before their dataset. Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def fetch_output(dev_ptr, size):
    host_ptr, ret = acl.rt.malloc_host(size)
    check_ret("acl.rt.malloc_host", ret)
    try:
        ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
        check_ret("acl.rt.memcpy", ret)
        return acl.util.ptr_to_bytes(host_ptr, size)
    finally:
        acl.rt.free_host(host_ptr)


def run_inference(model_id, in_size, out_size):
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    try:
        in_ptr, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
        check_ret("acl.rt.malloc", ret)
        in_buf = acl.create_data_buffer(in_ptr, in_size)
        try:
            out_ptr, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
            check_ret("acl.rt.malloc", ret)
            out_buf = acl.create_data_buffer(out_ptr, out_size)
            try:
                _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
                check_ret("acl.mdl.add_dataset_buffer", ret)
                _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
                check_ret("acl.mdl.add_dataset_buffer", ret)
                image = bytes(in_size)
                ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(image), in_size,
                                    ACL_MEMCPY_HOST_TO_DEVICE)
                check_ret("acl.rt.memcpy", ret)
                check_ret("acl.mdl.execute", acl.mdl.execute(model_id, input_ds, output_ds))
                return fetch_output(out_ptr, out_size)
            finally:
                acl.rt.free(out_ptr)
                acl.destroy_data_buffer(out_buf)
        finally:
            acl.rt.free(in_ptr)
            acl.destroy_data_buffer(in_buf)
    finally:
        acl.mdl.destroy_dataset(input_ds)
        acl.mdl.destroy_dataset(output_ds)


def run_model(path):
    model_id, ret = acl.mdl.load_from_file(path)
    check_ret("acl.mdl.load_from_file", ret)
    try:
        desc = acl.mdl.create_desc()
        try:
            check_ret("acl.mdl.get_desc", acl.mdl.get_desc(desc, model_id))
            in_size = acl.mdl.get_input_size_by_index(desc, 0)
            out_size = acl.mdl.get_output_size_by_index(desc, 0)
            return run_inference(model_id, in_size, out_size)
        finally:
            acl.mdl.destroy_desc(desc)
    finally:
        acl.mdl.unload(model_id)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        check_ret("acl.rt.set_device", ret)
        try:
            context, ret = acl.rt.create_context(DEVICE_ID)
            check_ret("acl.rt.create_context", ret)
            try:
                result = run_model(MODEL_PATH)
                print("output bytes:", len(result))
            finally:
                acl.rt.destroy_context(context)
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
