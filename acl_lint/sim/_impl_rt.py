"""acl.rt: devices, contexts, streams, events, callbacks, memory."""

import threading

from . import _core as C
from . import _memory as Mem
from ._core import S, SimError, Stream, fail, lookup, need_ctx, stream_of
from ._errors import (
    INVALID_PARAM,
    REPEAT_SUBSCRIBE,
    RT_CONTEXT_NULL,
    RT_INVALID_HANDLE,
    RT_MEMORY_ALLOCATION,
    RT_MEMORY_FREE,
    RT_PARAM_INVALID,
    RT_REPORT_TIMEOUT,
    RT_STREAM_NO_CB_REG,
    STREAM_NOT_SUBSCRIBE,
    THREAD_NOT_SUBSCRIBE,
    UNINITIALIZE,
)


class Event(C.Obj):
    __slots__ = ("marker", "stream", "flag")
    KIND = C.K_EVENT

    def __init__(self, flag=0):
        self.marker = None
        self.stream = None
        self.flag = flag


# --------------------------------------------------------------------------
# device / context
# --------------------------------------------------------------------------
def set_device(device_id):
    if not S.initialized:
        return fail(UNINITIALIZE, "acl.rt.set_device: acl.init has not been called")
    try:
        d = C.device(device_id)
    except SimError as e:
        return fail(e.code, "acl.rt.set_device: %s" % e)
    d.refcount += 1
    d.open = True
    if d.default_ctx is None or not d.default_ctx.alive:
        d.default_ctx = C.new_context(d.id, True)
    S.tls.ctx = d.default_ctx
    return 0


def _reset(device_id, force, api):
    try:
        d = C.device(device_id)
    except SimError as e:
        return fail(e.code, "%s: %s" % (api, e))
    if d.refcount <= 0 and not d.open:
        return 0
    d.refcount = 0 if force else max(d.refcount - 1, 0)
    if d.refcount == 0:
        C.close_device(d)
    return 0


def reset_device(device_id):
    return _reset(device_id, False, "acl.rt.reset_device")


def reset_device_force(device_id):
    return _reset(device_id, True, "acl.rt.reset_device_force")


def get_run_mode():
    return S.cfg.run_mode, 0


def get_device_count():
    return S.cfg.device_count, 0


def get_device():
    c = C.cur_ctx()
    if c is None:
        return 0, fail(RT_CONTEXT_NULL, "acl.rt.get_device: no current context")
    return c.device, 0


def create_context(device_id):
    if not S.initialized:
        return 0, fail(UNINITIALIZE, "acl.rt.create_context: acl.init has not been called")
    try:
        d = C.device(device_id)
    except SimError as e:
        return 0, fail(e.code, "acl.rt.create_context: %s" % e)
    d.open = True
    c = C.new_context(d.id, False)
    S.tls.ctx = c
    return c.handle, 0


def _context(context, api):
    """(the live context, 0) or (None, the error code): null is INVALID_PARAM, any other bad
    handle RT_INVALID_HANDLE."""
    if not context:
        return None, fail(INVALID_PARAM, api + ": null context")
    c = lookup(context, C.Ctx)
    if c is None:
        return None, fail(RT_INVALID_HANDLE, api + ": " + C.describe_handle(context))
    return c, 0


def destroy_context(context):
    c, err = _context(context, "acl.rt.destroy_context")
    if c is None:
        return err
    if c.is_default:
        return fail(INVALID_PARAM, "acl.rt.destroy_context: %#x is the default context of device "
                    "%d; it is released by acl.rt.reset_device" % (c.handle, c.device))
    C.destroy_ctx_objects(c)
    return 0


def set_context(context):
    c, err = _context(context, "acl.rt.set_context")
    if c is None:
        return err
    if c.device_reset:
        return fail(RT_INVALID_HANDLE, "acl.rt.set_context: the device of context %#x was reset"
                    % c.handle)
    S.tls.ctx = c
    return 0


def get_context():
    c = C.cur_ctx()
    if c is None:
        return 0, fail(RT_CONTEXT_NULL, "acl.rt.get_context: no current context")
    return c.handle, 0


def get_mem_info(attr=0):
    c = C.cur_ctx()
    if c is None:
        return 0, 0, fail(RT_CONTEXT_NULL, "acl.rt.get_mem_info: no current context")
    d = C.device(c.device)
    total = S.cfg.device_memory_limit
    return max(total - d.mem_used, 0), total, 0


def synchronize_device():
    c = C.cur_ctx()
    if c is None:
        return fail(RT_CONTEXT_NULL, "acl.rt.synchronize_device: no current context")
    err = 0
    for s in C.device_streams(c.device):
        C.flush(s)
        e = C.take_error(s)
        err = err or e
    return err


