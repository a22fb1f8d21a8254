"""Core state of the simulator: configuration, handles, memory, contexts, streams.

Everything here is private; the public entry points are in ``acl_lint.sim``.
The simulated API functions live in the ``_impl_*`` modules and all share the
single :data:`S` state object (``reset()`` re-initialises it in place).
"""

import hashlib
import itertools
import struct
import threading
from collections import deque

from ._errors import (
    INVALID_PARAM,
    INVALID_RESOURCE_HANDLE,
    RT_CONTEXT_NULL,
    RT_INVALID_DEVICEID,
    RT_INVALID_HANDLE,
    RT_STREAM_CONTEXT,
    SimError,
)

# --------------------------------------------------------------------------
# address map (fake addresses; chosen far from where CPython's heap and
# mmaps live on x86-64 and aarch64 Linux, so raw host pointers never collide)
# --------------------------------------------------------------------------
OBJ_BASE = 0x0100_0000_0000  # object handles (contexts, streams, descs, ...)
DEV_BASE = 0x1000_0000_0000  # acl.rt.malloc / malloc_cached / execute outputs
HOST_BASE = 0x2000_0000_0000  # acl.rt.malloc_host
DVPP_BASE = 0x3000_0000_0000  # acl.media.dvpp_malloc
HIMPI_BASE = 0x4000_0000_0000  # acl.himpi.dvpp_malloc
BRIDGE_BASE = 0x4800_0000_0000  # acl.util.bytes_to_ptr / numpy_to_ptr
FAKE_END = 0x5000_0000_0000
RAW_MIN = 0x10000
MEM_ALIGN = 128
SMALL_STORE = 1 << 20  # bigger allocations are backed by anonymous mmap (lazy pages)

# object kinds (encoded in bits 3..7 of the handle)
K_CONTEXT, K_STREAM, K_EVENT, K_MDL_DESC, K_DATASET, K_DATA_BUFFER = 1, 2, 3, 4, 5, 6
K_EXEC_CONFIG, K_AIPP, K_TENSOR_DESC, K_OP_ATTR, K_CHANNEL_DESC = 7, 8, 9, 10, 11
K_PIC_DESC, K_ROI_CONFIG, K_RESIZE_CONFIG, K_JPEGE_CONFIG, K_THREAD = 12, 13, 14, 15, 16
K_VENC_CHANNEL_DESC, K_VENC_FRAME_CONFIG, K_VDEC_CHANNEL_DESC, K_VDEC_FRAME_CONFIG = 17, 18, 19, 20
K_STREAM_DESC, K_BATCH_PIC_DESC, K_PROF_CONFIG, K_PROF_STEP_INFO, K_OP_HANDLE = 21, 22, 23, 24, 25

#: object kind -> the kind name of rules/kinds.toml (a test holds them equal)
KIND_NAMES = {
    K_CONTEXT: "context",
    K_STREAM: "stream",
    K_EVENT: "event",
    K_MDL_DESC: "model_desc",
    K_DATASET: "dataset",
    K_DATA_BUFFER: "data_buffer",
    K_EXEC_CONFIG: "exec_config",
    K_AIPP: "aipp",
    K_TENSOR_DESC: "tensor_desc",
    K_OP_ATTR: "op_attr",
    K_CHANNEL_DESC: "dvpp_channel_desc",
    K_PIC_DESC: "pic_desc",
    K_ROI_CONFIG: "roi_config",
    K_RESIZE_CONFIG: "resize_config",
    K_JPEGE_CONFIG: "jpege_config",
    K_THREAD: "thread",
    K_VENC_CHANNEL_DESC: "venc_channel_desc",
    K_VENC_FRAME_CONFIG: "venc_frame_config",
    K_VDEC_CHANNEL_DESC: "vdec_channel_desc",
    K_VDEC_FRAME_CONFIG: "vdec_frame_config",
    K_STREAM_DESC: "stream_desc",
    K_BATCH_PIC_DESC: "batch_pic_desc",
    K_PROF_CONFIG: "prof_config",
    K_PROF_STEP_INFO: "prof_step_info",
    K_OP_HANDLE: "op_handle",
}

