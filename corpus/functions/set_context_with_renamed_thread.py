"""An unchecked set_context in a module that starts a thread under another name (ACL501).

The look-alike of clean_set_context_project_process.py: `Worker` is
threading.Thread imported under another name. With a second thread in the
module, which context is current where is no longer plain, so the unchecked
set_context is reported (a failed one silently leaves work on no context).
"""

from threading import Thread as Worker

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def copy_on(context, size):
    ret = acl.rt.set_context(context)
    check_ret("acl.rt.set_context", ret)
    ptr, ret = acl.rt.malloc(size, 0)
    check_ret("acl.rt.malloc", ret)
    acl.rt.free(ptr)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)
    context, ret = acl.rt.create_context(DEVICE_ID)
    check_ret("acl.rt.create_context", ret)
    acl.rt.set_context(context)  # expect[static]: ACL501
    stream, ret = acl.rt.create_stream()
    check_ret("acl.rt.create_stream", ret)
    worker = Worker(target=copy_on, args=(context, 64))
    worker.start()
    worker.join()
    acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(context)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
