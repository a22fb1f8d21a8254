"""acl.mdl: model files, loading, descriptions, datasets, execution, exec config,
AIPP and dynamic batch / image size / dims."""

import json
import os

from . import _core as C
from . import _models
from ._core import S, SimError, fail, lookup, need_ctx, stream_of
from ._errors import (
    BAD_ALLOC,
    INVALID_FILE,
    INVALID_MODEL_ID,
    INVALID_PARAM,
    INVALID_RESOURCE_HANDLE,
    MODEL_INPUT_NOT_MATCH,
    MODEL_NOT_DYNAMIC,
    MODEL_OUTPUT_NOT_MATCH,
    PARSE_MODEL,
    RT_MODEL_CONTEXT,
    RT_MODEL_EXECUTE,
    RT_PARAM_INVALID,
    UNINITIALIZE,
)
from ._impl_acl import DTYPE_INFO, DataBuffer, TensorDesc

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
    m.work_size = C.align(io, 65536) + 65536
    m.weight_size = C.align(max(nbytes, 1), 4096)
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
    r, _off = C.resolve(ptr, need)
    if S.cfg.strict_memory_sides and not C.is_device_side(r):
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
    if amount and not C.charge(ctx.device, amount):
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
    return C.read_for(model, n, api)


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
        C.uncharge(m.charge[0], m.charge[1])
    m.pinned = []
    return 0


# --------------------------------------------------------------------------
# model description
# --------------------------------------------------------------------------
class ModelDesc(C.Obj):
    __slots__ = ("mdef", "model")
    KIND = C.K_MDL_DESC

    def __init__(self):
        self.mdef = None
        self.model = None


def create_desc():
    return C.register(ModelDesc())


def destroy_desc(model_desc):
    d = lookup(model_desc, ModelDesc)
    if d is None:
        if not model_desc:
            return fail(INVALID_PARAM, "acl.mdl.destroy_desc: null desc")
        return fail(INVALID_RESOURCE_HANDLE, "acl.mdl.destroy_desc: " + C.describe_handle(model_desc))
    C.release(d)
    return 0


def get_desc(model_desc, model_id):
    d = lookup(model_desc, ModelDesc)
    if d is None:
        if not model_desc:
            return fail(INVALID_PARAM, "acl.mdl.get_desc: null desc")
        return fail(INVALID_RESOURCE_HANDLE, "acl.mdl.get_desc: " + C.describe_handle(model_desc))
    try:
        m = _model(model_id, "acl.mdl.get_desc")
    except SimError as e:
        return fail(e.code, str(e))
    d.mdef = m.mdef
    d.model = m
    return 0


def _desc(model_desc, api):
    d = lookup(model_desc, ModelDesc)
    if d is None:
        raise SimError(INVALID_RESOURCE_HANDLE, api + ": " + C.describe_handle(model_desc))
    if d.mdef is None:
        raise SimError(INVALID_PARAM, api + ": the desc was not filled by acl.mdl.get_desc")
    return d


def _spec(model_desc, index, outputs, api):
    d = _desc(model_desc, api)
    specs = d.mdef.outputs if outputs else d.mdef.inputs
    index = C.index_arg(index)
    if not 0 <= index < len(specs):
        raise SimError(INVALID_PARAM, "%s: index %r out of range (%d tensors)" % (api, index,
                                                                                 len(specs)))
    return d, specs, index


def get_num_inputs(model_desc):
    d = lookup(model_desc, ModelDesc)
    if d is None or d.mdef is None:
        fail(INVALID_RESOURCE_HANDLE, "acl.mdl.get_num_inputs: invalid or unfilled desc")
        return 0
    return len(d.mdef.inputs)


def get_num_outputs(model_desc):
    d = lookup(model_desc, ModelDesc)
    if d is None or d.mdef is None:
        fail(INVALID_RESOURCE_HANDLE, "acl.mdl.get_num_outputs: invalid or unfilled desc")
        return 0
    return len(d.mdef.outputs)


