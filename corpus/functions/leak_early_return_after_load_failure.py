"""ACL102 on the error path of a sample-style setup: when load_from_file fails
the function logs and returns, leaving the ACL process, the device, the
context and the stream acquired before it. One missing cleanup at one exit is
one finding, at the first acquire, naming the other three handles. The model's
own failure branch leaks nothing of the model. On success everything is torn down.
"""
import os
import sys

import acl

ACL_SUCCESS = 0
FAILED = 1
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def log_error(*args):
    print("[ERROR]", *args, file=sys.stderr)


def run(model_path):
    ret = acl.init()  # expect[static]: ACL102
    if ret != ACL_SUCCESS:
        log_error("acl.init failed", ret)
        return FAILED
    ret = acl.rt.set_device(DEVICE_ID)
    if ret != ACL_SUCCESS:
        log_error("set_device failed", ret)
        acl.finalize()
        return FAILED
    context, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        log_error("create_context failed", ret)
        acl.rt.reset_device(DEVICE_ID)
        acl.finalize()
        return FAILED
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        log_error("create_stream failed", ret)
        acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
        acl.finalize()
        return FAILED
    model_id, ret = acl.mdl.load_from_file(model_path)
    if ret != ACL_SUCCESS:
        log_error("load model failed", model_path, ret)
        return FAILED
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret == ACL_SUCCESS:
        print("model has", acl.mdl.get_num_inputs(desc), "inputs")
    acl.mdl.destroy_desc(desc)
    acl.mdl.unload(model_id)
    acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()
    return ret


def main():
    print("run:", run(MODEL_PATH))


if __name__ == "__main__":
    main()
