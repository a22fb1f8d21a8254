"""ACL101: the stream is subscribed to the callback thread but never
unsubscribed; the thread is stopped and the stream destroyed with the
subscription still in place. Everything else (sync, stop_thread, stream)
follows the guide.
"""
import acl

ACL_SUCCESS = 0
ACL_ERROR_RT_REPORT_TIMEOUT = 507012
ACL_CALLBACK_BLOCK = 1
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0

control = {"stop": False, "uploaded": 0}


def callback_thread(args_list):
    context, timeout_ms = args_list
    ret = acl.rt.set_context(context)
    while ret == ACL_SUCCESS and not control["stop"]:
        report_ret = acl.rt.process_report(timeout_ms)
        if report_ret not in (ACL_SUCCESS, ACL_ERROR_RT_REPORT_TIMEOUT):
            print("process_report:", report_ret)


def on_uploaded(user_data):
    control["uploaded"] += user_data[0]


def upload_with_notification(context, stream, payload):
    size = len(payload)
    dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    tid, ret = acl.util.start_thread(callback_thread, [context, 100])
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        return ret
    ret = acl.rt.subscribe_report(tid, stream)  # expect: ACL101
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy(dev_ptr, size, acl.util.bytes_to_ptr(payload), size, ACL_MEMCPY_HOST_TO_DEVICE)
        if ret == ACL_SUCCESS:
            ret = acl.rt.launch_callback(on_uploaded, [size], ACL_CALLBACK_BLOCK, stream)
        sync_ret = acl.rt.synchronize_stream(stream)
        ret = ret or sync_ret
    control["stop"] = True
    acl.util.stop_thread(tid)
    acl.rt.free(dev_ptr)
    return ret


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
                print("upload:", upload_with_notification(context, stream, bytes(4096)))
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
