"""acl.prof: profiling initialisation, configs, runs and step infos (no data is collected).

Documented pairings [prof601:0255] [en800:0864] [md-prof]: init before finalize, create_config
before destroy_config (destroying twice is an error [c900:1611]), start before stop on one
config. The documentation gives no code for a broken pairing beyond "non-zero": the simulator
returns 100000 INVALID_PARAM for one (start or create_config before init, stop of a config
that is not running, finalize without init), 200005 INVALID_RESOURCE_HANDLE for a config that
is unknown or destroyed, as for the other object handles.
"""

from . import _core as C
from ._core import S, fail
from ._errors import INVALID_PARAM, SimError


class ProfConfig(C.Obj):
    __slots__ = ("devices", "data_types", "running")
    KIND = C.K_PROF_CONFIG

    def __init__(self, devices, data_types):
        self.devices = devices
        self.data_types = data_types
        self.running = False


class StepInfo(C.Obj):
    __slots__ = ()
    KIND = C.K_PROF_STEP_INFO


def init(profiler_result_path):
    if not isinstance(profiler_result_path, str) or not profiler_result_path:
        return fail(INVALID_PARAM, "acl.prof.init: the result path must be a non-empty str")
    S.prof_initialized = True
    return 0


def finalize():
    if not S.prof_initialized:
        return fail(INVALID_PARAM, "acl.prof.finalize: acl.prof.init was not called")
    S.prof_initialized = False
    return 0


def create_config(device_list, *args):
    """create_config(device_list, [device_nums,] aicore_metrics, aicore_events, data_type_config):
    the documented signature has no device count [py601:0717]; samples pass one."""
    if not S.prof_initialized:
        fail(INVALID_PARAM, "acl.prof.create_config: acl.prof.init was not called")
        return 0
    if not isinstance(device_list, (list, tuple)) or not device_list or len(args) not in (3, 4):
        fail(INVALID_PARAM, "acl.prof.create_config: expected (device_list, [device_nums,] "
             "aicore_metrics, aicore_events, data_type_config)")
        return 0
    return C.register(ProfConfig(list(device_list), args[-1]))


def _config(h, api):
    return C.lookup_or_raise(h, ProfConfig, api, "profiling config")


def destroy_config(prof_config):
    return C.release_checked(prof_config, ProfConfig, "acl.prof.destroy_config", "profiling config")


def start(prof_config):
    try:
        c = _config(prof_config, "acl.prof.start")
        if c.running:
            raise SimError(INVALID_PARAM, "acl.prof.start: config %#x is already running" % c.handle)
    except SimError as e:
        return fail(e.code, str(e))
    c.running = True
    return 0


def stop(prof_config):
    try:
        c = _config(prof_config, "acl.prof.stop")
        if not c.running:
            raise SimError(INVALID_PARAM, "acl.prof.stop: config %#x was not started "
                           "(acl.prof.start)" % c.handle)
    except SimError as e:
        return fail(e.code, str(e))
    c.running = False
    return 0


def set_config(config_type, value):
    if not isinstance(value, str):
        return fail(INVALID_PARAM, "acl.prof.set_config: the value must be a str")
    return 0


def create_step_info():
    return C.register(StepInfo())


def destroy_step_info(step_info):
    return C.release_void(step_info, StepInfo, "acl.prof.destroy_step_info")


FUNCS = {f.__name__: f for f in (init, finalize, create_config, destroy_config, start, stop,
                                 set_config, create_step_info, destroy_step_info)}

CONSTANTS = {
    "ACL_PROF_ACL_API": 0x0001, "ACL_PROF_TASK_TIME": 0x0002, "ACL_PROF_AICORE_METRICS": 0x0004,
    "ACL_PROF_AICPU": 0x0008,
}
