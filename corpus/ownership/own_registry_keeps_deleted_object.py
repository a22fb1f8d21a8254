"""`del` of an object that a registry still references releases nothing (ACL103).

Classifier loads a model in `__init__` and unloads it in `__del__`. classify()
runs per request: it builds a Classifier, files it in the module-level
LOADED list (for a status page) and ends with `del net`, meant to unload the
model. But LOADED still references the object, so `__del__` does not run:
every request leaves one more model loaded, and nothing ever empties LOADED.
The finding is at the handle the object holds, with the construction, the
registry and the `del` as steps. Look-alikes: own_del_last_reference.py (the
`del` drops the last reference, so `__del__` runs) and
own_registry_del_released_first.py (released before it is filed away, or kept
only in a local list).
"""

import os

import acl

ACL_SUCCESS = 0
MODEL_DIR = os.path.join(os.path.dirname(__file__), "..", "models")
LOADED = []


class Classifier(object):
    def __init__(self, path):
        self.model_id, ret = acl.mdl.load_from_file(path)  # expect: ACL103
        if ret != ACL_SUCCESS:
            raise RuntimeError("load_from_file failed: {}".format(ret))

    def __del__(self):
        acl.mdl.unload(self.model_id)


def classify(path):
    net = Classifier(path)
    LOADED.append(net)
    print("model", net.model_id, "loaded;", len(LOADED), "in the registry")
    del net


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        for _ in range(2):
            classify(os.path.join(MODEL_DIR, "resnet50.json"))
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
