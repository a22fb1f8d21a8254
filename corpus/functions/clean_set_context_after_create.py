"""An unchecked set_context of the context this function just created (clean; PATTERNS F10).

acl.rt.create_context creates the context and makes it current on the calling
thread; main() sets it again right away without checking the status, then
checks the next call. One device, one context, no thread or callback in the
module: the set_context changes nothing, and its only failure (an invalid
context) already failed the checked create_context (rules/low_value.toml,
reported with `report-low-value-statuses = true`). The look-alike with a
second context created in between is unchecked_set_context_two_contexts.py
(ACL501).
"""

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)
    context, ret = acl.rt.create_context(DEVICE_ID)
    check_ret("acl.rt.create_context", ret)
    acl.rt.set_context(context)
    stream, ret = acl.rt.create_stream()
    check_ret("acl.rt.create_stream", ret)
    ret = acl.rt.synchronize_stream(stream)
    check_ret("acl.rt.synchronize_stream", ret)
    acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
