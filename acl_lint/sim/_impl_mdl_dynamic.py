"""acl.mdl, AIPP and dynamic shapes: AIPP handles and their setters, dynamic batch / image
size / dims on a loaded model's dataset."""

from . import _core as C
from ._core import SimError, fail
from ._errors import INVALID_PARAM, MODEL_NOT_DYNAMIC
from ._impl_mdl import _dataset
from ._impl_mdl_load import DYNAMIC_AIPP_NAME, DYNAMIC_TENSOR_NAME, _model, concrete_dims

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


