"""The API catalogue (rules/api/*.toml) against the simulator and the names public code invents.

- every catalogued API is simulated, or rules/simulation.toml says why not (and nothing it
  lists is simulated after all); the simulator names object kinds as rules/kinds.toml does;
- rules/unknown_api.toml: names that are not pyACL APIs, each with what it was meant as,
  served by ``Protocol.invented`` / ``is_pyacl_name`` / ``closest_api``;
- the simulated VENC, VDEC, profiling, single-op and dataset-tensor-desc families behave as
  documented (lifecycles and their error codes).
"""

from __future__ import annotations

import struct

import pytest

import acl_lint.sim as sim
from acl_lint import protocol
from acl_lint.ruledata import RuleDataError
from acl_lint.sim._core import KIND_NAMES
from acl_lint.sim._modules import not_simulated
from test_protocol import copy_rules

INVALID_PARAM, INVALID_FILE, INVALID_RESOURCE_HANDLE, RT_CONTEXT_NULL = 100000, 100003, 200005, 107002


def _simulated(acl, call: str) -> bool:
    mod = acl
    *path, name = call.split(".")
    for part in path:
        mod = getattr(mod, part, None)
        if mod is None:
            return False
    try:
        return callable(getattr(mod, name))
    except AttributeError:
        return False


# --------------------------------------------------------------------------- catalogue vs simulator


def uncovered(p) -> list:
    acl, listed = sim.make_module(), not_simulated()
    return sorted("acl." + c for c in p.apis if c not in listed and not _simulated(acl, c))


def test_every_catalogued_api_is_simulated_or_listed_as_not_simulated():
    neither = uncovered(protocol.default())
    assert not neither, ("catalogued but neither simulated nor listed in rules/simulation.toml "
                         "(with a reason): " + ", ".join(neither))


def test_a_new_api_that_is_neither_is_caught(tmp_path):
    d = copy_rules(tmp_path)
    (d / "api" / "zz_new.toml").write_text(
        '[[api]]\ncall = "rt.malloc_magic"\nreturns = "value_ret"\nstatus = "acquire"\n'
        'acquires = "device_memory"\nsources = ["test"]\n')
    assert uncovered(protocol.load(d)) == ["acl.rt.malloc_magic"]


def test_what_simulation_toml_lists_is_catalogued_not_simulated_and_explained():
    p, acl, listed = protocol.default(), sim.make_module(), not_simulated()
    assert listed
    for call, why in listed.items():
        assert call in p.apis, f"rules/simulation.toml lists acl.{call}, which is not catalogued"
        assert not _simulated(acl, call), f"acl.{call} is simulated: remove it from rules/simulation.toml"
        assert len(why) > 20, f"acl.{call}: say why it is not simulated"


def test_a_not_simulated_api_says_why_on_the_simulator():
    acl = sim.make_module()
    with pytest.raises(AttributeError, match="acl.media.venc_send_frame is not simulated.*callback"):
        acl.media.venc_send_frame(1, 2, 0, 3, None)
    with pytest.raises(AttributeError, match="has no attribute 'destroy_model'"):
        acl.mdl.destroy_model(1)
    assert not hasattr(acl.media, "vdec_send_frame")


def test_simulator_kind_names_are_the_kinds_of_the_rules():
    kinds = protocol.default().kinds
    assert {name for name in KIND_NAMES.values() if name not in kinds} == set()


# --------------------------------------------------------------------------- names that are not APIs


def test_invented_names_say_what_they_were_meant_as():
    p = protocol.default()
    entry = p.invented("acl.mdl.destroy_model")
    assert entry is not None and entry.did_you_mean == "mdl.unload" and "unload" in entry.why
    assert not p.is_pyacl_name("acl.mdl.destroy_model")
    assert p.closest_api("acl.mdl.destroy_model") == "acl.mdl.unload"
    assert p.closest_api("acl.mdl.add_dataset_tensor") == "acl.mdl.add_dataset_buffer"
    assert p.closest_api("acl.rt.free_dvpp") == "acl.media.dvpp_free"


def test_known_names_and_typos():
    p = protocol.default()
    assert p.is_pyacl_name("acl.media.venc_create_channel") and p.is_pyacl_name("op.execute_v2")
    assert p.api("acl.rt.malloc") is p.api("rt.malloc") is not None
    assert p.invented("acl.rt.malloc") is None
    # no table entry: the closest catalogued name, first in the same submodule
    assert p.closest_api("acl.rt.destroy_strem") == "acl.rt.destroy_stream"
    assert p.closest_api("acl.mdl.unlaod") == "acl.mdl.unload"
    assert p.closest_api("acl.foo.frobnicate") is None
    assert not p.is_pyacl_name("acl.foo.frobnicate")