def _size_by_index(model_desc, index, outputs, api):
    try:
        d, specs, i = _spec(model_desc, index, outputs, api)
    except SimError as e:
        fail(e.code, str(e))
        return 0
    return tensor_size(specs[i], concrete_dims(specs, d.mdef, None)[i])


def get_input_size_by_index(model_desc, index):
    return _size_by_index(model_desc, index, False, "acl.mdl.get_input_size_by_index")


def get_output_size_by_index(model_desc, index):
    return _size_by_index(model_desc, index, True, "acl.mdl.get_output_size_by_index")


def _dims(model_desc, index, outputs, api, current=False):
    try:
        d, specs, i = _spec(model_desc, index, outputs, api)
    except SimError as e:
        return {}, fail(e.code, str(e))
    if current:
        setting = d.model.setting if d.model is not None else None
        dims = list(concrete_dims(specs, d.mdef, setting)[i])
    else:
        dims = list(specs[i].dims)
    return {"name": specs[i].name, "dimCount": len(dims), "dims": dims}, 0


def get_input_dims(model_desc, index):
    return _dims(model_desc, index, False, "acl.mdl.get_input_dims")


def get_input_dims_v2(model_desc, index):
    return _dims(model_desc, index, False, "acl.mdl.get_input_dims_v2")


def get_output_dims(model_desc, index):
    return _dims(model_desc, index, True, "acl.mdl.get_output_dims")


def get_cur_output_dims(model_desc, index):
    return _dims(model_desc, index, True, "acl.mdl.get_cur_output_dims", current=True)


def _attr(model_desc, index, outputs, api, field, bad):
    try:
        _d, specs, i = _spec(model_desc, index, outputs, api)
    except SimError as e:
        fail(e.code, str(e))
        return bad
    return getattr(specs[i], field)


def get_input_data_type(model_desc, index):
    return _attr(model_desc, index, False, "acl.mdl.get_input_data_type", "dtype", -1)


def get_output_data_type(model_desc, index):
    return _attr(model_desc, index, True, "acl.mdl.get_output_data_type", "dtype", -1)


def get_input_format(model_desc, index):
    return _attr(model_desc, index, False, "acl.mdl.get_input_format", "format", -1)


def get_output_format(model_desc, index):
    return _attr(model_desc, index, True, "acl.mdl.get_output_format", "format", -1)


def get_input_name_by_index(model_desc, index):
    return _attr(model_desc, index, False, "acl.mdl.get_input_name_by_index", "name", "")


def get_output_name_by_index(model_desc, index):
    return _attr(model_desc, index, True, "acl.mdl.get_output_name_by_index", "name", "")


def _index_by_name(model_desc, name, outputs, api):
    try:
        d = _desc(model_desc, api)
    except SimError as e:
        return 0, fail(e.code, str(e))
    for i, t in enumerate(d.mdef.outputs if outputs else d.mdef.inputs):
        if t.name == name:
            return i, 0
    return 0, fail(INVALID_PARAM, "%s: no %s named %r" % (api, "output" if outputs else "input",
                                                          name))


def get_input_index_by_name(model_desc, name):
    return _index_by_name(model_desc, name, False, "acl.mdl.get_input_index_by_name")


def get_output_index_by_name(model_desc, name):
    return _index_by_name(model_desc, name, True, "acl.mdl.get_output_index_by_name")


def get_dynamic_batch(model_desc):
    try:
        d = _desc(model_desc, "acl.mdl.get_dynamic_batch")
    except SimError as e:
        return {}, fail(e.code, str(e))
    return {"batchCount": len(d.mdef.batch), "batch": list(d.mdef.batch)}, 0


def get_dynamic_hw(model_desc, index=-1):
    try:
        d = _desc(model_desc, "acl.mdl.get_dynamic_hw")
    except SimError as e:
        return {}, fail(e.code, str(e))
    return {"hwCount": len(d.mdef.hw), "hw": [list(x) for x in d.mdef.hw]}, 0


def get_input_dynamic_gear_count(model_desc, index=-1):
    try:
        d = _desc(model_desc, "acl.mdl.get_input_dynamic_gear_count")
    except SimError as e:
        return 0, fail(e.code, str(e))
    return len(d.mdef.gears), 0