# --------------------------------------------------------------------------
# streams
# --------------------------------------------------------------------------
def create_stream():
    c = C.cur_ctx()
    if c is None:
        return 0, fail(RT_CONTEXT_NULL, "acl.rt.create_stream: no current context")
    s = Stream(c)
    C.register(s)
    c.streams.add(s)
    return s.handle, 0


def destroy_stream(stream):
    if not stream:
        return fail(INVALID_PARAM, "acl.rt.destroy_stream: null stream (the default stream is "
                    "released by acl.rt.reset_device)")
    try:
        s = stream_of(stream, need_ctx())
    except SimError as e:
        return fail(e.code, "acl.rt.destroy_stream: %s" % e)
    C.flush(s)
    s.ctx.streams.discard(s)
    C.release(s)
    return 0


def synchronize_stream(stream):
    try:
        s = stream_of(stream, need_ctx())
    except SimError as e:
        return fail(e.code, "acl.rt.synchronize_stream: %s" % e)
    if s.queue:
        C.flush(s)
    if s.error:
        return C.take_error(s)
    return 0


def synchronize_stream_with_timeout(stream, timeout=-1):
    return synchronize_stream(stream)


# --------------------------------------------------------------------------
# events
# --------------------------------------------------------------------------
def _new_event(flag, api):
    if C.cur_ctx() is None:
        return 0, fail(RT_CONTEXT_NULL, api + ": no current context")
    e = Event(flag)
    C.register(e)
    return e.handle, 0


def create_event():
    return _new_event(0, "acl.rt.create_event")


def create_event_with_flag(flag):
    return _new_event(flag, "acl.rt.create_event_with_flag")


def _event(event, api):
    if not event:
        raise SimError(INVALID_PARAM, api + ": null event")
    e = lookup(event, Event)
    if e is None:
        raise SimError(RT_INVALID_HANDLE, api + ": " + C.describe_handle(event))
    return e


def _checked_event(event, api):
    """(the live event, 0), or (None, the error code) with the message recorded."""
    try:
        return _event(event, api), 0
    except SimError as x:
        return None, fail(x.code, str(x))


def destroy_event(event):
    e, err = _checked_event(event, "acl.rt.destroy_event")
    if e is None:
        return err
    C.release(e)
    return 0


def _mark(e):
    return 0


def _event_on_stream(event, stream, api):
    """(event, stream, 0) for record_event / reset_event, else (None, None, the error code)."""
    try:
        return _event(event, api), stream_of(stream, need_ctx()), 0
    except SimError as x:
        return None, None, fail(x.code, "%s: %s" % (api, x))


def record_event(event, stream):
    e, s, err = _event_on_stream(event, stream, "acl.rt.record_event")
    if e is None:
        return err
    e.marker = C.enqueue(s, _mark, (e,), "acl.rt.record_event")
    e.stream = s
    return 0


def synchronize_event(event):
    e, err = _checked_event(event, "acl.rt.synchronize_event")
    if e is None:
        return err
    return _wait_event(e, e.marker)


def _wait_event(e, marker):
    if marker is not None and not marker.done:
        C.flush(e.stream, marker)
    return 0


def stream_wait_event(stream, event):
    try:
        s = stream_of(stream, need_ctx())
        e = _event(event, "acl.rt.stream_wait_event")
    except SimError as x:
        return fail(x.code, "acl.rt.stream_wait_event: %s" % x)
    C.enqueue(s, _wait_event, (e, e.marker), "acl.rt.stream_wait_event")
    return 0


def reset_event(event, stream):
    e, _s, err = _event_on_stream(event, stream, "acl.rt.reset_event")
    if e is None:
        return err
    e.marker = None
    e.stream = None
    return 0


def query_event_status(event):
    """(status, ret): 1 = ACL_EVENT_RECORDED_STATUS_COMPLETE, 0 = NOT_READY."""
    e, err = _checked_event(event, "acl.rt.query_event_status")
    if e is None:
        return 0, err
    m = e.marker
    return (1 if m is not None and m.done else 0), 0


# --------------------------------------------------------------------------
# callbacks
# --------------------------------------------------------------------------
def _notify():
    with S.cond:
        S.cond.notify_all()


def subscribe_report(thread_id, stream):
    try:
        s = stream_of(stream, need_ctx())
    except SimError as x:
        return fail(x.code, "acl.rt.subscribe_report: %s" % x)
    if s.sub_tid is not None:
        return fail(REPEAT_SUBSCRIBE, "acl.rt.subscribe_report: stream %#x is already subscribed "
                    "by thread %r" % (s.handle, s.sub_tid))
    s.sub_tid = thread_id
    _notify()
    return 0


