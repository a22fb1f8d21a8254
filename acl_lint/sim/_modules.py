"""Builds the module objects installed as ``acl``, ``acl.rt``, ``acl.mdl`` ..."""

import types

from ..ruledata import load_toml, rules_dir
from . import _impl_acl as A
from . import _impl_codec as V
from . import _impl_mdl as M
from . import _impl_mdl_dynamic as MD
from . import _impl_mdl_load as ML
from . import _impl_media as D
from . import _impl_misc as X
from . import _impl_op as O
from . import _impl_prof as P
from . import _impl_rt as R
from . import _impl_util as U

SUBMODULES = ("rt", "mdl", "media", "util", "op", "himpi", "prof")

ACL_FUNCS = {
    name: getattr(A, name) for name in (
        "init", "finalize", "finalize_reference", "get_soc_name", "get_recent_err_msg",
        "create_data_buffer", "destroy_data_buffer", "update_data_buffer",
        "get_data_buffer_addr", "get_data_buffer_size", "get_data_buffer_size_v2",
        "create_tensor_desc", "destroy_tensor_desc", "get_tensor_desc_type",
        "get_tensor_desc_format", "get_tensor_desc_num_dims", "get_tensor_desc_dim_v2",
        "get_tensor_desc_element_count", "get_tensor_desc_size", "get_tensor_desc_name",
        "set_tensor_desc_name",
    )
}

ACL_FUNCS.update(X.ACL_FUNCS)

ACL_CONSTANTS = {
    "ACL_SUCCESS": 0, "ACL_ERROR_NONE": 0,
    "ACL_DT_UNDEFINED": -1, "ACL_FLOAT": 0, "ACL_FLOAT16": 1, "ACL_INT8": 2, "ACL_INT32": 3,
    "ACL_UINT8": 4, "ACL_INT16": 6, "ACL_UINT16": 7, "ACL_UINT32": 8, "ACL_INT64": 9,
    "ACL_UINT64": 10, "ACL_DOUBLE": 11, "ACL_BOOL": 12,
    "ACL_FORMAT_UNDEFINED": -1, "ACL_FORMAT_NCHW": 0, "ACL_FORMAT_NHWC": 1, "ACL_FORMAT_ND": 2,
    "ACL_FORMAT_NC1HWC0": 3, "ACL_FORMAT_FRACTAL_Z": 4,
}

RT_FUNCS = {
    name: getattr(R, name) for name in (
        "set_device", "reset_device", "reset_device_force", "get_run_mode", "get_device",
        "get_device_count", "create_context", "destroy_context", "set_context", "get_context",
        "get_mem_info", "synchronize_device", "create_stream", "destroy_stream",
        "synchronize_stream", "synchronize_stream_with_timeout", "create_event",
        "create_event_with_flag", "destroy_event", "record_event", "synchronize_event",
        "stream_wait_event", "reset_event", "query_event_status", "subscribe_report",
        "unsubscribe_report", "launch_callback", "process_report", "malloc", "malloc_cached",
        "free", "malloc_host", "free_host", "memcpy", "memcpy_async", "memset", "memset_async",
    )
}

RT_FUNCS.update(X.RT_FUNCS)

RT_CONSTANTS = {
    "ACL_MEM_MALLOC_HUGE_FIRST": 0, "ACL_MEM_MALLOC_HUGE_ONLY": 1,
    "ACL_MEM_MALLOC_NORMAL_ONLY": 2, "ACL_MEM_MALLOC_HUGE_FIRST_P2P": 3,
    "ACL_MEM_MALLOC_HUGE_ONLY_P2P": 4, "ACL_MEM_MALLOC_NORMAL_ONLY_P2P": 5,
    "ACL_MEM_TYPE_LOW_BAND_WIDTH": 0x100, "ACL_MEM_TYPE_HIGH_BAND_WIDTH": 0x1000,
    "ACL_MEMCPY_HOST_TO_HOST": 0, "ACL_MEMCPY_HOST_TO_DEVICE": 1,
    "ACL_MEMCPY_DEVICE_TO_HOST": 2, "ACL_MEMCPY_DEVICE_TO_DEVICE": 3, "ACL_MEMCPY_DEFAULT": 4,
    "ACL_DEVICE": 0, "ACL_HOST": 1,
    "ACL_CALLBACK_NO_BLOCK": 0, "ACL_CALLBACK_BLOCK": 1,
    "ACL_EVENT_RECORDED_STATUS_NOT_READY": 0, "ACL_EVENT_RECORDED_STATUS_COMPLETE": 1,
}

