"""acl_lint.sim: a pure-Python stand-in for the pyACL ``acl`` module.

Entry points
------------
``install()``      put the simulator in ``sys.modules`` as ``acl`` (and ``acl.rt``,
                   ``acl.mdl``, ``acl.media``, ``acl.util``, ``acl.op``, ``acl.himpi``,
                   ``acl.prof``); returns the ``acl`` module. Does not reset the simulated
                   process. Every API of rules/api/*.toml is simulated except those
                   rules/simulation.toml lists; calling one of those raises AttributeError
                   with the reason.
``uninstall()``    restore whatever those ``sys.modules`` entries were before.
``make_module()``  a fresh ``acl`` module tree without touching ``sys.modules``.
``reset()``        back to a pristine process (no init, no devices, no memory, default
                   configuration). Handles and addresses stay unique across resets.
``configure(**kw)``  device_memory_limit (bytes per device, default 8 GiB),
                   host_memory_limit (64 GiB), device_count (8), run_mode (1 = ACL_HOST),
                   soc_name, allow_raw_host_pointers (True: real process addresses such as
                   ``arr.ctypes.data`` are read/written as host memory),
                   strict_memory_sides (True: host/device checks, see below),
                   init_refcount (False: a second acl.init fails 100002; True: 8.5+
                   reference counting), stop_thread_timeout (10 s).
``state()``        summary counts (live allocations, objects, models, pending tasks...).
``allocations()`` / ``live_objects()``  the live allocations / object handles.
``expected_output(input_blobs, index, acl_dtype, size)``  the bytes execute writes.

Return shapes follow pyacl-reference.md section 0: ``(value, ret)`` with the value first,
bare ``ret``, a handle alone (0 on failure), ``None`` for void APIs
(``destroy_tensor_desc``, ``op.destroy_attr``), ``query_size`` -> (work, weight, ret),
``finalize_reference`` -> (count, ret), ``add_dataset_buffer`` and
``set_dataset_tensor_desc`` -> (dataset, ret),
``dvpp_jpeg_get_image_info`` -> (width, height, components, ret). Every failing call
also sets ``acl.get_recent_err_msg()``.

Handles and memory
------------------
Handles are ints at fake addresses, never reused in a process: object handles from
0x0100_0000_0000 (the kind is encoded in bits 3..7), device memory (rt.malloc) from
0x1000_0000_0000, malloc_host from 0x2000_..., media.dvpp_malloc from 0x3000_...,
himpi.dvpp_malloc from 0x4000_..., util.bytes_to_ptr / numpy_to_ptr from 0x4800_....
Allocations are 128-byte aligned with a gap after each, are real byte buffers
(bytearray, or anonymous mmap above 1 MiB) and accept interior pointers
(``base + offset``). ``bytes_to_ptr``/``numpy_to_ptr`` alias the object's own buffer
(writes through the pointer change the object, as with the real binding); the
simulator keeps the object alive and drops bridges nobody else references every 1024
new bridges. Device-side allocations (malloc, malloc_cached, dvpp, himpi, execute
outputs, system-managed model work/weight memory, and malloc_host in ACL_DEVICE run
mode) are accounted against the per-device limit.

With ``strict_memory_sides`` (default) and run mode ACL_HOST: memcpy kinds must match
where the memory is (DEFAULT=4 infers), model input/output buffers and load_*_with_mem
work/weight memory must be device memory, and DVPP pic desc / decode input / encode
output memory must come from media.dvpp_malloc or himpi.dvpp_malloc.

Models (design section 5)
-------------------------
``mdl.load_from_file(path)`` loads any existing file. A JSON object with "inputs" /
"outputs" lists of ``{"shape": [...], "dtype": "float32", "name": ..., "format": ...}``
describes the model; optional keys: "dynamic_batch": [1, 2, 4], "dynamic_hw":
[[h, w], ...], "dynamic_dims": [[values for each -1 input dim], ...] (each adds the input
"ascend_mbatch_shape_data", int64), "aipp": true (adds "ascend_dynamic_aipp_data"),
"work_size", "weight_size". Any other bytes give the default model: input "input_0"
float32 1x3x224x224, output "output_0" float32 1x1000. Sizes use the largest gear.
``map_models({"model/*.om": "specs/resnet50.json"}, base=folder)`` sends model paths
(globs) to JSON specs instead, so a program's real ``.om`` paths get real shapes; a path
neither mapped nor present fails with the documented code and a message on stderr
naming it (see sim/_models.py; the map survives ``reset()``).
query_size: work = align(sum of input and output sizes, 64 KiB) + 64 KiB, weight =
align(file size, 4 KiB) (unless given). System-managed parts are charged to the device
at load and released at unload.

Execution is deterministic: ``digest = SHA-256 over (len as u64 LE || bytes)`` of each
data input, in order (the first ``input_size`` bytes of its buffer; the dynamic-shape
and AIPP control inputs are skipped). Output k is a 1024-byte block repeated to its
size: block = concat(SHA-256(digest || u32 LE k || u32 LE j) for j in 0..31), and for
float32 / float16 / double outputs those bytes are read as unsigned ints u and written
as u / 2**bits (values in [0, 1)). ``expected_output`` computes it. Output buffers made
with ``create_data_buffer(0, 0)`` get system-allocated device memory (freed with
``rt.free``). DVPP operations fill their output the same way from a digest of
(operation name, input bytes, output width/height); ``dvpp_jpeg_encode_async`` writes a
minimal JPEG (SOI, SOF0 with the input width/height, 64-byte COM, EOI) and its size.

Streams
-------
``execute_async``, ``execute_async_v2``, ``memcpy_async``, ``memset_async``, the DVPP
``*_async`` calls, ``record_event``, ``stream_wait_event`` and ``launch_callback`` are
queued on their stream (0 = the default stream of the current context) and take effect
only when the stream is synchronized: ``synchronize_stream``, ``synchronize_event`` of a
later-recorded event, ``synchronize_device``, ``destroy_stream`` / ``reset_device``
(which finish pending work), a synchronous ``execute_v2`` on that stream, or
``process_report`` in the thread subscribed to the stream (it runs the queue up to the
last pending callback). Arguments are validated when the call is made (errors are
returned then); the memory is re-checked when the task runs, and the first failure is
returned by the next ``synchronize_stream`` / ``synchronize_device``. Callbacks run in
the thread that synchronizes (or in the ``process_report`` thread); exceptions they
raise are collected in ``state()["callback_errors"]``.

Error codes by failure class (values and names from pyacl-reference.md section 3)
---------------------------------------------------------------------------------
* repeated ``acl.init``: 100002 REPEAT_INITIALIZE [py80RC22:0005] (``acl.init`` after
  ``acl.finalize`` succeeds again; with init_refcount=True a repeat counts instead)
* ``acl.finalize`` without init, or repeated: 100037 REPEAT_FINALIZE [§3, mmdeploy]
* ``set_device`` / ``create_context`` / ``mdl.load_*`` before ``acl.init``: 100001
  UNINITIALIZE. ``acl.init(path)`` with a missing config file: 100003 INVALID_FILE.
* null (0/None) handle or pointer where one is required; sizes <= 0 for malloc,
  count > dest_max, unknown memcpy kind, async HOST_TO_HOST, bad exec-config attr,
  bad callback block type, jpege level outside 0..100, an index out of range, a
  dynamic gear the model does not have: 100000 INVALID_PARAM
* context / stream / event / util thread handle that is unknown, released (double
  destroy, use after destroy) or of another kind: 107017 RT INVALID_HANDLE [rt-codes]
* model desc, dataset, data buffer, exec config, aipp, tensor desc, op attr, dvpp
  channel desc, pic desc, roi / resize / jpege config that is unknown, released or of
  another kind (e.g. a dataset passed to destroy_data_buffer): 200005
  INVALID_RESOURCE_HANDLE. Void APIs (destroy_tensor_desc, op.destroy_attr) only set
  the error message.
* model id never loaded or already unloaded (double unload, use after unload): 100011
  INVALID_MODEL_ID
* ``rt.free`` / ``free_host`` / ``media.dvpp_free`` / ``himpi.dvpp_free`` of an address
  that is not a live allocation of that allocator (double free, interior pointer,
  wrong API, never allocated): 207002 RT MEMORY_FREE
* reading or writing freed, unknown or out-of-range memory (memcpy, memset, execute
  buffers, DVPP, load_from_mem), memcpy kind not matching the memory, host memory
  where device/DVPP memory is required: 107000 RT PARAM_INVALID (ptr_to_bytes /
  ptr_to_numpy, which have no return code, raise ``SimFault`` carrying it)
* out of device memory: rt.malloc / malloc_cached / malloc_host / dvpp_malloc /
  himpi.dvpp_malloc: 207001 RT MEMORY_ALLOCATION; system-managed model memory at load
  and ``(0, 0)`` outputs at execute: 200000 BAD_ALLOC
* no current context on the thread: 107002 RT CONTEXT_NULL [rt-codes]
* stream of another context used or destroyed: 107003 RT STREAM_CONTEXT [py5046:0067]
* model executed or unloaded in another context than its load context: 107004 RT
  MODEL_CONTEXT [py800:0141]
* invalid device id: 107001 RT INVALID_DEVICEID; destroy_context of a default context:
  100000; set_context of a context whose device was reset: 107017
* missing model file (load_from_file*, query_size): 100003 INVALID_FILE; invalid JSON
  model description: 100013 PARSE_MODEL
* input / output dataset buffer count or buffer size too small: 100017
  MODEL_INPUT_NOT_MATCH / 100018 MODEL_OUTPUT_NOT_MATCH; dynamic setter on a model
  without that kind of dynamic input: 100019 MODEL_NOT_DYNAMIC
* work/weight memory of load_*_with_mem freed while the model is loaded, then
  execute: 507011 RT MODEL_EXECUTE; work/weight size smaller than query_size: 100000
* launch_callback on a stream nobody subscribed: 107015 RT STREAM_NO_CB_REG;
  subscribe_report of a subscribed stream: 100033 REPEAT_SUBSCRIBE; unsubscribe of a
  stream not subscribed by that thread: 100034 STREAM_NOT_SUBSCRIBE; process_report
  timing out: 507012 RT REPORT_TIMEOUT (100035 THREAD_NOT_SUBSCRIBE if the thread
  subscribes no stream); util.stop_thread timing out: 107019 RT WAIT_TIMEOUT
* dvpp_destroy_channel_desc while its channel exists: 200004 RESOURCE_NOT_MATCH
  [py5046:0202]; DVPP call on a desc without a channel, channel created twice, image
  that is not a JPEG/PNG, output too small: 100000
"""