def test_every_invented_name_points_at_a_catalogued_api():
    p = protocol.default()
    assert p.unknown
    for name, entry in p.unknown.items():
        assert name not in p.apis
        assert not entry.did_you_mean or entry.did_you_mean in p.apis
        assert entry.why


@pytest.mark.parametrize("body, words", [
    ('name = "rt.malloc"\nwhy = "x"\n', ["rt.malloc", "is a catalogued API"]),
    ('name = "rt.mallocz"\ndid_you_mean = "rt.mallocx"\nwhy = "x"\n', ["did_you_mean 'rt.mallocx'"]),
    ('name = "rt.mallocz"\n', ["missing key 'why'"]),
    ('name = "rt.mallocz"\nwhy = "x"\nmeant = "rt.malloc"\n', ["unknown key", "meant"]),
])
def test_malformed_unknown_api_entries_name_file_and_entry(tmp_path, body, words):
    d = copy_rules(tmp_path)
    with open(d / "unknown_api.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[[unknown]]\n" + body)
    with pytest.raises(RuleDataError) as exc:
        protocol.load(d)
    assert "unknown_api.toml" in str(exc.value)
    for w in words:
        assert w in str(exc.value)


def test_rules_without_an_unknown_api_table_still_load(tmp_path):
    d = copy_rules(tmp_path)
    (d / "unknown_api.toml").unlink()
    p = protocol.load(d)
    assert p.unknown == {} and p.closest_api("acl.mdl.unlaod") == "acl.mdl.unload"


# --------------------------------------------------------------------------- simulated families


@pytest.fixture()
def dev():
    sim.reset()
    acl = sim.install()
    assert acl.init() == 0 and acl.rt.set_device(0) == 0
    stream, ret = acl.rt.create_stream()
    assert ret == 0
    yield acl, stream
    sim.uninstall()
    sim.reset()


def test_venc_lifecycle_and_destroy_order(dev):
    acl, _ = dev
    desc = acl.media.venc_create_channel_desc()
    assert desc and acl.media.venc_set_channel_desc_pic_width(desc, 1280) == 0
    assert acl.media.venc_get_channel_desc_pic_width(desc) == 1280
    assert acl.media.venc_create_channel(desc) == 0
    assert acl.media.venc_create_channel(desc) == INVALID_PARAM  # one channel per description
    cfg = acl.media.venc_create_frame_config()
    assert acl.media.venc_set_frame_config_eos(cfg, 1) == 0 and acl.media.venc_get_frame_config_eos(cfg) == 1
    assert acl.media.venc_destroy_frame_config(cfg) == 0
    assert acl.media.venc_destroy_frame_config(cfg) == INVALID_RESOURCE_HANDLE
    # the description destroyed first: destroying the channel then fails [en850:0234]
    assert acl.media.venc_destroy_channel_desc(desc) == 0
    assert acl.media.venc_destroy_channel(desc) == INVALID_RESOURCE_HANDLE
    assert "released" in acl.get_recent_err_msg()


def test_venc_channel_needs_a_context_and_a_live_description(dev):
    acl, _ = dev
    assert acl.media.venc_create_channel(0) == INVALID_PARAM
    desc = acl.media.venc_create_channel_desc()
    assert acl.rt.reset_device(0) == 0
    assert acl.media.venc_create_channel(desc) == RT_CONTEXT_NULL
    assert acl.media.venc_destroy_channel_desc(desc) == 0


def test_vdec_and_stream_desc_lifecycles(dev):
    acl, _ = dev
    desc = acl.media.vdec_create_channel_desc()
    assert acl.media.vdec_set_channel_desc_out_mode(desc, 1) == 0
    assert acl.media.vdec_get_channel_desc_out_mode(desc) == 1
    assert acl.media.vdec_create_channel(desc) == 0
    assert acl.media.vdec_destroy_channel_desc(desc) == 200004  # channel first, as for DVPP
    assert acl.media.vdec_destroy_channel(desc) == 0 and acl.media.vdec_destroy_channel_desc(desc) == 0
    sd = acl.media.dvpp_create_stream_desc()
    assert acl.media.dvpp_set_stream_desc_eos(sd, 1) == 0 and acl.media.dvpp_get_stream_desc_eos(sd) == 1
    assert acl.media.dvpp_get_stream_desc_size(sd) == 0
    assert acl.media.dvpp_destroy_stream_desc(sd) == 0
    assert acl.media.dvpp_get_stream_desc_eos(sd) == 0 and "released" in acl.get_recent_err_msg()


def test_batch_pic_desc_owns_its_pictures(dev):
    acl, _ = dev
    batch = acl.media.dvpp_create_batch_pic_desc(2)
    pic = acl.media.dvpp_get_pic_desc(batch, 1)
    assert pic and acl.media.dvpp_set_pic_desc_width(pic, 64) == 0
    assert acl.media.dvpp_get_pic_desc(batch, 2) == 0 and "out of range" in acl.get_recent_err_msg()
    assert acl.media.dvpp_destroy_batch_pic_desc(batch) == 0
    assert [k for _, k in sim.live_objects() if k in ("pic_desc", "batch_pic_desc")] == []


