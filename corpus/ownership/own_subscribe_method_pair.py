"""A keyed subscription split over a method pair (clean), and one never undone (ACL103).

Reporter.subscribe() subscribes the report thread to each stream it is
given; Reporter.unsubscribe() unsubscribes the same thread from the same
streams. subscribe_report/unsubscribe_report are keyed by (thread, stream):
the pair is the object's lifecycle, not a per-call leak of subscribe().
OneWayReporter has no method that unsubscribes: every subscribe() call
leaves its subscriptions behind (not run by main()).
"""

import acl

ACL_SUCCESS = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def report_loop(args):
    pass


class Reporter(object):
    def __init__(self, thread_id):
        self.thread_id = thread_id

    def subscribe(self, streams):
        for stream in streams:
            ret = acl.rt.subscribe_report(self.thread_id, stream)
            check_ret("acl.rt.subscribe_report", ret)

    def unsubscribe(self, streams):
        for stream in streams:
            ret = acl.rt.unsubscribe_report(self.thread_id, stream)
            check_ret("acl.rt.unsubscribe_report", ret)


class OneWayReporter(object):
    def __init__(self, thread_id):
        self.thread_id = thread_id

    def subscribe(self, streams):
        for stream in streams:
            ret = acl.rt.subscribe_report(self.thread_id, stream)  # expect[static]: ACL103
            check_ret("acl.rt.subscribe_report", ret)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(0)
    check_ret("acl.rt.set_device", ret)
    context, ret = acl.rt.create_context(0)
    check_ret("acl.rt.create_context", ret)
    stream, ret = acl.rt.create_stream()
    check_ret("acl.rt.create_stream", ret)
    thread_id, ret = acl.util.start_thread(report_loop, [])
    check_ret("acl.util.start_thread", ret)
    reporter = Reporter(thread_id)
    reporter.subscribe([stream])
    reporter.unsubscribe([stream])
    acl.util.stop_thread(thread_id)
    acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(context)
    acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
