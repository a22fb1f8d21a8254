"""Two contexts on one device, used correctly: each model is loaded, executed
and unloaded while its own context is current (set_context before each
phase), and each stream is used and destroyed under the context it was
created in. Clean look-alike of ACL401.
"""
import os

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")


def num_outputs(model_id):
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    count = acl.mdl.get_num_outputs(desc) if ret == ACL_SUCCESS else -1
    acl.mdl.destroy_desc(desc)
    return count


def two_pipelines():
    det_ctx, ret = acl.rt.create_context(DEVICE_ID)
    if ret != ACL_SUCCESS:
        return ret
    det_stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        acl.rt.destroy_context(det_ctx)
        return ret
    det_model, det_ret = acl.mdl.load_from_file(os.path.join(MODELS, "yolov5s.json"))
    cls_ctx, ret = acl.rt.create_context(DEVICE_ID)
    if ret == ACL_SUCCESS:
        cls_model, cls_ret = acl.mdl.load_from_file(os.path.join(MODELS, "resnet50.json"))
        if cls_ret == ACL_SUCCESS:
            print("classifier outputs:", num_outputs(cls_model))
            acl.mdl.unload(cls_model)
        ret = acl.rt.set_context(det_ctx)
        print("switch to detector context:", ret)
        acl.rt.destroy_context(cls_ctx)
    if det_ret == ACL_SUCCESS:
        print("detector outputs:", num_outputs(det_model))
        acl.mdl.unload(det_model)
    ret = acl.rt.synchronize_stream(det_stream)
    acl.rt.destroy_stream(det_stream)
    acl.rt.destroy_context(det_ctx)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        print("two_pipelines:", two_pipelines())
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
