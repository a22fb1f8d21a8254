"""Clean look-alike of leak_profiling_config: the profiling config is destroyed on
every path after it was created, and the run is stopped before it is destroyed.
"""
import os
import tempfile

import acl

ACL_SUCCESS = 0
ACL_PROF_ACL_API = 0x0001
ACL_PROF_TASK_TIME = 0x0002
DEVICE_ID = 0


def profile(work):
    cfg = acl.prof.create_config([DEVICE_ID], 0, 0, ACL_PROF_ACL_API | ACL_PROF_TASK_TIME)
    if not cfg:
        return None
    ret = acl.prof.start(cfg)
    if ret != ACL_SUCCESS:
        acl.prof.destroy_config(cfg)
        return None
    try:
        return work()
    finally:
        ret = acl.prof.stop(cfg)
        if ret != ACL_SUCCESS:
            print("profiling stop failed:", ret)
        acl.prof.destroy_config(cfg)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        out_dir = os.path.join(tempfile.gettempdir(), "acl_prof_out")
        ret = acl.prof.init(out_dir)
        if ret == ACL_SUCCESS:
            print("work:", profile(lambda: sum(range(10))))
            acl.prof.finalize()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
