"""ACL101: profiling is started around a model run and stopped, but the profiling
config is never destroyed ("如不销毁会导致内存未被释放" [prof601:0207]).
"""
import os
import tempfile

import acl

ACL_SUCCESS = 0
ACL_PROF_ACL_API = 0x0001
ACL_PROF_TASK_TIME = 0x0002
DEVICE_ID = 0


def profile(work):
    cfg = acl.prof.create_config([DEVICE_ID], 0, 0, ACL_PROF_ACL_API | ACL_PROF_TASK_TIME)  # expect: ACL101
    if not cfg:
        return None
    ret = acl.prof.start(cfg)
    if ret != ACL_SUCCESS:
        return None
    result = work()
    ret = acl.prof.stop(cfg)
    if ret != ACL_SUCCESS:
        print("profiling stop failed:", ret)
    return result


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
