"""Full teardown in the documented order, with every level present:
memory -> data buffer -> dataset, model unload, event and stream -> their
context -> reset_device -> finalize. Look-alike of ACL203 that must stay
silent (also for ACL107: every buffer is destroyed before its dataset).
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "bert_base.json")


def run_model(stream, event):
    model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
    if ret != ACL_SUCCESS:
        return ret
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    input_ds = acl.mdl.create_dataset()
    output_ds = acl.mdl.create_dataset()
    memory, buffers = [], []
    if ret == ACL_SUCCESS:
        plan = [(input_ds, acl.mdl.get_input_size_by_index(desc, i)) for i in range(acl.mdl.get_num_inputs(desc))]
        plan.append((output_ds, acl.mdl.get_output_size_by_index(desc, 0)))
        for dataset, size in plan:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                break
            memory.append(ptr)
            buf = acl.create_data_buffer(ptr, size)
            buffers.append(buf)
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            if ret != ACL_SUCCESS:
                break
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute_async(model_id, input_ds, output_ds, stream)
        if ret == ACL_SUCCESS:
            ret = acl.rt.record_event(event, stream)
        if ret == ACL_SUCCESS:
            ret = acl.rt.synchronize_event(event)
        sync_ret = acl.rt.synchronize_stream(stream)
        ret = ret or sync_ret
    for ptr in memory:
        acl.rt.free(ptr)
    for buf in buffers:
        acl.destroy_data_buffer(buf)
    acl.mdl.destroy_dataset(input_ds)
    acl.mdl.destroy_dataset(output_ds)
    acl.mdl.unload(model_id)
    acl.mdl.destroy_desc(desc)
    return ret


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
                event, ret = acl.rt.create_event()
                if ret == ACL_SUCCESS:
                    print("run_model:", run_model(stream, event))
                    acl.rt.destroy_event(event)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
