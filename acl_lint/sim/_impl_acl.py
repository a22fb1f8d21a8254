"""Top-level acl functions: init/finalize, data buffers, tensor descs, misc."""

import os

from . import _core as C
from ._core import S, fail, lookup
from ._errors import (
    INVALID_FILE,
    INVALID_PARAM,
    INVALID_RESOURCE_HANDLE,
    REPEAT_FINALIZE,
    REPEAT_INITIALIZE,
)

# aclDataType -> (numpy-ish name, item size)
DTYPE_INFO = {
    0: ("float32", 4), 1: ("float16", 2), 2: ("int8", 1), 3: ("int32", 4), 4: ("uint8", 1),
    6: ("int16", 2), 7: ("uint16", 2), 8: ("uint32", 4), 9: ("int64", 8), 10: ("uint64", 8),
    11: ("float64", 8), 12: ("bool", 1),
}


# --------------------------------------------------------------------------
# process
# --------------------------------------------------------------------------
def init(config_path=None):
    if config_path is not None and not isinstance(config_path, str):
        raise TypeError("acl.init() argument must be str, not %s" % type(config_path).__name__)
    if S.initialized:
        if S.cfg.init_refcount:
            S.init_count += 1
            return 0
        return fail(REPEAT_INITIALIZE, "acl.init: already initialized (acl.init may be called "
                    "once per process)")
    if config_path and not os.path.isfile(config_path):
        return fail(INVALID_FILE, "acl.init: config file %r does not exist" % config_path)
    S.initialized = True
    S.init_count = 1
    return 0


def finalize():
    if not S.initialized:
        return fail(REPEAT_FINALIZE, "acl.finalize: not initialized or already finalized")
    S.initialized = False
    S.init_count = 0
    S.finalize_count += 1
    return 0


def finalize_reference():
    if not S.initialized:
        return 0, fail(REPEAT_FINALIZE, "acl.finalize_reference: not initialized")
    S.init_count -= 1
    if S.init_count <= 0:
        finalize()
        return 0, 0
    return S.init_count, 0


def get_soc_name():
    return S.cfg.soc_name


def get_recent_err_msg():
    return getattr(S.tls, "err", "") or ""


# --------------------------------------------------------------------------
# data buffers
# --------------------------------------------------------------------------
class DataBuffer(C.Obj):
    __slots__ = ("addr", "size", "sys_alloc")
    KIND = C.K_DATA_BUFFER

    def __init__(self, addr, size):
        self.addr = addr
        self.size = size
        self.sys_alloc = False


def create_data_buffer(data, size):
    try:
        addr = C.int_arg(data or 0, "data")
        size = C.int_arg(size, "size")
    except C.SimError as e:
        C.fail(e.code, "acl.create_data_buffer: %s" % e)
        return 0
    if size < 0:
        C.fail(INVALID_PARAM, "acl.create_data_buffer: negative size")
        return 0
    b = DataBuffer(addr, size if addr else 0)
    return C.register(b)


def destroy_data_buffer(data_buffer):
    return C.release_checked(data_buffer, DataBuffer, "acl.destroy_data_buffer", "data buffer")


def update_data_buffer(data_buffer, data, size):
    b, err = C.checked(data_buffer, DataBuffer, "acl.update_data_buffer", "data buffer")
    if b is None:
        return err
    try:
        addr = C.int_arg(data or 0, "data")
        size = C.int_arg(size, "size")
    except C.SimError as e:
        return fail(e.code, "acl.update_data_buffer: %s" % e)
    if size < 0:
        return fail(INVALID_PARAM, "acl.update_data_buffer: negative size")
    b.addr = addr
    b.size = size if addr else 0
    b.sys_alloc = False
    return 0


def _buffer_field(data_buffer, field, api):
    """A field of a live data buffer; 0 (and the error message) for any other handle."""
    b = lookup(data_buffer, DataBuffer)
    if b is None:
        fail(INVALID_RESOURCE_HANDLE, api + ": " + C.describe_handle(data_buffer))
        return 0
    return getattr(b, field)


def get_data_buffer_addr(data_buffer):
    return _buffer_field(data_buffer, "addr", "acl.get_data_buffer_addr")


def get_data_buffer_size(data_buffer):
    return _buffer_field(data_buffer, "size", "acl.get_data_buffer_size")


def get_data_buffer_size_v2(data_buffer):
    return _buffer_field(data_buffer, "size", "acl.get_data_buffer_size_v2")


# --------------------------------------------------------------------------
# tensor descs
# --------------------------------------------------------------------------
class TensorDesc(C.Obj):
    __slots__ = ("dtype", "dims", "format", "name")
    KIND = C.K_TENSOR_DESC

    def __init__(self, dtype, dims, fmt):
        self.dtype = dtype
        self.dims = dims
        self.format = fmt
        self.name = ""


def create_tensor_desc(data_type, dims, format):
    try:
        dims = [int(d) for d in (dims or [])]
    except (TypeError, ValueError):
        fail(INVALID_PARAM, "acl.create_tensor_desc: dims must be a list of ints")
        return 0
    return C.register(TensorDesc(data_type, dims, format))


def destroy_tensor_desc(desc):
    return C.release_void(desc, TensorDesc, "acl.destroy_tensor_desc")


def _tdesc(desc, api):
    d = lookup(desc, TensorDesc)
    if d is None:
        fail(INVALID_RESOURCE_HANDLE, api + ": " + C.describe_handle(desc))
    return d


def get_tensor_desc_type(desc):
    d = _tdesc(desc, "acl.get_tensor_desc_type")
    return -1 if d is None else d.dtype


def get_tensor_desc_format(desc):
    d = _tdesc(desc, "acl.get_tensor_desc_format")
    return -1 if d is None else d.format


def get_tensor_desc_num_dims(desc):
    d = _tdesc(desc, "acl.get_tensor_desc_num_dims")
    return 0 if d is None else len(d.dims)


def get_tensor_desc_dim_v2(desc, index):
    d = _tdesc(desc, "acl.get_tensor_desc_dim_v2")
    if d is None:
        return -1, INVALID_RESOURCE_HANDLE
    if not 0 <= index < len(d.dims):
        return -1, fail(INVALID_PARAM, "acl.get_tensor_desc_dim_v2: index out of range")
    return d.dims[index], 0


def get_tensor_desc_element_count(desc):
    d = _tdesc(desc, "acl.get_tensor_desc_element_count")
    if d is None:
        return 0
    n = 1
    for x in d.dims:
        n *= max(x, 0)
    return n


def get_tensor_desc_size(desc):
    d = _tdesc(desc, "acl.get_tensor_desc_size")
    if d is None:
        return 0
    return get_tensor_desc_element_count(desc) * DTYPE_INFO.get(d.dtype, ("", 1))[1]


def get_tensor_desc_name(desc):
    d = _tdesc(desc, "acl.get_tensor_desc_name")
    return "" if d is None else d.name


def set_tensor_desc_name(desc, name):
    d = _tdesc(desc, "acl.set_tensor_desc_name")
    if d is not None:
        d.name = str(name)
    return None