def test_profiling_pairings(dev):
    acl, _ = dev
    assert acl.prof.create_config([0], 0, 0, 1) == 0  # before init
    assert acl.prof.init("/tmp/prof") == 0
    cfg = acl.prof.create_config([0], 1, 0, 0, acl.prof.ACL_PROF_ACL_API)
    assert cfg
    assert acl.prof.stop(cfg) == INVALID_PARAM
    assert acl.prof.start(cfg) == 0 and acl.prof.stop(cfg) == 0
    assert acl.prof.destroy_config(cfg) == 0
    assert acl.prof.destroy_config(cfg) == INVALID_RESOURCE_HANDLE  # twice [c900:1611]
    assert acl.prof.finalize() == 0 and acl.prof.finalize() == INVALID_PARAM


def _buf(acl, data):
    ptr, ret = acl.rt.malloc(len(data), 0)
    assert ret == 0
    assert acl.rt.memcpy(ptr, len(data), acl.util.bytes_to_ptr(data), len(data), 1) == 0
    return ptr, acl.create_data_buffer(ptr, len(data))


def test_op_execute_v2_is_queued_and_deterministic(dev, tmp_path):
    acl, stream = dev
    assert acl.op.set_model_dir(str(tmp_path)) == 0
    assert acl.op.set_model_dir(str(tmp_path / "missing")) == INVALID_FILE
    d_in, d_out = acl.create_tensor_desc(0, [4], 2), acl.create_tensor_desc(0, [4], 2)
    _, b_in = _buf(acl, struct.pack("<4f", 1, 2, 3, 4))
    outs = []
    for _ in range(2):
        p_out, b_out = _buf(acl, bytes(16))
        assert acl.op.execute_v2("Relu", [d_in], [b_in], [d_out], [b_out], 0, stream) == 0
        assert acl.util.ptr_to_bytes(p_out, 16) == bytes(16)  # queued: nothing before the sync
        assert acl.rt.synchronize_stream(stream) == 0
        outs.append(acl.util.ptr_to_bytes(p_out, 16))
    assert outs[0] == outs[1] != bytes(16)
    assert acl.op.execute_v2("Relu", [d_in], [b_in, b_in], [d_out], [b_out], 0, stream) == INVALID_PARAM
    acl.destroy_tensor_desc(d_in)
    assert acl.op.execute_v2("Relu", [d_in], [b_in], [d_out], [b_out], 0, stream) == INVALID_RESOURCE_HANDLE


def test_op_handle_outlives_its_descriptions(dev):
    acl, stream = dev
    d = acl.create_tensor_desc(0, [4], 2)
    attr = acl.op.create_attr()
    handle, ret = acl.op.create_handle("Abs", [d], [d], attr)
    assert ret == 0 and handle
    acl.destroy_tensor_desc(d)
    _, b_in = _buf(acl, bytes(range(16)))
    p_out, b_out = _buf(acl, bytes(16))
    assert acl.op.execute_with_handle(handle, [b_in], [b_out], stream) == 0
    assert acl.rt.synchronize_stream(stream) == 0 and acl.util.ptr_to_bytes(p_out, 16) != bytes(16)
    assert acl.op.destroy_handle(handle) is None
    assert acl.op.execute_with_handle(handle, [b_in], [b_out], stream) == INVALID_RESOURCE_HANDLE


def test_dataset_tensor_desc_is_a_copy_the_caller_still_destroys(dev):
    acl, _ = dev
    ds = acl.mdl.create_dataset()
    desc = acl.create_tensor_desc(0, [1, 3, 8, 8], 0)
    got_ds, ret = acl.mdl.set_dataset_tensor_desc(ds, desc, 0)
    assert (got_ds, ret) == (ds, 0)  # (dataset, ret) [py800:0191]
    acl.destroy_tensor_desc(desc)  # the dataset keeps its own copy
    copy = acl.mdl.get_dataset_tensor_desc(ds, 0)
    assert copy and copy != desc and acl.get_tensor_desc_num_dims(copy) == 4
    assert acl.get_tensor_desc_dim_v2(copy, 3) == (8, 0)
    assert acl.mdl.destroy_dataset(ds) == 0
    assert [k for _, k in sim.live_objects() if k == "tensor_desc"] == []


