"""ACL301: the service switches from the fp32 model to a second model; the
first model is unloaded at the switch, and the final cleanup unloads
every model id it ever loaded, so the first one is unloaded twice.
"""
import os

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")


def output_count(model_id):
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    count = acl.mdl.get_num_outputs(desc) if ret == ACL_SUCCESS else 0
    acl.mdl.destroy_desc(desc)
    return count


def serve_then_switch():
    first_id, ret = acl.mdl.load_from_file(os.path.join(MODELS, "resnet50.json"))
    if ret != ACL_SUCCESS:
        return ret
    print("first model outputs:", output_count(first_id))
    acl.mdl.unload(first_id)
    second_id, ret = acl.mdl.load_from_file(os.path.join(MODELS, "mobilenet_v2.om"))
    if ret != ACL_SUCCESS:
        return ret
    print("second model outputs:", output_count(second_id))
    acl.mdl.unload(second_id)
    acl.mdl.unload(first_id)  # expect: ACL301
    return ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print("serve:", serve_then_switch())
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
