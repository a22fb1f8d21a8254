"""`del` of an object kept elsewhere, but released first or kept only locally (clean).

The look-alike of own_registry_keeps_deleted_object.py. Detector files each
object in the module-level HISTORY list too, but calls its close() (which
unloads the model) before `del det`, so the registry keeps a closed object.
batch() keeps its objects in a list of its own, which dies with the call:
`del det` there drops a reference the function owned, and `__del__` runs
when the list goes.
"""

import os

import acl

ACL_SUCCESS = 0
MODEL_DIR = os.path.join(os.path.dirname(__file__), "..", "models")
HISTORY = []


class Detector(object):
    def __init__(self, path):
        self.model_id, ret = acl.mdl.load_from_file(path)
        if ret != ACL_SUCCESS:
            raise RuntimeError("load_from_file failed: {}".format(ret))

    def close(self):
        if self.model_id:
            acl.mdl.unload(self.model_id)
            self.model_id = None

    def __del__(self):
        self.close()


def detect(path):
    det = Detector(path)
    HISTORY.append(det)
    print("model", det.model_id, "loaded")
    det.close()
    del det


def batch(paths):
    done = []
    for path in paths:
        det = Detector(path)
        done.append(det)
        del det
    print(len(done), "models used")


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        path = os.path.join(MODEL_DIR, "resnet50.json")
        for _ in range(2):
            detect(path)
        batch([path, path])
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