import sys
from collections import Counter

from . import _core
from ._core import KIND_NAMES, S
from ._errors import SimFault
from ._models import ModelMapError, map_models, map_project_models, model_map, parse_entries, restore_map
from ._modules import SUBMODULES, make_module

__all__ = [
    "install", "uninstall", "is_installed", "make_module", "reset", "configure", "config",
    "state", "allocations", "live_objects", "expected_output", "SimFault",
    "map_models", "map_project_models", "model_map", "parse_entries", "restore_map", "ModelMapError",
]

_MISSING = object()
_installed = None
_saved = None


def _names():
    return ["acl"] + ["acl." + s for s in SUBMODULES]


def install():
    """Install the simulator as ``acl`` in sys.modules and return the module."""
    global _installed, _saved
    if _installed is not None and sys.modules.get("acl") is _installed:
        return _installed
    mod = make_module()
    if _saved is None:
        _saved = {n: sys.modules.get(n, _MISSING) for n in _names()}
    sys.modules["acl"] = mod
    for s in SUBMODULES:
        sys.modules["acl." + s] = getattr(mod, s)
    _installed = mod
    return mod


def uninstall():
    """Restore the sys.modules entries that install() replaced."""
    global _installed, _saved
    if _saved is None:
        return
    for n, v in _saved.items():
        if v is _MISSING:
            sys.modules.pop(n, None)
        else:
            sys.modules[n] = v
    _installed = None
    _saved = None


