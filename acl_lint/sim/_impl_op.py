"""acl.op single-operator execution: execute / execute_v2 / cast, op handles, set_model_dir.

No operator is computed. Like the DVPP operations, a queued operator fills each output buffer
from a digest of (operator type, input bytes): block = SHA-256 pattern of
``acl_lint.sim._core.fill_bytes`` with the output's data type (floats in [0, 1)). The calls are
asynchronous on their stream [py800:0776] [py80RC3a3:0778]: arguments are checked when the call
is made, memory again when the task runs.

Error codes: null handle or list length mismatch 100000 INVALID_PARAM; a tensor desc, data
buffer, op attr or op handle that is unknown, released or of another kind 200005
INVALID_RESOURCE_HANDLE; no current context 107002; a stream of another context 107003;
freed or unknown memory 107000 (at the call or at synchronization); set_model_dir of a
directory that does not exist 100003 INVALID_FILE (as acl.init with a missing file).
"""

import os

from . import _core as C
from . import _memory as Mem
from ._core import fail, need_ctx, stream_of
from ._errors import INVALID_FILE, INVALID_PARAM, INVALID_RESOURCE_HANDLE, SimError
from ._impl_acl import DataBuffer, TensorDesc
from ._impl_util import OpAttr


class OpHandle(C.Obj):
    __slots__ = ("op_type", "in_descs", "out_descs")
    KIND = C.K_OP_HANDLE

    def __init__(self, op_type, in_descs, out_descs):
        self.op_type = op_type
        self.in_descs = in_descs
        self.out_descs = out_descs


def _objs(handles, cls, api, what):
    if not isinstance(handles, (list, tuple)):
        raise SimError(INVALID_PARAM, "%s: %s must be a list of handles" % (api, what))
    return [C.lookup_or_raise(h, cls, api, what) for h in handles]


def _mem(buf, api, what):
    if not buf.alive:
        raise SimError(INVALID_RESOURCE_HANDLE, "%s: %s was destroyed before the task ran" % (api, what))
    try:
        return Mem.resolve(buf.addr, buf.size)
    except SimError as e:
        raise SimError(e.code, "%s: %s: %s" % (api, what, e))


def _run(api, op_type, ins, outs, out_descs):
    blobs = [op_type.encode()]
    for k, b in enumerate(ins):
        if b.addr:
            r, off = _mem(b, api, "input buffer %d" % k)
            blobs.append(Mem.read_region(r, off, b.size))
    digest = C.digest_of(blobs)
    for k, (b, d) in enumerate(zip(outs, out_descs)):
        r, off = _mem(b, api, "output buffer %d" % k)
        Mem.write_region(r, off, C.fill_bytes(digest, k, d.dtype, b.size))
    return 0


def _submit(api, op_type, in_descs, inputs, out_descs, outputs, attr, stream):
    """Check the arguments, queue the operator on the stream: ret."""
    try:
        ctx = need_ctx()
        if not isinstance(op_type, str) or not op_type:
            raise SimError(INVALID_PARAM, "%s: op_type must be a non-empty str" % api)
        ids, ods = _objs(in_descs, TensorDesc, api, "input desc"), _objs(out_descs, TensorDesc, api, "output desc")
        ins, outs = _objs(inputs, DataBuffer, api, "input buffer"), _objs(outputs, DataBuffer, api, "output buffer")
        if len(ids) != len(ins) or len(ods) != len(outs):
            raise SimError(INVALID_PARAM, "%s: %d input descs for %d inputs, %d output descs for %d "
                           "outputs" % (api, len(ids), len(ins), len(ods), len(outs)))
        if attr:
            C.lookup_or_raise(attr, OpAttr, api, "op attr")
        s = stream_of(stream, ctx)
        for k, b in enumerate(ins):
            if b.addr:
                _mem(b, api, "input buffer %d" % k)
        for k, b in enumerate(outs):
            _mem(b, api, "output buffer %d" % k)
    except SimError as e:
        return fail(e.code, str(e))
    C.enqueue(s, _run, (api, op_type, ins, outs, ods), api)
    return 0


def execute_v2(op_type, input_desc, inputs, output_desc, outputs, attr, stream):
    return _submit("acl.op.execute_v2", op_type, input_desc, inputs, output_desc, outputs, attr, stream)


def execute(op_type, input_desc, inputs, output_desc, outputs, attr, stream):
    return _submit("acl.op.execute", op_type, input_desc, inputs, output_desc, outputs, attr, stream)


def cast(src_desc, src_buffer, dst_desc, dst_buffer, truncate, stream):
    return _submit("acl.op.cast", "Cast", [src_desc], [src_buffer], [dst_desc], [dst_buffer], 0, stream)


def create_handle(op_type, input_desc, output_desc, attr):
    api = "acl.op.create_handle"
    try:
        if not isinstance(op_type, str) or not op_type:
            raise SimError(INVALID_PARAM, "%s: op_type must be a non-empty str" % api)
        ids, ods = _objs(input_desc, TensorDesc, api, "input desc"), _objs(output_desc, TensorDesc, api, "output desc")
        if attr:
            C.lookup_or_raise(attr, OpAttr, api, "op attr")
    except SimError as e:
        return 0, fail(e.code, str(e))
    # the handle keeps what it needs of the descriptions: they may be destroyed after this call
    return C.register(OpHandle(op_type, [TensorDesc(d.dtype, list(d.dims), d.format) for d in ids],
                               [TensorDesc(d.dtype, list(d.dims), d.format) for d in ods])), 0


def execute_with_handle(handle, inputs, outputs, stream):
    api = "acl.op.execute_with_handle"
    try:
        h = C.lookup_or_raise(handle, OpHandle, api, "op handle")
    except SimError as e:
        return fail(e.code, str(e))
    return _submit_handle(api, h, inputs, outputs, stream)


def _submit_handle(api, h, inputs, outputs, stream):
    try:
        ctx = need_ctx()
        ins, outs = _objs(inputs, DataBuffer, api, "input buffer"), _objs(outputs, DataBuffer, api, "output buffer")
        if len(ins) != len(h.in_descs) or len(outs) != len(h.out_descs):
            raise SimError(INVALID_PARAM, "%s: the handle takes %d inputs and %d outputs, got %d and %d"
                           % (api, len(h.in_descs), len(h.out_descs), len(ins), len(outs)))
        s = stream_of(stream, ctx)
    except SimError as e:
        return fail(e.code, str(e))
    C.enqueue(s, _run, (api, h.op_type, ins, outs, h.out_descs), api)
    return 0


def destroy_handle(handle):
    return C.release_void(handle, OpHandle, "acl.op.destroy_handle")


def set_model_dir(model_dir):
    if not isinstance(model_dir, str) or not os.path.isdir(model_dir):
        return fail(INVALID_FILE, "acl.op.set_model_dir: %r is not a directory" % (model_dir,))
    return 0


FUNCS = {f.__name__: f for f in (execute, execute_v2, cast, create_handle, execute_with_handle,
                                 destroy_handle, set_model_dir)}