MDL_FUNCS = {
    name: getattr(M, name, None) or getattr(ML, name, None) or getattr(MD, name) for name in (
        "load_from_file", "load_from_mem", "load_from_file_with_mem", "load_from_mem_with_mem",
        "query_size", "query_size_from_mem", "unload", "create_desc", "destroy_desc", "get_desc",
        "get_num_inputs", "get_num_outputs", "get_input_size_by_index",
        "get_output_size_by_index", "get_input_dims", "get_input_dims_v2", "get_output_dims",
        "get_cur_output_dims", "get_input_data_type", "get_output_data_type",
        "get_input_format", "get_output_format", "get_input_name_by_index",
        "get_output_name_by_index", "get_input_index_by_name", "get_output_index_by_name",
        "get_dynamic_batch", "get_dynamic_hw", "get_input_dynamic_gear_count",
        "get_input_dynamic_dims", "create_dataset", "destroy_dataset", "add_dataset_buffer",
        "get_dataset_num_buffers", "get_dataset_buffer", "set_dataset_tensor_desc",
        "get_dataset_tensor_desc", "execute", "execute_async", "execute_v2", "execute_async_v2",
        "create_exec_config_handle", "set_exec_config_opt", "destroy_exec_config_handle",
        "create_aipp", "destroy_aipp", "set_input_aipp", "set_aipp_by_input_index",
        "set_dynamic_batch_size", "set_dynamic_hw_size", "set_input_dynamic_dims",
    )
}

MDL_CONSTANTS = {
    "ACL_MDL_STREAM_SYNC_TIMEOUT": 0, "ACL_MDL_EVENT_SYNC_TIMEOUT": 1,
    "ACL_MDL_WORK_ADDR_PTR": 2, "ACL_MDL_WORK_SIZET": 3, "ACL_MDL_MPAIMID_SIZET": 4,
    "ACL_MDL_AICQOS_SIZET": 5, "ACL_MDL_AICOST_SIZET": 6, "ACL_MDL_MEC_TIMETHR_SIZET": 7,
    "ACL_DYNAMIC_TENSOR_NAME": ML.DYNAMIC_TENSOR_NAME,
    "ACL_DYNAMIC_AIPP_NAME": ML.DYNAMIC_AIPP_NAME,
}

MEDIA_FUNCS = {
    name: getattr(D, name) for name in (
        "dvpp_malloc", "dvpp_free", "dvpp_create_channel_desc", "dvpp_create_channel",
        "dvpp_destroy_channel", "dvpp_destroy_channel_desc", "dvpp_create_pic_desc",
        "dvpp_destroy_pic_desc", "dvpp_create_roi_config", "dvpp_set_roi_config",
        "dvpp_destroy_roi_config", "dvpp_create_resize_config",
        "dvpp_set_resize_config_interpolation", "dvpp_destroy_resize_config",
        "dvpp_create_jpege_config", "dvpp_set_jpege_config_level",
        "dvpp_get_jpege_config_level", "dvpp_destroy_jpege_config",
        "dvpp_jpeg_get_image_info", "dvpp_png_get_image_info", "dvpp_jpeg_predict_dec_size",
        "dvpp_png_predict_dec_size", "dvpp_jpeg_predict_enc_size", "dvpp_vpc_resize_async",
        "dvpp_vpc_crop_async", "dvpp_vpc_crop_and_paste_async", "dvpp_vpc_convert_color_async",
        "dvpp_jpeg_decode_async", "dvpp_png_decode_async", "dvpp_jpeg_encode_async",
    )
}
MEDIA_FUNCS.update(D.PIC_SETTERS)
MEDIA_FUNCS.update(D.PIC_GETTERS)
MEDIA_FUNCS.update(V.FUNCS)