def get_input_dynamic_dims(model_desc, index, gear_count):
    try:
        d = _desc(model_desc, "acl.mdl.get_input_dynamic_dims")
    except SimError as e:
        return [], fail(e.code, str(e))
    m = d.mdef
    out = []
    data = [t for t in m.inputs if t.role == "data"]
    for g in m.gears[:max(int(gear_count), 0)]:
        full = []
        for dims in concrete_dims(data, m, ("dims", g)):
            full.extend(dims)
        out.append({"name": "", "dimCount": len(full), "dims": full})
    return out, 0


# --------------------------------------------------------------------------
# datasets
# --------------------------------------------------------------------------
class Dataset(C.Obj):
    __slots__ = ("buffers", "dyn", "tdescs", "aipp")
    KIND = C.K_DATASET

    def __init__(self):
        self.buffers = []
        self.dyn = None
        self.tdescs = {}
        self.aipp = {}


def create_dataset():
    return C.register(Dataset())


def _dataset(dataset, api):
    return C.lookup_or_raise(dataset, Dataset, api, "dataset")


def destroy_dataset(dataset):
    ds, err = C.checked(dataset, Dataset, "acl.mdl.destroy_dataset", "dataset")
    if ds is None:
        return err
    for copy in ds.tdescs.values():  # the dataset's own copies (set_dataset_tensor_desc)
        C.release(copy)
    C.release(ds)
    return 0


def add_dataset_buffer(dataset, data_buffer):
    try:
        ds = _dataset(dataset, "acl.mdl.add_dataset_buffer")
    except SimError as e:
        return dataset, fail(e.code, str(e))
    if lookup(data_buffer, DataBuffer) is None:
        if not data_buffer:
            return dataset, fail(INVALID_PARAM, "acl.mdl.add_dataset_buffer: null data buffer")
        return dataset, fail(INVALID_RESOURCE_HANDLE,
                             "acl.mdl.add_dataset_buffer: " + C.describe_handle(data_buffer))
    ds.buffers.append(data_buffer)
    return dataset, 0


def get_dataset_num_buffers(dataset):
    ds = lookup(dataset, Dataset)
    if ds is None:
        fail(INVALID_RESOURCE_HANDLE, "acl.mdl.get_dataset_num_buffers: "
             + C.describe_handle(dataset))
        return 0
    return len(ds.buffers)


def get_dataset_buffer(dataset, index):
    ds = lookup(dataset, Dataset)
    if ds is None:
        fail(INVALID_RESOURCE_HANDLE, "acl.mdl.get_dataset_buffer: " + C.describe_handle(dataset))
        return 0
    index = C.index_arg(index)
    if not 0 <= index < len(ds.buffers):
        fail(INVALID_PARAM, "acl.mdl.get_dataset_buffer: index %r out of range" % (index,))
        return 0
    return ds.buffers[index]


def set_dataset_tensor_desc(dataset, tensor_desc, index):
    """Copies the description into the dataset (the caller still destroys its own) and
    returns (dataset, ret) [py800:0191]."""
    api = "acl.mdl.set_dataset_tensor_desc"
    try:
        ds = _dataset(dataset, api)
        src = C.lookup_or_raise(tensor_desc, TensorDesc, api, "tensor desc")
        i = C.index_arg(index)
        if i < 0:
            raise SimError(INVALID_PARAM, "%s: index must be an int >= 0, got %r" % (api, index))
    except SimError as e:
        return dataset, fail(e.code, str(e))
    copy = TensorDesc(src.dtype, list(src.dims), src.format)
    copy.name = src.name
    old = ds.tdescs.get(i)
    if old is not None:
        C.release(old)
    C.register(copy)
    ds.tdescs[i] = copy
    return dataset, 0


def get_dataset_tensor_desc(dataset, index):
    """The dataset's copy of the index-th tensor description (owned by the dataset), or 0."""
    ds = lookup(dataset, Dataset)
    if ds is None:
        fail(INVALID_RESOURCE_HANDLE, "acl.mdl.get_dataset_tensor_desc: "
             + C.describe_handle(dataset))
        return 0
    copy = ds.tdescs.get(index)
    return copy.handle if copy is not None else 0