def test_event_queries_and_aliases(dev):
    acl, stream = dev
    start, ret = acl.rt.create_event_ex_with_flag(0)
    end, _ = acl.rt.create_event()
    assert ret == 0 and start
    assert acl.rt.query_event(start) == (1, 0)  # NOT_READY in the older enum
    assert acl.rt.record_event(start, stream) == 0 and acl.rt.record_event(end, stream) == 0
    assert acl.rt.event_elapsed_time(start, end) == (0.0, 507006)  # not synchronized yet
    assert acl.rt.synchronize_stream(stream) == 0
    assert acl.rt.query_event(start) == (0, 0)
    assert acl.rt.event_elapsed_time(start, end) == (0.0, 0)
    ptr, ret = acl.rt.malloc_align32(256, 0)
    assert ret == 0 and acl.rt.free(ptr) == 0
    s2, ret = acl.rt.create_stream_with_config(0, 0)
    assert ret == 0 and acl.rt.destroy_stream(s2) == 0
    assert acl.app_log(1, "hello") is None and acl.data_type_size(1) == 2
    d = acl.create_tensor_desc(3, [1], 2)
    assert acl.set_tensor_const(d, acl.util.bytes_to_ptr(b"\x01\x00\x00\x00"), 4) == 0
    assert acl.set_tensor_const(0, 0, 0) == INVALID_PARAM


# --------------------------------------------------------------------------- citations


def test_every_cited_source_tag_resolves():
    from acl_lint import citations
    unknown = sorted({f"{f}: {t}" for f, t in citations.cited() if citations.resolve(t) is None})
    assert not unknown, "tags missing from rules/sources.toml: " + ", ".join(unknown)
    assert citations.resolve("py800:0776") == (
        "https://www.hiascend.com/document/detail/zh/canncommercial/800/apiref/appdevgapi/aclpythondevg_01_0776.html")
    assert "acl_venc.py" in citations.resolve("samples-venc")
    assert citations.resolve("py999:0001") is None and citations.resolve("nowhere") is None


# --------------------------------------------------------------------------- kinds


def test_every_kind_is_acquired_and_released_by_catalogued_apis():
    p = protocol.default()
    acquired = {a.acquires for a in p.apis.values()} | {a.keyed_acquire.kind for a in p.apis.values()
                                                         if a.keyed_acquire}
    made = {s.creates[0] for seq in p.sequences.values() for s in seq.steps if s.creates}
    for kind in p.kinds:
        assert kind in acquired or kind in made, f"no catalogued API acquires a {kind}"
        assert p.release_calls(kind), f"no catalogued API releases a {kind}"
    assert p.release_calls("venc_channel") == ("acl.media.venc_destroy_channel",)
    assert p.release_calls("prof_config") == ("acl.prof.destroy_config",)
    assert set(p.release_calls("device_memory")) == {"acl.rt.free"}


# --------------------------------------------------------------------------- the binding's names


def test_every_catalogued_api_is_a_function_of_the_binding_or_says_why_not():
    p = protocol.default()
    assert p.names.functions and len(p.names.functions) > 600
    stray = sorted(c for c in p.apis if c not in p.names.functions and c not in p.names.not_in_binding)
    assert not stray, "catalogued but not registered by the pyACL binding: " + ", ".join(stray)


def test_real_uncatalogued_names_are_pyacl_names_and_invented_ones_are_not():
    p = protocol.default()
    for real in ("acl.rt.get_device_utilization_rate", "acl.op.infer_shape", "acl.get_cann_version",
                 "acl.blas.gemm_ex", "acl.himpi.vpc_resize"):
        assert p.is_pyacl_name(real) and p.api(real) is None, real
    for fake in ("acl.rt.free_dvpp", "acl.set_device", "acl.mdl.destroy_model", "acl.rt.destroy_strem"):
        assert not p.is_pyacl_name(fake), fake
    # did you mean: real names too, not only catalogued ones
    assert p.closest_api("acl.rt.get_device_utilisation_rate") == "acl.rt.get_device_utilization_rate"


@pytest.mark.parametrize("file, text, message", [
    ("unknown_api.toml", '\n[[unknown]]\nname = "rt.get_device_utilization_rate"\nwhy = "x"\n',
     "unknown_api.toml.*function of the pyACL binding"),
    ("pyacl_names.toml", '"rt.nowhere" = "x"\n', "pyacl_names.toml.*'rt.nowhere' is not a catalogued API"),
])
def test_names_tables_are_checked_against_each_other(tmp_path, file, text, message):
    """An invented name cannot be a binding function; a kept name must be catalogued."""
    d = copy_rules(tmp_path)
    with open(d / file, "a", encoding="utf-8") as fh:
        fh.write(text)
    with pytest.raises(RuleDataError, match=message):
        protocol.load(d)


def test_without_a_names_list_every_name_counts_as_real(tmp_path):
    d = copy_rules(tmp_path)
    (d / "pyacl_names.toml").unlink()
    p = protocol.load(d)
    assert p.is_pyacl_name("acl.rt.anything_at_all") and p.invented("acl.mdl.destroy_model")
