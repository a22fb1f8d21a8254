"""acl.mdl, the model side: model definitions (the simulator's JSON model files), loading
from file or memory (with or without caller-owned work/weight memory), size queries, unload."""

import json
import os

from . import _core as C
from . import _memory as Mem
from . import _models
from ._core import S, SimError, fail, need_ctx
from ._errors import (
    BAD_ALLOC,
    INVALID_FILE,
    INVALID_MODEL_ID,
    INVALID_PARAM,
    PARSE_MODEL,
    RT_MODEL_CONTEXT,
    RT_PARAM_INVALID,
    UNINITIALIZE,
)
from ._impl_acl import DTYPE_INFO

DYNAMIC_TENSOR_NAME = "ascend_mbatch_shape_data"
DYNAMIC_AIPP_NAME = "ascend_dynamic_aipp_data"

DTYPE_NAMES = {
    "float32": 0, "float": 0, "fp32": 0, "float16": 1, "half": 1, "fp16": 1, "int8": 2,
    "int32": 3, "uint8": 4, "int16": 6, "uint16": 7, "uint32": 8, "int64": 9, "uint64": 10,
    "float64": 11, "double": 11, "bool": 12,
}
FORMAT_NAMES = {"NCHW": 0, "NHWC": 1, "ND": 2, "NC1HWC0": 3, "FRACTAL_Z": 4}



# --------------------------------------------------------------------------
# model definitions (design section 5)
# --------------------------------------------------------------------------
class TensorSpec(object):
    __slots__ = ("name", "dims", "dtype", "format", "role")

    def __init__(self, name, dims, dtype, fmt, role="data"):
        self.name = name
        self.dims = dims
        self.dtype = dtype
        self.format = fmt
        self.role = role  # "data" | "dynamic" | "aipp"


class ModelDef(object):
    __slots__ = ("inputs", "outputs", "batch", "hw", "gears", "work_size", "weight_size", "source")


def _parse_tensor(t, i, prefix):
    if not isinstance(t, dict):
        raise ValueError("%s %d is not an object" % (prefix, i))
    dims = t.get("shape", t.get("dims"))
    if not isinstance(dims, list) or not all(isinstance(d, int) and not isinstance(d, bool)
                                             and d >= -1 for d in dims):
        raise ValueError("%s %d: shape must be a list of ints >= -1" % (prefix, i))
    dt = t.get("dtype", "float32")
    if isinstance(dt, str):
        if dt.lower() not in DTYPE_NAMES:
            raise ValueError("%s %d: unknown dtype %r" % (prefix, i, dt))
        dt = DTYPE_NAMES[dt.lower()]
    elif not isinstance(dt, int) or dt not in DTYPE_INFO:
        raise ValueError("%s %d: unknown dtype %r" % (prefix, i, dt))
    fmt = t.get("format")
    if fmt is None:
        fmt = 0 if len(dims) == 4 else 2
    elif isinstance(fmt, str):
        if fmt.upper() not in FORMAT_NAMES:
            raise ValueError("%s %d: unknown format %r" % (prefix, i, fmt))
        fmt = FORMAT_NAMES[fmt.upper()]
    name = t.get("name", "%s_%d" % (prefix, i))
    if not isinstance(name, str):
        raise ValueError("%s %d: name must be a string" % (prefix, i))
    return TensorSpec(name, list(dims), dt, fmt)


def default_model(nbytes):
    m = ModelDef()
    m.inputs = [TensorSpec("input_0", [1, 3, 224, 224], 0, 0)]
    m.outputs = [TensorSpec("output_0", [1, 1000], 0, 2)]
    m.batch, m.hw, m.gears = [], [], []
    m.source = "default"
    _sizes(m, nbytes, None)
    return m