# --------------------------------------------------------------------------
# execution
# --------------------------------------------------------------------------
def _check_side(r, what):
    if S.cfg.strict_memory_sides and S.cfg.run_mode == 1 and not C.is_device_side(r):
        raise SimError(RT_PARAM_INVALID, "%s is host memory; the model needs device memory "
                       "(copy it with acl.rt.memcpy first)" % what)


def _plan(m, di, do, api):
    """Validate one execution; returns the plan that _apply carries out."""
    if not m.alive:
        raise SimError(INVALID_MODEL_ID, "%s: model %d was unloaded" % (api, m.id))
    if not di.alive or not do.alive:
        raise SimError(INVALID_RESOURCE_HANDLE, "%s: dataset destroyed before execution" % api)
    mdef = m.mdef
    if len(di.buffers) != len(mdef.inputs):
        raise SimError(MODEL_INPUT_NOT_MATCH, "%s: the input dataset has %d buffers, the model "
                       "has %d inputs" % (api, len(di.buffers), len(mdef.inputs)))
    if len(do.buffers) != len(mdef.outputs):
        raise SimError(MODEL_OUTPUT_NOT_MATCH, "%s: the output dataset has %d buffers, the model "
                       "has %d outputs" % (api, len(do.buffers), len(mdef.outputs)))
    setting = di.dyn
    ins = []
    for i, (spec, dims) in enumerate(zip(mdef.inputs, concrete_dims(mdef.inputs, mdef, setting))):
        b, r, off, need = _bind(di.buffers[i], spec, dims, api, "input", i, MODEL_INPUT_NOT_MATCH)
        if not b.addr:
            raise SimError(INVALID_PARAM, "%s: input buffer %d has no memory" % (api, i))
        ins.append((spec, r, off, need))
    for r in m.pinned:
        if not r.alive:
            raise SimError(RT_MODEL_EXECUTE, "%s: the work/weight memory %#x of model %d was freed "
                           "while the model is loaded" % (api, r.base, m.id))
    outs = []
    for k, (spec, dims) in enumerate(zip(mdef.outputs,
                                         concrete_dims(mdef.outputs, mdef, setting))):
        b, r, off, need = _bind(do.buffers[k], spec, dims, api, "output", k, MODEL_OUTPUT_NOT_MATCH)
        outs.append((spec, b, r, off, need))  # no memory (r None): the system allocates it
    return setting, ins, outs


def _bind(handle, spec, dims, api, side, i, mismatch):
    """The data buffer ``handle`` given for ``side`` ("input" / "output") ``i`` of a run:
    (buffer, region, offset, bytes needed); (buffer, None, 0, needed) when it has no memory."""
    b = lookup(handle, DataBuffer)
    if b is None:
        raise SimError(INVALID_RESOURCE_HANDLE, "%s: %s buffer %d: %s" % (
            api, side, i, C.describe_handle(handle)))
    need = tensor_size(spec, dims)
    if not b.addr:
        return b, None, 0, need
    if b.size < need:
        raise SimError(mismatch, "%s: %s %d (%s) needs %d bytes, its buffer "
                       "holds %d" % (api, side, i, spec.name, need, b.size))
    try:
        r, off = C.resolve(b.addr, need)
    except SimError as e:
        raise SimError(e.code, "%s: %s %d: %s" % (api, side, i, e))
    _check_side(r, "%s: %s %d" % (api, side, i))
    return b, r, off, need


def _apply(m, plan, api):
    setting, ins, outs = plan
    digest = C.digest_of([C.read_region(r, off, n) for spec, r, off, n in ins
                          if spec.role == "data"])
    dev = m.ctx.device
    for k, (spec, b, r, off, need) in enumerate(outs):
        if r is None:  # buffer created with (0, 0): the system allocates the output
            try:
                r = C.alloc_region("device", need, dev, True, "%s (system-allocated output %d)"
                                   % (api, k), ("device", dev), BAD_ALLOC)
            except SimError as e:
                raise SimError(e.code, "%s: %s" % (api, e))
            off = 0
            b.addr = r.base
            b.size = need
            b.sys_alloc = True
        C.write_region(r, off, C.fill_bytes(digest, k, spec.dtype, need))
    m.setting = setting
    return 0


