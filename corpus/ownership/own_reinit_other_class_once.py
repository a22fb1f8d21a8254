"""A wrapper that builds its model once and re-initialises it only after a release (clean).

The look-alike of own_reinit_other_class.py: Pipeline builds a Classifier
(whose __init__ runs init_resource()) and uses it; reload() releases it
before running init_resource() again, so nothing is overwritten live.
"""

import os

import acl

ACL_SUCCESS = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Classifier(object):
    def __init__(self, model_path):
        self.model_path = model_path
        self.model_id = None
        self.model_desc = None
        self.init_resource()

    def init_resource(self):
        self.model_id, ret = acl.mdl.load_from_file(self.model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.model_desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)

    def outputs(self):
        return acl.mdl.get_num_outputs(self.model_desc)

    def release(self):
        if self.model_desc:
            acl.mdl.destroy_desc(self.model_desc)
            self.model_desc = None
        if self.model_id:
            ret = acl.mdl.unload(self.model_id)
            check_ret("acl.mdl.unload", ret)
            self.model_id = None


class Pipeline(object):
    def __init__(self, model_path):
        self.classifier = Classifier(model_path)

    def run(self):
        return self.classifier.outputs()

    def reload(self):
        self.classifier.release()
        self.classifier.init_resource()

    def close(self):
        self.classifier.release()


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            pipeline = Pipeline(MODEL_PATH)
            print("outputs:", pipeline.run())
            pipeline.reload()
            print("outputs:", pipeline.run())
            pipeline.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
