"""Fully asynchronous pipeline on one stream: memcpy_async H2D from pinned host
memory, execute_async, memcpy_async D2H, then a single synchronize_stream
before anything is read or released. Async calls on the same stream are
ordered, so chaining them without intermediate syncs is fine. Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def pipeline(model_id, in_size, out_size, stream):
    host_in, ret = acl.rt.malloc_host(in_size)
    if ret != ACL_SUCCESS:
        return None
    host_out, ret = acl.rt.malloc_host(out_size)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host_in)
        return None
    dev_in, ret = acl.rt.malloc(in_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free_host(host_in)
        acl.rt.free_host(host_out)
        return None
    dev_out, ret = acl.rt.malloc(out_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_in)
        acl.rt.free_host(host_in)
        acl.rt.free_host(host_out)
        return None
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    in_buf = acl.create_data_buffer(dev_in, in_size)
    out_buf = acl.create_data_buffer(dev_out, out_size)
    _, ret = acl.mdl.add_dataset_buffer(input_ds, in_buf)
    if ret == ACL_SUCCESS:
        _, ret = acl.mdl.add_dataset_buffer(output_ds, out_buf)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy_async(dev_in, in_size, host_in, in_size, ACL_MEMCPY_HOST_TO_DEVICE, stream)
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy_async(host_out, out_size, dev_out, out_size, ACL_MEMCPY_DEVICE_TO_HOST, stream)
    sync_ret = acl.rt.synchronize_stream(stream)
    result = None
    if ret == ACL_SUCCESS and sync_ret == ACL_SUCCESS:
        result = acl.util.ptr_to_bytes(host_out, out_size)
    acl.rt.free(dev_in)
    acl.destroy_data_buffer(in_buf)
    acl.rt.free(dev_out)
    acl.destroy_data_buffer(out_buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    acl.rt.free_host(host_in)
    acl.rt.free_host(host_out)
    return result


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
                if ret == ACL_SUCCESS:
                    desc = acl.mdl.create_desc()
                    ret = acl.mdl.get_desc(desc, model_id)
                    if ret == ACL_SUCCESS:
                        result = pipeline(model_id, acl.mdl.get_input_size_by_index(desc, 0),
                                          acl.mdl.get_output_size_by_index(desc, 0), stream)
                        print("ok" if result else "failed")
                    acl.mdl.destroy_desc(desc)
                    acl.mdl.unload(model_id)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
