"""`del` of the last reference to an object whose `__del__` releases its handles (clean).

The look-alike of own_registry_keeps_deleted_object.py without the
registry: classify() builds a Classifier, uses it and ends with `del net`.
Nothing else references the object, so `del` runs Classifier.__del__, which
unloads the model before the next request loads another: one model loaded
at a time, none left when the device is reset.
"""

import os

import acl

ACL_SUCCESS = 0
MODEL_DIR = os.path.join(os.path.dirname(__file__), "..", "models")


class Classifier(object):
    def __init__(self, path):
        self.model_id, ret = acl.mdl.load_from_file(path)
        if ret != ACL_SUCCESS:
            raise RuntimeError("load_from_file failed: {}".format(ret))

    def __del__(self):
        acl.mdl.unload(self.model_id)


def classify(path):
    net = Classifier(path)
    print("model", net.model_id, "loaded")
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
