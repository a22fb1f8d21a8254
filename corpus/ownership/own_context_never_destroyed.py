"""An inference server whose stop() never destroys the context start() created (firing: ACL105).

stop() destroys the stream, unloads the model and resets the device, but
no method of InferenceServer destroys self.context.
"""

import os

import acl

ACL_SUCCESS = 0
MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "resnet50.json")


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class InferenceServer(object):
    def __init__(self, device_id, model_path):
        self.device_id = device_id
        self.model_path = model_path
        self.running = False

    def start(self):
        ret = acl.rt.set_device(self.device_id)
        check_ret("acl.rt.set_device", ret)
        self.context, ret = acl.rt.create_context(self.device_id)  # expect[static]: ACL105  # expect[runtime]: ACL101
        check_ret("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(self.model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.running = True

    def health(self):
        ret = acl.rt.synchronize_stream(self.stream)
        return ret == ACL_SUCCESS

    def stop(self):
        if not self.running:
            return
        acl.mdl.unload(self.model_id)
        acl.rt.destroy_stream(self.stream)
        acl.rt.reset_device(self.device_id)
        self.running = False


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    server = InferenceServer(0, MODEL_PATH)
    try:
        server.start()
        print("healthy:", server.health())
    finally:
        server.stop()
        acl.finalize()


if __name__ == "__main__":
    main()
