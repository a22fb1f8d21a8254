"""acl.util (threads, pointer bridges) and acl.op (attrs)."""

import ctypes
import sys
import threading

from . import _core as C
from . import _memory as Mem
from ._core import S, SimError, fail, lookup
from ._errors import (
    INVALID_PARAM,
    INVALID_RESOURCE_HANDLE,
    RT_INVALID_HANDLE,
    RT_WAIT_TIMEOUT,
    SimFault,
)

_np_mod = None
_typenum = None


def _np():
    global _np_mod
    if _np_mod is None:
        try:
            import numpy
        except ImportError:  # numpy is optional
            raise SimFault(INVALID_PARAM, "numpy is not installed")
        _np_mod = numpy
    return _np_mod


def _np_dtype(t):
    global _typenum
    np = _np()
    if isinstance(t, int) and not isinstance(t, bool):
        if _typenum is None:
            m = {}
            for ch in np.typecodes["All"]:
                if ch in "OSUVMm":
                    continue
                try:
                    dt = np.dtype(ch)
                except TypeError:
                    continue
                m.setdefault(dt.num, dt)
            _typenum = m
        dt = _typenum.get(t)
        if dt is None:
            raise SimFault(INVALID_PARAM, "unknown numpy type number %d" % t)
        return dt
    return np.dtype(t)


# --------------------------------------------------------------------------
# pointer bridges
# --------------------------------------------------------------------------
SWEEP_EVERY = 1024


def _sweep():
    """Drop bridges whose Python object only the simulator still references: the real
    pointer would dangle. Keeps memory bounded for loops that bridge per call."""
    S.bridges_since_sweep = 0
    for key, r in list(S.bridges.items()):
        if r.alive and sys.getrefcount(r.keep) <= 2:
            S.bridges.pop(key, None)
            Mem.free_region(r)


def _bridge(obj, addr, n, origin):
    r = S.bridges.get(id(obj))
    if r is not None and r.alive and r.keep is obj:
        return r.base
    S.bridges_since_sweep += 1
    if S.bridges_since_sweep >= SWEEP_EVERY:
        _sweep()
    if n >= 1 and addr:
        store = (ctypes.c_char * n).from_address(addr)
        mv = memoryview(store).cast("B")
    else:
        mv = memoryview(bytearray(obj)).cast("B") if n else memoryview(bytearray(0))
    try:
        r = Mem.alloc_region("bridge", n, None, S.cfg.run_mode == 0, origin, store=mv, keep=obj)
    except SimError as e:
        raise SimFault(e.code, "%s: %s" % (origin, e))
    S.bridges[id(obj)] = r
    return r.base


def bytes_to_ptr(data):
    """Address of the bytes object's own buffer (writes through it change the object, as
    with the real binding; the object must outlive the pointer)."""
    if isinstance(data, bytes):
        n = len(data)
        if n < 2:  # b'' and one-byte objects are interpreter-wide singletons: never alias
            r = Mem.alloc_region("bridge", n, None, S.cfg.run_mode == 0, "acl.util.bytes_to_ptr",
                               store=bytearray(data), keep=data)
            return r.base
        addr = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
        return _bridge(data, addr, n, "acl.util.bytes_to_ptr")
    if isinstance(data, bytearray):
        n = len(data)
        if n == 0:
            return _bridge(data, 0, 0, "acl.util.bytes_to_ptr")
        addr = ctypes.addressof((ctypes.c_char * n).from_buffer(data))
        return _bridge(data, addr, n, "acl.util.bytes_to_ptr")
    raise TypeError("acl.util.bytes_to_ptr() argument must be bytes, not %s"
                    % type(data).__name__)


def numpy_to_ptr(array):
    np = _np()
    if not isinstance(array, np.ndarray):
        raise TypeError("acl.util.numpy_to_ptr() argument must be a numpy.ndarray")
    return _bridge(array, array.__array_interface__["data"][0], array.nbytes,
                   "acl.util.numpy_to_ptr")