def is_installed():
    return _installed is not None and sys.modules.get("acl") is _installed


def reset():
    """Return the simulated process to a pristine state (and default configuration)."""
    S.__init__()


def configure(**settings):
    """Change simulator settings (see the module docstring); returns the new settings."""
    for k in settings:
        if k not in _core.DEFAULT_CONFIG:
            raise TypeError("unknown simulator setting %r (known: %s)"
                            % (k, ", ".join(sorted(_core.DEFAULT_CONFIG))))
    if "run_mode" in settings and settings["run_mode"] not in (0, 1):
        raise ValueError("run_mode must be 0 (ACL_DEVICE) or 1 (ACL_HOST)")
    S.cfg.__dict__.update(settings)
    return config()


def config():
    return dict(S.cfg.__dict__)


def allocations():
    """Live memory allocations (not util bridges): list of dicts."""
    with S.lock:
        regions = list(S.regions.values())
    return [{"addr": r.base, "size": r.size, "allocator": r.alloc, "device": r.device,
             "origin": r.origin, "release_with": _core.ALLOCATORS[r.alloc][2]}
            for r in regions if r.alloc != "bridge"]


def live_objects():
    """Live object handles created by the program: list of (handle, kind name).
    Default contexts and default streams (implicit) are not listed."""
    out = []
    for o in list(S.objs.values()):
        if getattr(o, "is_default", False):
            continue
        out.append((o.handle, KIND_NAMES.get(o.KIND, "object")))
    return out


def state():
    """Summary of the simulated process, for tests and leak reports."""
    allocs = allocations()
    objs = live_objects()
    pending = 0
    for o in list(S.objs.values()):
        if o.__class__ is _core.Stream:
            pending += len(o.queue)
    return {
        "initialized": S.initialized,
        "live_allocations": len(allocs),
        "allocations_by_allocator": dict(Counter(a["allocator"] for a in allocs)),
        "device_memory_used": {d.id: d.mem_used for d in S.devices.values()},
        "host_memory_used": S.host_used,
        "live_objects": len(objs),
        "objects_by_kind": dict(Counter(k for _h, k in objs)),
        "models_loaded": len(S.models),
        "pending_tasks": pending,
        "devices": {d.id: {"refcount": d.refcount, "open": d.open}
                    for d in S.devices.values()},
        "bridges": sum(1 for r in list(S.bridges.values()) if r.alive),
        "callback_errors": list(S.callback_errors),
        "api_errors": S.api_errors,
    }


def expected_output(input_blobs, index, acl_dtype, size):
    """The bytes a simulated model writes to output ``index`` (data type ``acl_dtype``,
    ``size`` bytes) for the given data-input byte strings."""
    return _core.fill_bytes(_core.digest_of([bytes(b) for b in input_blobs]), index,
                            acl_dtype, size)
