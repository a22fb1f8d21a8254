"""Several models kept in a dict {name: {"id": model_id, "desc": desc}}: each
loaded model and its desc are stored in the registry as soon as they exist,
and unload_all() releases every entry in a loop over the dict values.
Clean.
"""
import os

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")


def load_all(names):
    registry = {}
    for name in names:
        model_id, ret = acl.mdl.load_from_file(os.path.join(MODELS, name))
        if ret != ACL_SUCCESS:
            print("skip", name, ret)
            continue
        desc = acl.mdl.create_desc()
        registry[name] = {"id": model_id, "desc": desc}
        ret = acl.mdl.get_desc(desc, model_id)
        if ret != ACL_SUCCESS:
            print("no desc for", name, ret)
    return registry


def unload_all(registry):
    for entry in registry.values():
        acl.mdl.unload(entry["id"])
        acl.mdl.destroy_desc(entry["desc"])
    registry.clear()


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            registry = load_all(["resnet50.json", "yolov5s.json", "bert_base.json"])
            for name, entry in registry.items():
                print(name, "inputs:", acl.mdl.get_num_inputs(entry["desc"]))
            unload_all(registry)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
