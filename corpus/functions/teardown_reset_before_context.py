"""ACL203: reset_device is called while an explicitly created context of that
device is still alive, and the context is destroyed only afterwards (the
docs: destroy_stream -> destroy_context -> reset_device).
"""
import os

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "mobilenet_v2.om")


def probe_model(path):
    model_id, ret = acl.mdl.load_from_file(path)
    if ret != ACL_SUCCESS:
        return ret
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret == ACL_SUCCESS:
        print("outputs:", acl.mdl.get_num_outputs(desc))
    acl.mdl.destroy_desc(desc)
    acl.mdl.unload(model_id)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret != ACL_SUCCESS:
        acl.finalize()
        return
    context, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        acl.rt.reset_device(DEVICE_ID)
        acl.finalize()
        return
    print("probe:", probe_model(MODEL_PATH))
    acl.rt.reset_device(DEVICE_ID)  # expect: ACL203
    acl.rt.destroy_context(context)
    acl.finalize()


if __name__ == "__main__":
    main()