def numpy_contiguous_to_ptr(array):
    np = _np()
    if not isinstance(array, np.ndarray):
        raise TypeError("acl.util.numpy_contiguous_to_ptr() argument must be a numpy.ndarray")
    if not array.flags["C_CONTIGUOUS"]:
        array = np.ascontiguousarray(array)
    return _bridge(array, array.__array_interface__["data"][0], array.nbytes,
                   "acl.util.numpy_contiguous_to_ptr")


def ptr_to_bytes(ptr, size):
    try:
        n = C.int_arg(size, "size")
        if n < 0:
            raise SimError(INVALID_PARAM, "negative size")
        return Mem.read(ptr, n)
    except SimError as e:
        fail(e.code, "acl.util.ptr_to_bytes: %s" % e)
        raise SimFault(e.code, "acl.util.ptr_to_bytes: %s" % e)


def ptr_to_numpy(ptr, shape, np_type):
    np = _np()
    dt = _np_dtype(np_type)
    if isinstance(shape, int):
        shape = (shape,)
    shape = tuple(int(x) for x in shape)
    count = 1
    for x in shape:
        count *= x
    n = count * dt.itemsize
    try:
        r, off = Mem.resolve(ptr, n)
    except SimError as e:
        fail(e.code, "acl.util.ptr_to_numpy: %s" % e)
        raise SimFault(e.code, "acl.util.ptr_to_numpy: %s" % e)
    if r is None:
        buf = (ctypes.c_char * max(n, 1)).from_address(off)
        arr = np.frombuffer(buf, dtype=dt, count=count)
    else:
        arr = np.frombuffer(r.mv[off:off + n], dtype=dt, count=count)
    return arr.reshape(shape)


# --------------------------------------------------------------------------
# threads
# --------------------------------------------------------------------------
class SimThread(C.Obj):
    __slots__ = ("thread", "ident")
    KIND = C.K_THREAD

    def __init__(self):
        self.thread = None
        self.ident = None


def start_thread(fn, args_list):
    if not callable(fn):
        return 0, fail(INVALID_PARAM, "acl.util.start_thread: fn must be callable")
    t = SimThread()
    h = C.register(t)
    state = S

    def runner():
        t.ident = threading.get_ident()
        state.thread_tids[t.ident] = h
        try:
            fn(args_list)
        except BaseException as e:
            state.callback_errors.append(("acl.util.start_thread", e))
            raise
        finally:
            state.thread_tids.pop(t.ident, None)

    th = threading.Thread(target=runner, name="acl-sim-thread-%x" % h, daemon=True)
    t.thread = th
    th.start()
    return h, 0


def stop_thread(thread_id):
    t = lookup(thread_id, SimThread)
    if t is None:
        if not thread_id:
            return fail(INVALID_PARAM, "acl.util.stop_thread: null thread id")
        return fail(RT_INVALID_HANDLE, "acl.util.stop_thread: " + C.describe_handle(thread_id))
    if t.thread is threading.current_thread():
        return fail(INVALID_PARAM, "acl.util.stop_thread: a thread cannot stop itself")
    t.thread.join(S.cfg.stop_thread_timeout)
    if t.thread.is_alive():
        return fail(RT_WAIT_TIMEOUT, "acl.util.stop_thread: thread %#x still running after %ss "
                    "(set its exit flag first)" % (t.handle, S.cfg.stop_thread_timeout))
    C.release(t)
    return 0


# --------------------------------------------------------------------------
# op attrs
# --------------------------------------------------------------------------
class OpAttr(C.Obj):
    __slots__ = ("values",)
    KIND = C.K_OP_ATTR

    def __init__(self):
        self.values = {}


def create_attr():
    return C.register(OpAttr())


def destroy_attr(attr):
    return C.release_void(attr, OpAttr, "acl.op.destroy_attr")


def attr_setter(name):
    """Generic acl.op.set_attr_*(attr, attr_name, value) -> ret."""
    api = "acl.op." + name

    def setter(attr, *args):
        a = lookup(attr, OpAttr)
        if a is None:
            return fail(INVALID_RESOURCE_HANDLE if attr else INVALID_PARAM,
                        "%s: %s" % (api, C.describe_handle(attr)))
        if args:
            a.values[args[0]] = args[1:]
        return 0

    setter.__name__ = name
    return setter

