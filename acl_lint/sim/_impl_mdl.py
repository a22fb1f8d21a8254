"""acl.mdl, the run side: model descriptions, datasets, execution and exec-config handles
(loading is in _impl_mdl_load, AIPP and dynamic shapes in _impl_mdl_dynamic)."""

from . import _core as C
from . import _memory as Mem
from ._core import S, SimError, fail, lookup, stream_of
from ._errors import (
    BAD_ALLOC,
    INVALID_MODEL_ID,
    INVALID_PARAM,
    INVALID_RESOURCE_HANDLE,
    MODEL_INPUT_NOT_MATCH,
    MODEL_OUTPUT_NOT_MATCH,
    RT_MODEL_EXECUTE,
    RT_PARAM_INVALID,
)
from ._impl_acl import DataBuffer, TensorDesc
from ._impl_mdl_load import _model, _model_in_ctx, concrete_dims, tensor_size


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
    if S.cfg.strict_memory_sides and S.cfg.run_mode == 1 and not Mem.is_device_side(r):
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
        r, off = Mem.resolve(b.addr, need)
    except SimError as e:
        raise SimError(e.code, "%s: %s %d: %s" % (api, side, i, e))
    _check_side(r, "%s: %s %d" % (api, side, i))
    return b, r, off, need


def _apply(m, plan, api):
    setting, ins, outs = plan
    digest = C.digest_of([Mem.read_region(r, off, n) for spec, r, off, n in ins
                          if spec.role == "data"])
    dev = m.ctx.device
    for k, (spec, b, r, off, need) in enumerate(outs):
        if r is None:  # buffer created with (0, 0): the system allocates the output
            try:
                r = Mem.alloc_region("device", need, dev, True, "%s (system-allocated output %d)"
                                   % (api, k), ("device", dev), BAD_ALLOC)
            except SimError as e:
                raise SimError(e.code, "%s: %s" % (api, e))
            off = 0
            b.addr = r.base
            b.size = need
            b.sys_alloc = True
        Mem.write_region(r, off, C.fill_bytes(digest, k, spec.dtype, need))
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
