"""A worker thread that allocates device memory without binding a context first.

The context created in main() belongs to the main thread. A new thread has no
current context until it calls acl.rt.set_context: its malloc fails with
107002 (ACL_ERROR_RT_CONTEXT_NULL). Which thread runs a function is not
visible in the source, so only the runtime audit reports it (ACL402).
The second worker binds the context first and is clean.
"""

import threading

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0


def unbound_worker(results):
    ptr, ret = acl.rt.malloc(1024, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[runtime]: ACL402
    if ret != ACL_SUCCESS:
        results.append(("unbound", ret))
        return
    acl.rt.free(ptr)
    results.append(("unbound", ACL_SUCCESS))


def bound_worker(context, results):
    ret = acl.rt.set_context(context)
    if ret != ACL_SUCCESS:
        results.append(("bound", ret))
        return
    ptr, ret = acl.rt.malloc(1024, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        results.append(("bound", ret))
        return
    acl.rt.free(ptr)
    results.append(("bound", ACL_SUCCESS))


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            results = []
            for target, args in ((unbound_worker, (results,)), (bound_worker, (context, results))):
                worker = threading.Thread(target=target, args=args)
                worker.start()
                worker.join()
            print(sorted(results))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