def parse_model(data):
    """ModelDef from file bytes; raises ValueError for a JSON model spec that is invalid."""
    spec = None
    head = data.lstrip()[:1]
    if head == b"{":
        try:
            spec = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            spec = None
    if not isinstance(spec, dict) or ("inputs" not in spec and "outputs" not in spec):
        return default_model(len(data))
    m = ModelDef()
    ins, outs = spec.get("inputs", []), spec.get("outputs", [])
    if not isinstance(ins, list) or not isinstance(outs, list):
        raise ValueError("inputs and outputs must be lists")
    m.inputs = [_parse_tensor(t, i, "input") for i, t in enumerate(ins)]
    m.outputs = [_parse_tensor(t, i, "output") for i, t in enumerate(outs)]
    m.batch = [int(b) for b in spec.get("dynamic_batch", [])]
    m.hw = [[int(h), int(w)] for h, w in spec.get("dynamic_hw", [])]
    m.gears = [[int(x) for x in g] for g in spec.get("dynamic_dims", [])]
    if sum(bool(x) for x in (m.batch, m.hw, m.gears)) > 1:
        raise ValueError("only one of dynamic_batch, dynamic_hw, dynamic_dims may be given")
    if m.gears:
        n = sum(t.dims.count(-1) for t in m.inputs)
        if any(len(g) != n for g in m.gears):
            raise ValueError("each dynamic_dims gear needs %d values (one per -1 input dim)" % n)
    if m.batch or m.hw or m.gears:
        k = 1 if m.batch else 2 if m.hw else max(1, len(m.gears[0]))
        m.inputs.append(TensorSpec(DYNAMIC_TENSOR_NAME, [k], 9, 2, "dynamic"))
    if spec.get("aipp"):
        m.inputs.append(TensorSpec(DYNAMIC_AIPP_NAME, [256], 4, 2, "aipp"))
    m.source = "json"
    _sizes(m, len(data), spec)
    return m


def _sizes(m, nbytes, spec):
    io = sum(tensor_size(t, d) for t, d in zip(m.inputs, concrete_dims(m.inputs, m, None)))
    io += sum(tensor_size(t, d) for t, d in zip(m.outputs, concrete_dims(m.outputs, m, None)))
    m.work_size = Mem.align(io, 65536) + 65536
    m.weight_size = Mem.align(max(nbytes, 1), 4096)
    if spec:
        if isinstance(spec.get("work_size"), int):
            m.work_size = spec["work_size"]
        if isinstance(spec.get("weight_size"), int):
            m.weight_size = spec["weight_size"]


def tensor_size(spec, dims):
    n = 1
    for d in dims:
        n *= d
    return n * DTYPE_INFO[spec.dtype][1]


def _default_setting(m):
    if m.batch:
        return ("batch", max(m.batch))
    if m.hw:
        h, w = max(m.hw, key=lambda hw: (hw[0] * hw[1], hw))
        return ("hw", h, w)
    if m.gears:
        return ("dims", [max(col) for col in zip(*m.gears)])
    return None


def concrete_dims(specs, m, setting):
    """Dims of ``specs`` with every -1 replaced according to the dynamic setting
    (None = the largest gear, which is what the size getters report)."""
    if setting is None:
        setting = _default_setting(m)
    out = []
    vals = list(setting[1]) if setting and setting[0] == "dims" else None
    for t in specs:
        if -1 not in t.dims:
            out.append(t.dims)
            continue
        dims = []
        nth = 0
        for d in t.dims:
            if d != -1:
                dims.append(d)
            elif setting is None:
                dims.append(1)
            elif setting[0] == "batch":
                dims.append(setting[1])
            elif setting[0] == "hw":
                dims.append(setting[1] if nth == 0 else setting[2] if nth == 1 else 1)
            elif vals:
                dims.append(vals.pop(0))
            else:
                dims.append(setting[1][0] if setting[1] else 1)
            nth += 1
        out.append(dims)
    return out


# --------------------------------------------------------------------------
# loaded models
# --------------------------------------------------------------------------
class Model(object):
    __slots__ = ("id", "mdef", "ctx", "pinned", "charge", "alive", "setting", "path")

    def __init__(self, mdef, ctx):
        self.id = next(C._model_serial)
        self.mdef = mdef
        self.ctx = ctx
        self.pinned = []
        self.charge = None
        self.alive = True
        self.setting = None
        self.path = None


def _read_file(path, api):
    """The model's bytes: the JSON spec mapped to the path (sim/_models.py), else the file."""
    if not path or not isinstance(path, str):
        raise SimError(INVALID_PARAM, "%s: model path must be a non-empty str" % api)
    spec = _models.mapped_spec(path)
    if spec is not None:
        try:
            return _models.read_spec(api, path, spec)
        except OSError as e:
            raise SimError(INVALID_FILE, str(e))
        except ValueError as e:
            raise SimError(PARSE_MODEL, str(e))
    if not os.path.isfile(path):
        raise SimError(INVALID_FILE, _models.missing_model_message(api, path))
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise SimError(INVALID_FILE, "%s: cannot read %r: %s" % (api, path, e))


def _parse(data, api):
    try:
        return parse_model(data)
    except (ValueError, TypeError) as e:
        raise SimError(PARSE_MODEL, "%s: invalid JSON model description: %s" % (api, e))