# allocators: name -> (address range start, end, releasing API)
ALLOCATORS = {
    "device": (DEV_BASE, HOST_BASE, "acl.rt.free"),
    "host": (HOST_BASE, DVPP_BASE, "acl.rt.free_host"),
    "dvpp": (DVPP_BASE, HIMPI_BASE, "acl.media.dvpp_free"),
    "himpi": (HIMPI_BASE, BRIDGE_BASE, "acl.himpi.dvpp_free"),
    "bridge": (BRIDGE_BASE, FAKE_END, None),
}

# counters survive reset(): a handle or address is never reused in one process
_serial = itertools.count(1)
_model_serial = itertools.count(1)

GiB = 1 << 30

DEFAULT_CONFIG = {
    "device_memory_limit": 8 * GiB,  # bytes per device
    "host_memory_limit": 64 * GiB,  # bytes, malloc_host in ACL_HOST run mode
    "device_count": 8,
    "run_mode": 1,  # ACL_HOST
    "soc_name": "Ascend310P3",
    "allow_raw_host_pointers": True,  # accept real process addresses (arr.ctypes.data)
    "strict_memory_sides": True,  # host/device checks on memcpy kinds, model and dvpp buffers
    "init_refcount": False,  # 8.5+ behaviour: acl.init counts instead of failing 100002
    "stop_thread_timeout": 10.0,  # seconds util.stop_thread waits for the thread
}


class Config(object):
    def __init__(self):
        self.__dict__.update(DEFAULT_CONFIG)


# --------------------------------------------------------------------------
# objects
# --------------------------------------------------------------------------
class Obj(object):
    __slots__ = ("handle", "alive")
    KIND = 0


class Device(object):
    __slots__ = ("id", "refcount", "default_ctx", "mem_used", "open")

    def __init__(self, dev_id):
        self.id = dev_id
        self.refcount = 0
        self.default_ctx = None
        self.mem_used = 0
        self.open = False


class Ctx(Obj):
    __slots__ = ("device", "is_default", "default_stream", "streams", "device_reset")
    KIND = K_CONTEXT

    def __init__(self, device, is_default):
        self.device = device
        self.is_default = is_default
        self.default_stream = None
        self.streams = set()
        self.device_reset = False


class Stream(Obj):
    __slots__ = ("ctx", "queue", "is_default", "sub_tid", "error")
    KIND = K_STREAM

    def __init__(self, ctx, is_default=False):
        self.ctx = ctx
        self.queue = deque()
        self.is_default = is_default
        self.sub_tid = None
        self.error = 0


class Task(object):
    """One unit of async work queued on a stream; runs at synchronization."""

    __slots__ = ("fn", "args", "label", "is_callback", "done")

    def __init__(self, fn, args, label, is_callback=False):
        self.fn = fn
        self.args = args
        self.label = label
        self.is_callback = is_callback
        self.done = False


class Region(object):
    __slots__ = ("base", "size", "alloc", "device", "on_device", "mv", "store", "keep",
                 "alive", "origin", "charge")

    def end(self):
        return self.base + self.size


class State(object):
    """The whole simulated process. reset() calls __init__ again."""

    def __init__(self):
        self.lock = threading.RLock()
        self.cond = threading.Condition(threading.Lock())
        self.tls = threading.local()
        self.cfg = Config()
        self.initialized = False
        self.init_count = 0
        self.finalize_count = 0
        self.objs = {}  # live handle -> object
        self.regions = {}  # live base address -> Region
        self.bases = []  # sorted live base addresses
        self.freed = {}  # base -> (allocator, size); bounded tombstones for messages
        self.bridges = {}  # id(python object) -> Region (util.*_to_ptr)
        self.bridges_since_sweep = 0
        self.devices = {}
        self.host_used = 0
        self.models = {}  # model_id -> Model
        self.thread_tids = {}  # threading ident -> tid handle of util.start_thread
        self.callback_errors = []
        self.api_errors = 0
        self.prof_initialized = False  # acl.prof.init ran (and no acl.prof.finalize since)


S = State()


def set_err(msg):
    S.tls.err = msg


def fail(code, msg):
    """Record the message for acl.get_recent_err_msg() and return the code."""
    S.tls.err = msg
    S.api_errors += 1
    return code


def register(obj):
    h = OBJ_BASE + (next(_serial) << 8) + (obj.KIND << 3)
    obj.handle = h
    obj.alive = True
    S.objs[h] = obj
    return h


def release(obj):
    obj.alive = False
    S.objs.pop(obj.handle, None)