MEDIA_CONSTANTS = {
    "PIXEL_FORMAT_YUV_400": 0, "PIXEL_FORMAT_YUV_SEMIPLANAR_420": 1,
    "PIXEL_FORMAT_YVU_SEMIPLANAR_420": 2, "PIXEL_FORMAT_YUV_SEMIPLANAR_422": 3,
    "PIXEL_FORMAT_YVU_SEMIPLANAR_422": 4, "PIXEL_FORMAT_YUV_SEMIPLANAR_444": 5,
    "PIXEL_FORMAT_YVU_SEMIPLANAR_444": 6, "PIXEL_FORMAT_RGB_888": 12,
    "PIXEL_FORMAT_BGR_888": 13, "PIXEL_FORMAT_ARGB_8888": 14, "PIXEL_FORMAT_ABGR_8888": 15,
    "PIXEL_FORMAT_RGBA_8888": 16, "PIXEL_FORMAT_BGRA_8888": 17,
}

UTIL_FUNCS = {
    name: getattr(U, name) for name in (
        "start_thread", "stop_thread", "bytes_to_ptr", "numpy_to_ptr",
        "numpy_contiguous_to_ptr", "ptr_to_bytes", "ptr_to_numpy",
    )
}

OP_FUNCS = {"create_attr": U.create_attr, "destroy_attr": U.destroy_attr}
OP_FUNCS.update(O.FUNCS)

HIMPI_FUNCS = {"dvpp_malloc": D.himpi_dvpp_malloc, "dvpp_free": D.himpi_dvpp_free}


def not_simulated():
    """{call below acl: reason} for the catalogued APIs listed in rules/simulation.toml."""
    out = {}
    for entry in load_toml(rules_dir() / "simulation.toml").get("not_simulated", []):
        for call in entry.get("calls", ()):
            out[call] = entry.get("why", "")
    return out


def _fallback(mod, prefix="", factory=None, missing=None):
    """PEP 562 module __getattr__: setters of a family not modelled one by one
    (set_aipp_*, dvpp_set_*, set_attr_*) validate their handle and return 0; an API that
    rules/simulation.toml lists as not simulated raises AttributeError with the reason."""
    below = mod.__name__[4:] + "." if mod.__name__ != "acl" else ""

    def __getattr__(name):
        if factory is not None and name.startswith(prefix):
            fn = factory(name)
            setattr(mod, name, fn)
            return fn
        why = (missing or {}).get(below + name)
        if why is not None:
            raise AttributeError("%s.%s is not simulated by acl_lint.sim: %s" % (mod.__name__, name, why))
        raise AttributeError("module %r has no attribute %r" % (mod.__name__, name))

    return __getattr__


def _module(name, funcs, consts, doc):
    mod = types.ModuleType(name, doc)
    mod.__dict__.update(funcs)
    mod.__dict__.update(consts)
    mod.__acl_lint_sim__ = True
    return mod


def make_module():
    """A fresh ``acl`` module tree (not installed in sys.modules)."""
    acl = _module("acl", ACL_FUNCS, ACL_CONSTANTS,
                  "Simulated pyACL (acl_lint.sim): pure Python, no device needed.")
    acl.__path__ = []  # a package, so `import acl.rt` resolves through sys.modules
    subs = {
        "rt": _module("acl.rt", RT_FUNCS, RT_CONSTANTS, "Simulated acl.rt"),
        "mdl": _module("acl.mdl", MDL_FUNCS, MDL_CONSTANTS, "Simulated acl.mdl"),
        "media": _module("acl.media", MEDIA_FUNCS, MEDIA_CONSTANTS, "Simulated acl.media"),
        "util": _module("acl.util", UTIL_FUNCS, {}, "Simulated acl.util"),
        "op": _module("acl.op", OP_FUNCS, {}, "Simulated acl.op"),
        "himpi": _module("acl.himpi", HIMPI_FUNCS, {}, "Simulated acl.himpi"),
        "prof": _module("acl.prof", P.FUNCS, P.CONSTANTS, "Simulated acl.prof"),
    }
    missing = not_simulated()
    families = {"mdl": ("set_aipp_", MD.aipp_setter), "media": ("dvpp_set_", D.media_setter),
                "op": ("set_attr_", U.attr_setter)}
    acl.__getattr__ = _fallback(acl, missing=missing)
    for k, m in subs.items():
        m.__getattr__ = _fallback(m, *families.get(k, ("", None)), missing=missing)
    for k, m in subs.items():
        setattr(acl, k, m)
    return acl