def _prepare(model_id, input, output, api):
    ctx, m = _model_in_ctx(model_id, api)
    di = _dataset(input, api)
    do = _dataset(output, api)
    return ctx, m, di, do


def execute(model_id, input, output):
    api = "acl.mdl.execute"
    try:
        _ctx, m, di, do = _prepare(model_id, input, output, api)
        return _apply(m, _plan(m, di, do, api), api)
    except SimError as e:
        return fail(e.code, str(e))


def _async_run(m, di, do, api):
    return _apply(m, _plan(m, di, do, api), api)


_NO_CONFIG = object()


def _execute_async(model_id, input, output, stream, api, handle=_NO_CONFIG):
    """execute_async and execute_async_v2 (``handle``: its exec config): queue the run on
    ``stream``."""
    try:
        ctx, m, di, do = _prepare(model_id, input, output, api)
        if handle is not _NO_CONFIG:
            _exec_config(handle, api)
        s = stream_of(stream, ctx)
        _plan(m, di, do, api)
    except SimError as e:
        return fail(e.code, str(e))
    C.enqueue(s, _async_run, (m, di, do, api), api)
    return 0


def execute_async(model_id, input, output, stream):
    return _execute_async(model_id, input, output, stream, "acl.mdl.execute_async")


class ExecConfig(C.Obj):
    __slots__ = ("opts",)
    KIND = C.K_EXEC_CONFIG

    def __init__(self):
        self.opts = {}


def create_exec_config_handle():
    return C.register(ExecConfig())


def _exec_config(handle, api):
    return C.lookup_or_raise(handle, ExecConfig, api, "exec config handle")


def set_exec_config_opt(handle, attr, value):
    h, err = C.checked(handle, ExecConfig, "acl.mdl.set_exec_config_opt", "exec config handle")
    if h is None:
        return err
    if attr.__class__ is not int or not 0 <= attr <= 7:
        return fail(INVALID_PARAM, "acl.mdl.set_exec_config_opt: unknown attr %r" % (attr,))
    h.opts[attr] = value
    return 0


def destroy_exec_config_handle(handle):
    return C.release_checked(handle, ExecConfig, "acl.mdl.destroy_exec_config_handle",
                             "exec config handle")


def execute_v2(model_id, input, output, stream, handle):
    api = "acl.mdl.execute_v2"
    try:
        ctx, m, di, do = _prepare(model_id, input, output, api)
        _exec_config(handle, api)
        if stream:
            s = stream_of(stream, ctx)
            C.flush(s)  # synchronous on the stream: earlier work completes first
        return _apply(m, _plan(m, di, do, api), api)
    except SimError as e:
        return fail(e.code, str(e))


def execute_async_v2(model_id, input, output, stream, handle):
    return _execute_async(model_id, input, output, stream, "acl.mdl.execute_async_v2", handle)


# --------------------------------------------------------------------------
# AIPP and dynamic shapes
# --------------------------------------------------------------------------
class Aipp(C.Obj):
    __slots__ = ("batch", "params")
    KIND = C.K_AIPP

    def __init__(self, batch):
        self.batch = batch
        self.params = {}


def create_aipp(batch_size):
    if batch_size.__class__ is not int or batch_size < 1:
        fail(INVALID_PARAM, "acl.mdl.create_aipp: batch_size must be >= 1")
        return 0
    return C.register(Aipp(batch_size))


def _aipp(aipp, api):
    return C.lookup_or_raise(aipp, Aipp, api, "aipp handle")


def destroy_aipp(aipp):
    return C.release_checked(aipp, Aipp, "acl.mdl.destroy_aipp", "aipp handle")


def aipp_setter(name):
    """Generic acl.mdl.set_aipp_*(aipp, ...) -> ret."""
    api = "acl.mdl." + name

    def setter(aipp, *args):
        try:
            a = _aipp(aipp, api)
        except SimError as e:
            return fail(e.code, str(e))
        a.params[name] = args
        return 0

    setter.__name__ = name
    return setter