def describe_handle(h):
    """Human text for a handle that failed a lookup."""
    if h is None or h == 0:
        return "null handle"
    try:
        h = int(h)
    except (TypeError, ValueError):
        return "non-integer handle %r" % (h,)
    o = S.objs.get(h)
    if o is not None:
        return "handle %#x is a live %s" % (h, KIND_NAMES.get(o.KIND, "object"))
    if OBJ_BASE <= h < DEV_BASE and (h & 0x7) == 0 and (h - OBJ_BASE) >> 8 < next_serial_peek():
        kind = (h >> 3) & 0x1F
        return "handle %#x is a released (destroyed) %s" % (h, KIND_NAMES.get(kind, "object"))
    if DEV_BASE <= h < FAKE_END:
        return "%#x is a memory address, not an object handle" % h
    return "handle %#x was never created" % h


def next_serial_peek():
    # itertools.count has no peek; its repr is "count(N)"
    r = repr(_serial)
    try:
        return int(r[r.index("(") + 1:r.index(")")])
    except ValueError:
        return 1 << 40


def lookup(h, cls):
    """The live object for handle ``h`` if it is of class ``cls``, else None."""
    o = S.objs.get(h)
    if o.__class__ is cls:
        return o
    return None


def lookup_or_raise(h, cls, api, what):
    """The live ``cls`` object for ``h``; a null handle is INVALID_PARAM, any other bad one
    INVALID_RESOURCE_HANDLE (released, never made, or another kind)."""
    o = lookup(h, cls)
    if o is None:
        if not h:
            raise SimError(INVALID_PARAM, "%s: null %s" % (api, what))
        raise SimError(INVALID_RESOURCE_HANDLE, api + ": " + describe_handle(h))
    return o


def checked(h, cls, api, what="handle"):
    """(the live ``cls`` object for ``h``, 0), or (None, the error code) with the message of
    lookup_or_raise recorded: the handle check of every API that returns a code."""
    try:
        return lookup_or_raise(h, cls, api, what), 0
    except SimError as e:
        return None, fail(e.code, str(e))


def release_checked(h, cls, api, what="handle"):
    """Destroy APIs that return a code: release the live ``cls`` object and return 0, else
    the error code of :func:`checked`."""
    o, err = checked(h, cls, api, what)
    if o is None:
        return err
    release(o)
    return 0


def release_void(h, cls, api):
    """Destroy APIs with no return code (C ``void``): release the live ``cls`` object, or
    only set the error message. Returns None, as the real call does."""
    o = lookup(h, cls)
    if o is None:
        fail(INVALID_RESOURCE_HANDLE if h else INVALID_PARAM, api + ": " + describe_handle(h))
        return None
    release(o)
    return None


# --------------------------------------------------------------------------
# devices and contexts
# --------------------------------------------------------------------------
def device(dev_id):
    """The Device for a valid id, else raise 107001."""
    d = S.devices.get(dev_id) if dev_id.__class__ is int else None
    if d is not None:
        return d
    try:
        if dev_id.__class__ is bool:
            raise TypeError
        i = int(dev_id.__index__())
    except Exception:
        raise SimError(RT_INVALID_DEVICEID, "device id %r is not an int" % (dev_id,))
    if not 0 <= i < S.cfg.device_count:
        raise SimError(RT_INVALID_DEVICEID,
                       "device id %d out of range (device count %d)" % (i, S.cfg.device_count))
    d = S.devices.get(i)
    if d is None:
        d = S.devices[i] = Device(i)
    return d


def cur_ctx():
    c = getattr(S.tls, "ctx", None)
    if c is not None and c.alive:
        return c
    return None


def need_ctx():
    c = getattr(S.tls, "ctx", None)
    if c is not None and c.alive:
        return c
    raise SimError(RT_CONTEXT_NULL,
                   "no current context on this thread (call acl.rt.set_device or "
                   "acl.rt.create_context/set_context first)")


def new_context(dev, is_default):
    c = Ctx(dev, is_default)
    register(c)
    return c


def default_stream(ctx):
    s = ctx.default_stream
    if s is None:
        s = ctx.default_stream = Stream(ctx, True)
        register(s)
    return s


def stream_of(h, ctx):
    """Resolve a stream argument (0/None = the default stream of ``ctx``)."""
    if not h:
        return default_stream(ctx)
    s = S.objs.get(h)
    if s.__class__ is not Stream:
        raise SimError(RT_INVALID_HANDLE, "invalid stream: " + describe_handle(h))
    if s.ctx is not ctx:
        raise SimError(RT_STREAM_CONTEXT,
                       "stream %#x belongs to context %#x, not to the current context %#x"
                       % (s.handle, s.ctx.handle, ctx.handle))
    return s


