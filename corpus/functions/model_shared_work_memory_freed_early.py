"""Two models loaded with one shared work buffer (allowed when they run
serially). ACL206: after the detector is unloaded the shared work memory is
freed although the classifier still uses it; its weight memory is freed
correctly after its own unload.

load_pair_correctly() does the same with the free after both unloads: silent.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
DETECTOR = os.path.join(MODELS, "yolov5s.json")
CLASSIFIER = os.path.join(MODELS, "resnet50.json")


def load_pair_correctly(work_ptr, work_size):
    det_id, ret = acl.mdl.load_from_file_with_mem(DETECTOR, work_ptr, work_size, 0, 0)
    if ret != ACL_SUCCESS:
        return ret
    cls_id, ret = acl.mdl.load_from_file_with_mem(CLASSIFIER, work_ptr, work_size, 0, 0)
    if ret == ACL_SUCCESS:
        acl.mdl.unload(cls_id)
    acl.mdl.unload(det_id)
    return ret


def load_pair_shared_work(work_ptr, work_size, weight_size):
    """Takes ownership of work_ptr."""
    weight_ptr, ret = acl.rt.malloc(weight_size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(work_ptr)
        return ret
    det_id, ret = acl.mdl.load_from_file_with_mem(DETECTOR, work_ptr, work_size, 0, 0)
    if ret != ACL_SUCCESS:
        acl.rt.free(weight_ptr)
        acl.rt.free(work_ptr)
        return ret
    cls_id, ret = acl.mdl.load_from_file_with_mem(CLASSIFIER, work_ptr, work_size, weight_ptr, weight_size)
    if ret != ACL_SUCCESS:
        acl.mdl.unload(det_id)
        acl.rt.free(weight_ptr)
        acl.rt.free(work_ptr)
        return ret
    acl.mdl.unload(det_id)
    # the detector is gone, but the classifier still runs on the shared work memory
    acl.rt.free(work_ptr)  # expect: ACL206
    acl.mdl.unload(cls_id)
    acl.rt.free(weight_ptr)
    return ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            det_work, det_weight, ret = acl.mdl.query_size(DETECTOR)
            if ret == ACL_SUCCESS:
                cls_work, cls_weight, ret = acl.mdl.query_size(CLASSIFIER)
                if ret == ACL_SUCCESS:
                    work_size = max(det_work, cls_work)
                    work_ptr, ret = acl.rt.malloc(work_size, ACL_MEM_MALLOC_HUGE_FIRST)
                    if ret == ACL_SUCCESS:
                        print("correct:", load_pair_correctly(work_ptr, work_size))
                        acl.rt.free(work_ptr)
                    shared_ptr, ret = acl.rt.malloc(work_size, ACL_MEM_MALLOC_HUGE_FIRST)
                    if ret == ACL_SUCCESS:
                        print("shared:", load_pair_shared_work(shared_ptr, work_size, cls_weight))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