def _dyn_target(model_id, dataset, index, api, role="dynamic"):
    m = _model(model_id, api)
    ds = _dataset(dataset, api)
    specs = m.mdef.inputs
    index = C.index_arg(index)
    if not 0 <= index < len(specs) or specs[index].role != role:
        raise SimError(INVALID_PARAM, "%s: index %r is not the %s input of model %d (use "
                       "get_input_index_by_name(desc, %r))" % (
                           api, index, role, m.id,
                           DYNAMIC_TENSOR_NAME if role == "dynamic" else DYNAMIC_AIPP_NAME))
    return m, ds


def _set_aipp(model_id, dataset, index, aipp, api):
    try:
        m = _model(model_id, api)
        ds = _dataset(dataset, api)
        a = _aipp(aipp, api)
        index = C.index_arg(index)
        if not 0 <= index < len(m.mdef.inputs):
            raise SimError(INVALID_PARAM, "%s: index %r out of range" % (api, index))
    except SimError as e:
        return fail(e.code, str(e))
    ds.aipp[index] = dict(a.params)
    return 0


def set_input_aipp(model_id, dataset, index, aipp):
    return _set_aipp(model_id, dataset, index, aipp, "acl.mdl.set_input_aipp")


def set_aipp_by_input_index(model_id, dataset, index, aipp):
    return _set_aipp(model_id, dataset, index, aipp, "acl.mdl.set_aipp_by_input_index")


def _set_gear(model_id, dataset, index, api, gears, what, chosen, shown, dyn):
    """set_dynamic_batch_size / set_dynamic_hw_size: ``chosen`` must be one of the gears the
    model definition lists under ``gears`` (``what`` names them when it has none); the dataset
    then runs with ``dyn``."""
    try:
        m = _model(model_id, api)
        if not getattr(m.mdef, gears):
            raise SimError(MODEL_NOT_DYNAMIC, "%s: model %d has no %s" % (api, m.id, what))
        m, ds = _dyn_target(model_id, dataset, index, api)
        if chosen not in getattr(m.mdef, gears):
            raise SimError(INVALID_PARAM, "%s: %s is not one of the model's gears %r"
                           % (api, shown, getattr(m.mdef, gears)))
    except SimError as e:
        return fail(e.code, str(e))
    ds.dyn = dyn
    return 0


def set_dynamic_batch_size(model_id, dataset, index, batch_size):
    return _set_gear(model_id, dataset, index, "acl.mdl.set_dynamic_batch_size", "batch",
                     "dynamic batch", batch_size, "batch %r" % (batch_size,), ("batch", batch_size))


def set_dynamic_hw_size(model_id, dataset, index, height, width):
    return _set_gear(model_id, dataset, index, "acl.mdl.set_dynamic_hw_size", "hw",
                     "dynamic image size", [height, width], "%rx%r" % (height, width),
                     ("hw", height, width))


def set_input_dynamic_dims(model_id, dataset, index, dims):
    api = "acl.mdl.set_input_dynamic_dims"
    try:
        m = _model(model_id, api)
        if not m.mdef.gears:
            raise SimError(MODEL_NOT_DYNAMIC, "%s: model %d has no dynamic dims" % (api, m.id))
        m, ds = _dyn_target(model_id, dataset, index, api)
        full = dims.get("dims") if isinstance(dims, dict) else dims
        full = [int(x) for x in (full or [])]
        data = [t for t in m.mdef.inputs if t.role == "data"]
        chosen = None
        for g in m.mdef.gears:
            flat = []
            for d in concrete_dims(data, m.mdef, ("dims", g)):
                flat.extend(d)
            if full == flat or full == g:
                chosen = g
                break
        if chosen is None:
            raise SimError(INVALID_PARAM, "%s: dims %r match no gear of the model" % (api, full))
    except SimError as e:
        return fail(e.code, str(e))
    except (TypeError, ValueError):
        return fail(INVALID_PARAM, "%s: dims must be a dict with a 'dims' list" % api)
    ds.dyn = ("dims", list(chosen))
    return 0