def close_device(d):
    """Refcount reached 0: finish pending work, release the default context and its
    streams, mark explicit contexts of the device as reset."""
    for o in list(S.objs.values()):
        if o.__class__ is Ctx and o.device == d.id:
            for s in list(o.streams) + ([o.default_stream] if o.default_stream else []):
                flush(s)
            if o.is_default:
                destroy_ctx_objects(o)
            else:
                o.device_reset = True
    d.default_ctx = None
    d.open = False


def destroy_ctx_objects(c):
    for s in list(c.streams):
        flush(s)
        release(s)
    c.streams.clear()
    if c.default_stream is not None:
        flush(c.default_stream)
        release(c.default_stream)
        c.default_stream = None
    release(c)


# --------------------------------------------------------------------------
# streams
# --------------------------------------------------------------------------
def enqueue(stream, fn, args, label, is_callback=False):
    t = Task(fn, args, label, is_callback)
    stream.queue.append(t)
    return t


def run_task(stream, t):
    try:
        code = t.fn(*t.args)
    except SimError as e:
        code = e.code
        set_err("%s failed at synchronization: %s" % (t.label, e))
    except Exception as e:  # a user callback raised
        S.callback_errors.append((t.label, e))
        code = 0
    t.done = True
    if code and not stream.error:
        stream.error = code


def flush(stream, until=None):
    """Run the queued tasks of ``stream`` in order (up to and including ``until``).
    Tasks run outside any lock so callbacks may call acl functions freely."""
    q = stream.queue
    while True:
        try:
            t = q.popleft()
        except IndexError:
            return
        run_task(stream, t)
        if t is until:
            return


def take_error(stream):
    e = stream.error
    stream.error = 0
    return e


def device_streams(dev_id):
    out = []
    for o in list(S.objs.values()):
        if o.__class__ is Stream and o.ctx.device == dev_id:
            out.append(o)
    return out



# --------------------------------------------------------------------------
# deterministic "computation" used by model execution and DVPP
# --------------------------------------------------------------------------
_FLOAT_DTYPES = {0: ("<f", 4), 1: ("<e", 2), 11: ("<d", 8)}


def pattern_block(digest, index, acl_dtype):
    """1024 bytes: SHA-256(digest || index || j) for j = 0..31, concatenated; for float
    data types reinterpreted as unsigned ints u and written as u / 2**bits in [0, 1)."""
    raw = b"".join(hashlib.sha256(digest + struct.pack("<II", index, j)).digest()
                   for j in range(32))
    f = _FLOAT_DTYPES.get(acl_dtype)
    if f is None:
        return raw
    fmt, size = f
    n = len(raw) // size
    ufmt = {2: "<%dH", 4: "<%dI", 8: "<%dQ"}[size] % n
    scale = float(1 << (8 * size))
    vals = [u / scale for u in struct.unpack(ufmt, raw)]
    if size == 2:
        # float16 cannot hold values too close to 1.0: keep them in [0, 1)
        vals = [min(v, 0.999) for v in vals]
    return struct.pack("<%d%s" % (n, fmt[1]), *vals)


def fill_bytes(digest, index, acl_dtype, size):
    block = pattern_block(digest, index, acl_dtype)
    reps = size // len(block) + 1
    return (block * reps)[:size]


def digest_of(blobs):
    h = hashlib.sha256()
    for b in blobs:
        h.update(struct.pack("<Q", len(b)))
        h.update(b)
    return h.digest()


def int_arg(v, name="argument"):
    """Strict int conversion for size-like arguments (bool rejected)."""
    if v.__class__ is int:
        return v
    if v is None or v.__class__ is bool:
        raise SimError(INVALID_PARAM, "%s must be an int, got %r" % (name, v))
    try:
        return int(v.__index__())
    except Exception:
        raise SimError(INVALID_PARAM, "%s must be an int, got %r" % (name, v))



def index_arg(v):
    """An int index (numpy ints accepted), or -1 when ``v`` is not an integer."""
    if v.__class__ is int:
        return v
    if v is None or v.__class__ is bool:
        return -1
    try:
        return int(v.__index__())
    except Exception:
        return -1
