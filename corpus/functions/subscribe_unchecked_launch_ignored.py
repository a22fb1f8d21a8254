"""Look-alike of subscribe_unchecked_launch_checked.py (firing: ACL501 twice).

The same callback manager, but it throws the launch_callback statuses away: a
failed subscription (every launch on the stream then fails) would go unseen,
so the unchecked subscribe_report status stays a finding, and so does the
dropped launch_callback status.
"""
import acl

ACL_SUCCESS = 0
ACL_CALLBACK_BLOCK = 1
ACL_ERROR_RT_REPORT_TIMEOUT = 507012
ACL_ERROR_THREAD_NOT_SUBSCRIBE = 100035
DEVICE_ID = 0

state = {"exit": False, "done": []}


def report_loop(args_list):
    context, timeout_ms = args_list
    ret = acl.rt.set_context(context)
    if ret != ACL_SUCCESS:
        return
    while not state["exit"]:
        ret = acl.rt.process_report(timeout_ms)
        if ret not in (ACL_SUCCESS, ACL_ERROR_RT_REPORT_TIMEOUT, ACL_ERROR_THREAD_NOT_SUBSCRIBE):
            print("process_report failed", ret)


def on_done(user_data):
    state["done"].append(user_data)


class CallbackManager(object):
    def __init__(self, context):
        self.context = context
        self.tid = None

    def subscribe(self, streams):
        state["exit"] = False
        tid, ret = acl.util.start_thread(report_loop, [self.context, 100])
        if ret != ACL_SUCCESS:
            return ret
        self.tid = tid
        for stream in streams:
            acl.rt.subscribe_report(self.tid, stream)  # expect[static]: ACL501
        return ACL_SUCCESS

    def unsubscribe(self, streams):
        for stream in streams:
            acl.rt.unsubscribe_report(self.tid, stream)
        state["exit"] = True
        acl.util.stop_thread(self.tid)
        self.tid = None

    @staticmethod
    def launch(stream, frame_id):
        acl.rt.launch_callback(on_done, [frame_id], ACL_CALLBACK_BLOCK, stream)  # expect[static]: ACL501


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream, ret = acl.rt.create_stream()
            if ret == ACL_SUCCESS:
                manager = CallbackManager(context)
                if manager.subscribe([stream]) == ACL_SUCCESS:
                    for frame_id in range(2):
                        CallbackManager.launch(stream, frame_id)
                    ret = acl.rt.synchronize_stream(stream)
                    if ret != ACL_SUCCESS:
                        print("synchronize_stream failed", ret)
                    manager.unsubscribe([stream])
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()
    print("callbacks run:", state["done"])


if __name__ == "__main__":
    main()
