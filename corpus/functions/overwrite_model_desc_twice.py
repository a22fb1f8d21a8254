"""ACL104: a second create_desc() overwrites the first model desc (the block
was copied from a helper that printed the outputs), so only the second desc
is destroyed. At run time the first desc is a plain leak (ACL101).
"""
import os

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "bert_base.json")


def describe_model(model_id):
    desc = acl.mdl.create_desc()  # expect[static]: ACL104  # expect[runtime]: ACL101
    ret = acl.mdl.get_desc(desc, model_id)
    if ret != ACL_SUCCESS:
        acl.mdl.destroy_desc(desc)
        return ret
    for i in range(acl.mdl.get_num_inputs(desc)):
        print("input", i, acl.mdl.get_input_size_by_index(desc, i), "bytes")
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    if ret == ACL_SUCCESS:
        for i in range(acl.mdl.get_num_outputs(desc)):
            print("output", i, acl.mdl.get_output_size_by_index(desc, i), "bytes")
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
            model_id, ret = acl.mdl.load_from_file(MODEL_PATH)
            if ret == ACL_SUCCESS:
                print("describe:", describe_model(model_id))
                acl.mdl.unload(model_id)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