def unsubscribe_report(thread_id, stream):
    try:
        s = stream_of(stream, need_ctx())
    except SimError as x:
        return fail(x.code, "acl.rt.unsubscribe_report: %s" % x)
    if s.sub_tid is None or s.sub_tid != thread_id:
        return fail(STREAM_NOT_SUBSCRIBE, "acl.rt.unsubscribe_report: stream %#x is not subscribed "
                    "by thread %r" % (s.handle, thread_id))
    s.sub_tid = None
    return 0


def launch_callback(fn, user_data, block_type, stream):
    try:
        s = stream_of(stream, need_ctx())
    except SimError as x:
        return fail(x.code, "acl.rt.launch_callback: %s" % x)
    if not callable(fn) or block_type not in (0, 1):
        return fail(INVALID_PARAM, "acl.rt.launch_callback: fn must be callable and block_type "
                    "0 (NO_BLOCK) or 1 (BLOCK)")
    if s.sub_tid is None:
        return fail(RT_STREAM_NO_CB_REG, "acl.rt.launch_callback: stream %#x has no subscribed "
                    "report thread (call acl.rt.subscribe_report first)" % s.handle)
    C.enqueue(s, fn, (user_data,), "acl.rt.launch_callback", True)
    _notify()
    return 0


def _my_tid():
    ident = threading.get_ident()
    return S.thread_tids.get(ident, ident)


def process_report(timeout=-1):
    """Runs, in the calling thread, the pending callbacks of the streams subscribed by
    this thread (completing the tasks queued before them). Waits up to ``timeout`` ms
    (-1 = forever) for one to arrive."""
    me = _my_tid()
    state = S
    wait = None if timeout is None or timeout < 0 else timeout / 1000.0
    waited = False
    while True:
        subscribed = False
        ran = False
        for o in list(state.objs.values()):
            if o.__class__ is Stream and o.sub_tid is not None and o.sub_tid == me:
                subscribed = True
                last = None
                for t in list(o.queue):
                    if t.is_callback:
                        last = t
                if last is not None:
                    C.flush(o, last)
                    ran = True
        if ran:
            return 0
        if waited:
            if not subscribed:
                return fail(THREAD_NOT_SUBSCRIBE, "acl.rt.process_report: no stream is "
                            "subscribed by this thread")
            return fail(RT_REPORT_TIMEOUT, "acl.rt.process_report: timed out")
        with state.cond:
            state.cond.wait(wait)
        waited = wait is not None


# --------------------------------------------------------------------------
# memory
# --------------------------------------------------------------------------
def _size(size, api):
    if size.__class__ is not int:
        size = C.int_arg(size, api + " size")
    if size <= 0:
        raise SimError(INVALID_PARAM, "%s: size must be > 0, got %d" % (api, size))
    return size


def _malloc_device(size, api):
    """rt.malloc and rt.malloc_cached: device memory in the current context."""
    c = getattr(S.tls, "ctx", None)
    if c is None or not c.alive:
        return 0, fail(RT_CONTEXT_NULL, api + ": no current context")
    try:
        size = _size(size, api)
        r = Mem.alloc_region("device", size, c.device, True, api,
                           ("device", c.device), RT_MEMORY_ALLOCATION)
    except SimError as e:
        return 0, fail(e.code, str(e))
    return r.base, 0


def malloc(size, policy=0):
    return _malloc_device(size, "acl.rt.malloc")


def malloc_cached(size, policy=0):
    return _malloc_device(size, "acl.rt.malloc_cached")


def malloc_host(size):
    try:
        size = _size(size, "acl.rt.malloc_host")
        if S.cfg.run_mode == 0:  # app runs on the device: "host" memory is device memory
            c = need_ctx()
            r = Mem.alloc_region("host", size, c.device, True, "acl.rt.malloc_host",
                               ("device", c.device), RT_MEMORY_ALLOCATION)
        else:
            r = Mem.alloc_region("host", size, None, False, "acl.rt.malloc_host",
                               ("host", None), RT_MEMORY_ALLOCATION)
    except SimError as e:
        return 0, fail(e.code, str(e))
    return r.base, 0


def free_by(ptr, alloc, api):
    r = S.regions.get(ptr)
    if r is not None and r.alloc == alloc:
        Mem.free_region(r)
        return 0
    if not ptr:
        return fail(INVALID_PARAM, api + ": null pointer")
    if r is not None:
        return fail(RT_MEMORY_FREE, "%s: memory %#x comes from %s; release it with %s"
                    % (api, r.base, r.origin, C.ALLOCATORS[r.alloc][2] or "nothing (it is "
                                                                          "owned by Python)"))
    try:
        a = int(ptr)
    except (TypeError, ValueError):
        return fail(INVALID_PARAM, "%s: pointer %r is not an int" % (api, ptr))
    t = S.freed.get(a)
    if t is not None and t[0] == alloc:
        return fail(RT_MEMORY_FREE, "%s: double free of %#x (%s)" % (api, a, t[2]))
    return fail(RT_MEMORY_FREE, "%s: %s" % (api, Mem.describe_addr(a)))


