"""Releases registered as callbacks on a contextlib.ExitStack: each handle is
passed to stack.callback(...), a function acl-lint cannot see, so ownership
moves to the stack (no leak reported) and the stack really releases
everything in reverse order when the `with` block ends. Clean.
"""
import contextlib
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


class AclError(RuntimeError):
    pass


def check(ret, what):
    if ret != ACL_SUCCESS:
        raise AclError("{} failed with {}".format(what, ret))


def classify(model_path):
    with contextlib.ExitStack() as stack:
        model_id, ret = acl.mdl.load_from_file(model_path)
        check(ret, "load_from_file")
        stack.callback(acl.mdl.unload, model_id)
        desc = acl.mdl.create_desc()
        stack.callback(acl.mdl.destroy_desc, desc)
        check(acl.mdl.get_desc(desc, model_id), "get_desc")
        datasets = []
        for size in [acl.mdl.get_input_size_by_index(desc, 0), acl.mdl.get_output_size_by_index(desc, 0)]:
            dataset = acl.mdl.create_dataset()
            stack.callback(acl.mdl.destroy_dataset, dataset)
            dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check(ret, "malloc")
            buffer = acl.create_data_buffer(dev_ptr, size)
            stack.callback(acl.destroy_data_buffer, buffer)
            stack.callback(acl.rt.free, dev_ptr)
            _, ret = acl.mdl.add_dataset_buffer(dataset, buffer)
            check(ret, "add_dataset_buffer")
            datasets.append((dataset, dev_ptr, size))
        (input_ds, _, _), (output_ds, out_ptr, out_size) = datasets
        check(acl.mdl.execute(model_id, input_ds, output_ds), "execute")
        host_ptr, ret = acl.rt.malloc_host(out_size)
        check(ret, "malloc_host")
        stack.callback(acl.rt.free_host, host_ptr)
        check(acl.rt.memcpy(host_ptr, out_size, out_ptr, out_size, ACL_MEMCPY_DEVICE_TO_HOST), "memcpy")
        return acl.util.ptr_to_bytes(host_ptr, out_size)


def main():
    ret = acl.init()
    check(ret, "init")
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        check(ret, "set_device")
        try:
            context, ret = acl.rt.create_context(DEVICE_ID)
            check(ret, "create_context")
            try:
                print("scores:", len(classify(MODEL_PATH)))
            finally:
                acl.rt.destroy_context(context)
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
