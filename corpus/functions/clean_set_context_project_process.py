"""An unchecked set_context of the context just created, in a module that calls a project
class named `Process` (clean; PATTERNS F10).

The low-value rule for set_context right after create_context does not hold in
a module that starts threads or processes (each must set the context itself).
`Process` here is the text post-processor of textpost.py, not
multiprocessing.Process: names are read through the module's imports. The
look-alike that imports threading.Thread under another name keeps its ACL501:
set_context_with_renamed_thread.py.
"""

import acl

from textpost import Process

ACL_SUCCESS = 0
DEVICE_ID = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def recognise(scores):
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)
    context, ret = acl.rt.create_context(DEVICE_ID)
    check_ret("acl.rt.create_context", ret)
    acl.rt.set_context(context)
    stream, ret = acl.rt.create_stream()
    check_ret("acl.rt.create_stream", ret)
    kept = Process(0.5).run(scores)
    acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()
    return kept


if __name__ == "__main__":
    print(recognise([0.2, 0.7]))