def _pin(ptr, size, need, what, api):
    if not ptr:
        return None
    size = C.int_arg(size, what + "_size")
    if size < need:
        raise SimError(INVALID_PARAM, "%s: %s_size %d is smaller than the %d bytes the model needs"
                       " (see acl.mdl.query_size)" % (api, what, size, need))
    r, _off = Mem.resolve(ptr, need)
    if S.cfg.strict_memory_sides and not Mem.is_device_side(r):
        raise SimError(RT_PARAM_INVALID, "%s: %s memory must be device memory" % (api, what))
    return r


def _load(data, api, work_ptr=0, work_size=0, weight_ptr=0, weight_size=0, path=None):
    if not S.initialized:
        raise SimError(UNINITIALIZE, "%s: acl.init has not been called" % api)
    ctx = need_ctx()
    mdef = _parse(data, api)
    pinned = []
    r = _pin(work_ptr, work_size, mdef.work_size, "work", api)
    if r is not None:
        pinned.append(r)
    r = _pin(weight_ptr, weight_size, mdef.weight_size, "weight", api)
    if r is not None:
        pinned.append(r)
    amount = (0 if work_ptr else mdef.work_size) + (0 if weight_ptr else mdef.weight_size)
    if amount and not Mem.charge(ctx.device, amount):
        d = C.device(ctx.device)
        raise SimError(BAD_ALLOC, "%s: device %d memory exhausted loading the model (%d bytes "
                       "needed, %d of %d used)" % (api, ctx.device, amount, d.mem_used,
                                                   S.cfg.device_memory_limit))
    m = Model(mdef, ctx)
    m.pinned = pinned
    m.charge = (ctx.device, amount)
    m.path = path
    S.models[m.id] = m
    return m.id


def load_from_file(model_path):
    try:
        return _load(_read_file(model_path, "acl.mdl.load_from_file"), "acl.mdl.load_from_file",
                     path=model_path), 0
    except SimError as e:
        return 0, fail(e.code, str(e))


def load_from_file_with_mem(model_path, work_ptr, work_size, weight_ptr, weight_size):
    api = "acl.mdl.load_from_file_with_mem"
    try:
        return _load(_read_file(model_path, api), api, work_ptr, work_size, weight_ptr,
                     weight_size, path=model_path), 0
    except SimError as e:
        return 0, fail(e.code, str(e))


def _mem_bytes(model, model_size, api):
    if not model:
        raise SimError(INVALID_PARAM, api + ": null model pointer")
    n = C.int_arg(model_size, "model_size")
    if n <= 0:
        raise SimError(INVALID_PARAM, api + ": model_size must be > 0")
    return Mem.read_for(model, n, api)


def load_from_mem(model, model_size):
    api = "acl.mdl.load_from_mem"
    try:
        return _load(_mem_bytes(model, model_size, api), api), 0
    except SimError as e:
        return 0, fail(e.code, str(e))


def load_from_mem_with_mem(model, model_size, work_ptr, work_size, weight_ptr, weight_size):
    api = "acl.mdl.load_from_mem_with_mem"
    try:
        return _load(_mem_bytes(model, model_size, api), api, work_ptr, work_size, weight_ptr,
                     weight_size), 0
    except SimError as e:
        return 0, fail(e.code, str(e))


def query_size(model_path):
    try:
        mdef = _parse(_read_file(model_path, "acl.mdl.query_size"), "acl.mdl.query_size")
    except SimError as e:
        return 0, 0, fail(e.code, str(e))
    return mdef.work_size, mdef.weight_size, 0


def query_size_from_mem(model, model_size):
    api = "acl.mdl.query_size_from_mem"
    try:
        mdef = _parse(_mem_bytes(model, model_size, api), api)
    except SimError as e:
        return 0, 0, fail(e.code, str(e))
    return mdef.work_size, mdef.weight_size, 0


def _model(model_id, api):
    m = S.models.get(model_id)
    if m is None:
        raise SimError(INVALID_MODEL_ID, "%s: model id %r is not loaded (never loaded or already "
                       "unloaded)" % (api, model_id))
    return m


def _model_in_ctx(model_id, api):
    ctx = need_ctx()
    m = _model(model_id, api)
    if m.ctx is not ctx:
        raise SimError(RT_MODEL_CONTEXT, "%s: model %d was loaded in context %#x, the current "
                       "context is %#x" % (api, m.id, m.ctx.handle, ctx.handle))
    return ctx, m


def unload(model_id):
    try:
        _ctx, m = _model_in_ctx(model_id, "acl.mdl.unload")
    except SimError as e:
        return fail(e.code, str(e))
    m.alive = False
    del S.models[m.id]
    if m.charge and m.charge[1]:
        Mem.uncharge(m.charge[0], m.charge[1])
    m.pinned = []
    return 0


