"""ACL202: a heartbeat stream gets host callbacks through launch_callback, and
is unsubscribed and destroyed without synchronize_stream, so callbacks may
still be pending on it. The callback thread itself is started and stopped
correctly.
"""
import acl

ACL_SUCCESS = 0
ACL_ERROR_RT_REPORT_TIMEOUT = 507012
ACL_CALLBACK_BLOCK = 1
DEVICE_ID = 0

running = {"flag": True}
beats = []


def report_loop(args_list):
    context = args_list[0]
    ret = acl.rt.set_context(context)
    if ret != ACL_SUCCESS:
        return
    while running["flag"]:
        ret = acl.rt.process_report(50)
        if ret not in (ACL_SUCCESS, ACL_ERROR_RT_REPORT_TIMEOUT):
            break


def on_beat(user_data):
    beats.append(user_data[0])


def heartbeat(context, count):
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        return ret
    running["flag"] = True
    tid, ret = acl.util.start_thread(report_loop, [context])
    if ret != ACL_SUCCESS:
        acl.rt.destroy_stream(stream)
        return ret
    ret = acl.rt.subscribe_report(tid, stream)
    if ret == ACL_SUCCESS:
        for beat in range(count):
            ret = acl.rt.launch_callback(on_beat, [beat], ACL_CALLBACK_BLOCK, stream)
            if ret != ACL_SUCCESS:
                break
        acl.rt.unsubscribe_report(tid, stream)
    running["flag"] = False
    acl.util.stop_thread(tid)
    acl.rt.destroy_stream(stream)  # expect: ACL202
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print("heartbeat:", heartbeat(context, 3), beats)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