def free(dev_ptr):
    return free_by(dev_ptr, "device", "acl.rt.free")


def free_host(host_ptr):
    return free_by(host_ptr, "host", "acl.rt.free_host")


# memcpy kinds: expected (src on device, dst on device)
_KIND_SIDES = {0: (False, False), 1: (False, True), 2: (True, False), 3: (True, True)}
_KIND_NAMES = {0: "HOST_TO_HOST", 1: "HOST_TO_DEVICE", 2: "DEVICE_TO_HOST",
               3: "DEVICE_TO_DEVICE", 4: "DEFAULT"}


def _side(r):
    return "device" if Mem.is_device_side(r) else "host"


def check_copy(dst, dest_max, src, count, kind, api):
    if count.__class__ is not int:
        count = C.int_arg(count, "count")
    if dest_max.__class__ is not int:
        dest_max = C.int_arg(dest_max, "dest_max")
    if count < 0 or dest_max < 0:
        raise SimError(INVALID_PARAM, "negative size")
    if count > dest_max:
        raise SimError(INVALID_PARAM, "count %d exceeds dest_max %d" % (count, dest_max))
    if kind not in _KIND_NAMES or kind.__class__ is bool:
        raise SimError(INVALID_PARAM, "invalid memcpy kind %r" % (kind,))
    if not dst or not src:
        raise SimError(INVALID_PARAM, "null %s pointer" % ("destination" if not dst else "source"))
    rd, od = Mem.resolve(dst, count)
    rs, osrc = Mem.resolve(src, count)
    dd = Mem.is_device_side(rd)
    sd = Mem.is_device_side(rs)
    if (dd or sd) and C.cur_ctx() is None:
        raise SimError(RT_CONTEXT_NULL, "no current context for a copy involving device memory")
    if kind != 4 and S.cfg.strict_memory_sides and S.cfg.run_mode == 1:
        want = _KIND_SIDES[kind]
        if (sd, dd) != want:
            raise SimError(RT_PARAM_INVALID, "memcpy kind %s but the source is %s memory and the "
                           "destination is %s memory" % (_KIND_NAMES[kind], _side(rs), _side(rd)))
    return count, rd, od, rs, osrc


def memcpy(dst, dest_max, src, count, kind):
    try:
        n, rd, od, rs, osrc = check_copy(dst, dest_max, src, count, kind, "acl.rt.memcpy")
        Mem.copy_regions(rd, od, rs, osrc, n)
    except SimError as e:
        return fail(e.code, "acl.rt.memcpy: %s" % e)
    return 0


def _async_copy(dst, src, n):
    Mem.copy(dst, src, n)
    return 0


def memcpy_async(dst, dest_max, src, count, kind, stream):
    try:
        if kind == 0:
            raise SimError(INVALID_PARAM, "asynchronous HOST_TO_HOST copies are not supported")
        n = check_copy(dst, dest_max, src, count, kind, "acl.rt.memcpy_async")[0]
        s = stream_of(stream, need_ctx())
    except SimError as e:
        return fail(e.code, "acl.rt.memcpy_async: %s" % e)
    C.enqueue(s, _async_copy, (dst, src, n), "acl.rt.memcpy_async")
    return 0


def _check_set(dev_ptr, max_count, value, count):
    if count.__class__ is not int:
        count = C.int_arg(count, "count")
    if max_count.__class__ is not int:
        max_count = C.int_arg(max_count, "max_count")
    value = C.int_arg(value, "value")
    if count < 0 or count > max_count:
        raise SimError(INVALID_PARAM, "count %d exceeds max %d" % (count, max_count))
    if not dev_ptr:
        raise SimError(INVALID_PARAM, "null pointer")
    Mem.resolve(dev_ptr, count)
    return count, value & 0xFF


def _do_set(dev_ptr, value, count):
    r, off = Mem.resolve(dev_ptr, count)
    Mem.write_region(r, off, bytes((value,)) * count)
    return 0


def memset(dev_ptr, max_count, value, count):
    try:
        count, value = _check_set(dev_ptr, max_count, value, count)
        _do_set(dev_ptr, value, count)
    except SimError as e:
        return fail(e.code, "acl.rt.memset: %s" % e)
    return 0


def memset_async(dev_ptr, max_count, value, count, stream):
    try:
        count, value = _check_set(dev_ptr, max_count, value, count)
        s = stream_of(stream, need_ctx())
    except SimError as e:
        return fail(e.code, "acl.rt.memset_async: %s" % e)
    C.enqueue(s, _do_set, (dev_ptr, value, count), "acl.rt.memset_async")
    return 0
