"""Small catalogued APIs: logging, data-type sizes, constant tensors, event queries, and calls
that behave as another simulated one (rt.malloc_align32 as rt.malloc, create_stream_with_config
as create_stream, create_event_ex_with_flag as create_event_with_flag: priority and flags change
nothing the simulator models)."""

from . import _core as C
from . import _memory as Mem
from . import _impl_acl as A
from . import _impl_rt as R
from ._core import fail
from ._errors import INVALID_PARAM, RT_CONTEXT_NULL, RT_EVENT_NOT_COMPLETE, SimError

LOG_LEVELS = (0, 1, 2, 3)  # ACL_DEBUG, ACL_INFO, ACL_WARNING, ACL_ERROR [py800:0050]


def app_log(log_level, message):
    """Records nothing; returns None like the real call. Bad arguments raise TypeError, as
    the binding's argument parsing does."""
    if log_level.__class__ is not int or not isinstance(message, str):
        raise TypeError("acl.app_log(log_level: int, message: str)")
    return None


def data_type_size(data_type):
    return A.DTYPE_INFO.get(data_type, ("", 0))[1]


def set_tensor_const(desc, data_buffer, length):
    """Marks the description constant with the ``length`` bytes at ``data_buffer``; the memory
    must be readable. No simulated operator reads the constant."""
    api = "acl.set_tensor_const"
    try:
        C.lookup_or_raise(desc, A.TensorDesc, api, "tensor desc")
        n = C.int_arg(length, "length")
        if n < 0:
            raise SimError(INVALID_PARAM, "%s: length must be >= 0" % api)
        if n:
            Mem.read(data_buffer, n)
    except SimError as e:
        return fail(e.code, str(e))
    return 0


def _with_ctx(api, fn):
    def call(*args):
        if C.cur_ctx() is None:
            return 0, fail(RT_CONTEXT_NULL, "%s: no current context" % api)
        return fn(*args)
    call.__name__ = api.rpartition(".")[2]
    return call


def query_event(event):
    """(status, ret), the older enum: 0 = ACL_EVENT_STATUS_COMPLETE, 1 = NOT_READY (the
    reverse of query_event_status)."""
    try:
        e = R._event(event, "acl.rt.query_event")
    except SimError as x:
        return 1, fail(x.code, str(x))
    return (0 if e.marker is not None and e.marker.done else 1), 0


def event_elapsed_time(start, end):
    """(ms, ret). Both events must have been recorded and completed (the documented order is
    record, synchronize_stream, then this call [py800:0100]); otherwise 507006
    EVENT_NOT_COMPLETE. Simulated work takes no time: 0.0 ms."""
    api = "acl.rt.event_elapsed_time"
    try:
        events = [R._event(h, api) for h in (start, end)]
    except SimError as x:
        return 0.0, fail(x.code, str(x))
    for what, e in zip(("start", "end"), events):
        if e.marker is None or not e.marker.done:
            return 0.0, fail(RT_EVENT_NOT_COMPLETE, "%s: the %s event was not recorded and "
                             "completed (record it, then synchronize the stream)" % (api, what))
    return 0.0, 0


RT_FUNCS = {
    "create_event_ex_with_flag": lambda flag: R._new_event(flag, "acl.rt.create_event_ex_with_flag"),
    "query_event": query_event,
    "event_elapsed_time": event_elapsed_time,
    "malloc_align32": _with_ctx("acl.rt.malloc_align32", R.malloc),
    "create_stream_with_config": _with_ctx("acl.rt.create_stream_with_config",
                                           lambda priority=0, flag=0: R.create_stream()),
    "get_soc_name": A.get_soc_name,
}
ACL_FUNCS = {f.__name__: f for f in (app_log, data_type_size, set_tensor_const)}
