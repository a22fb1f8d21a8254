"""mmdeploy-style error handling: a local _check() raises on a bad status,
and `except: release; raise` blocks give back what was acquired before the
failing step; on success the handles are released normally or returned.
Clean.
"""
import os

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "yolov5s.json")


class AclError(Exception):
    pass


def _check(code, message):
    if code != ACL_SUCCESS:
        raise AclError("{}, code={}".format(message, code))


def load_model(path):
    """Returns (model_id, desc); the caller unloads and destroys."""
    model_id, ret = acl.mdl.load_from_file(path)
    _check(ret, "load_from_file")
    desc = acl.mdl.create_desc()
    try:
        _check(acl.mdl.get_desc(desc, model_id), "get_desc")
    except AclError:
        acl.mdl.destroy_desc(desc)
        acl.mdl.unload(model_id)
        raise
    return model_id, desc


def output_buffer(desc):
    """Returns (dev_ptr, size) for output 0; the caller frees it."""
    size = acl.mdl.get_output_size_by_index(desc, 0)
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    _check(ret, "malloc")
    return dev_ptr, size


def main():
    ret = acl.init()
    _check(ret, "init")
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        _check(ret, "set_device")
        try:
            model_id, desc = load_model(MODEL_PATH)
            try:
                dev_ptr, size = output_buffer(desc)
                print("output buffer of", size, "bytes")
                acl.rt.free(dev_ptr)
            except AclError as exc:
                print("failed:", exc)
            acl.mdl.unload(model_id)
            acl.mdl.destroy_desc(desc)
        except AclError as exc:
            print("model not loaded:", exc)
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
