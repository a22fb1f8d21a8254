"""Tests of the pyACL simulator (acl_lint.sim)."""

import json
import struct
import sys
import threading
import time
import types

import pytest

import acl_lint.sim as sim

MB = 1 << 20
H2D, D2H, D2D, H2H = 1, 2, 3, 0
DEFAULT_IN = 1 * 3 * 224 * 224 * 4
DEFAULT_OUT = 1000 * 4


@pytest.fixture()
def acl():
    sim.reset()
    mod = sim.install()
    yield mod
    sim.uninstall()
    sim.reset()


@pytest.fixture()
def dev(acl):
    """acl initialised, device 0 set (default context current), a user stream."""
    assert acl.init() == 0
    assert acl.rt.set_device(0) == 0
    stream, ret = acl.rt.create_stream()
    assert ret == 0
    return acl, stream


@pytest.fixture()
def model_file(tmp_path):
    p = tmp_path / "model.om"
    p.write_bytes(b"\x00not json, so the default model\x01")
    return str(p)


def json_model(tmp_path, spec, name="m.json"):
    p = tmp_path / name
    p.write_text(json.dumps(spec))
    return str(p)


def dev_buffer(acl, data):
    """Device memory holding ``data``; returns (ptr, data_buffer)."""
    ptr, ret = acl.rt.malloc(len(data), 0)
    assert ret == 0
    assert acl.rt.memcpy(ptr, len(data), acl.util.bytes_to_ptr(data), len(data), H2D) == 0
    return ptr, acl.create_data_buffer(ptr, len(data))


def read_dev(acl, ptr, n):
    out = bytes(n)
    assert acl.rt.memcpy(acl.util.bytes_to_ptr(out), n, ptr, n, D2H) == 0
    return out


def dataset(acl, *buffers):
    ds = acl.mdl.create_dataset()
    for b in buffers:
        got, ret = acl.mdl.add_dataset_buffer(ds, b)
        assert (got, ret) == (ds, 0)
    return ds


def load_default(acl, model_file):
    mid, ret = acl.mdl.load_from_file(model_file)
    assert ret == 0 and isinstance(mid, int) and mid > 0
    return mid


# --------------------------------------------------------------------------
# return shapes
# --------------------------------------------------------------------------
def test_return_shapes_process_and_runtime(acl):
    assert acl.init() == 0
    assert isinstance(acl.get_soc_name(), str)
    assert acl.rt.set_device(0) == 0
    run_mode, ret = acl.rt.get_run_mode()
    assert (run_mode, ret) == (acl.rt.ACL_HOST, 0)
    assert acl.rt.get_device_count() == (8, 0)
    ctx, ret = acl.rt.create_context(0)
    assert ret == 0 and ctx > 0
    assert acl.rt.get_context() == (ctx, 0)
    assert acl.rt.get_device() == (0, 0)
    free, total, ret = acl.rt.get_mem_info(0)
    assert ret == 0 and free == total == 8 << 30
    stream, ret = acl.rt.create_stream()
    assert ret == 0 and stream > 0
    event, ret = acl.rt.create_event()
    assert ret == 0 and event > 0
    assert acl.rt.record_event(event, stream) == 0
    assert acl.rt.synchronize_event(event) == 0
    assert acl.rt.query_event_status(event) == (1, 0)
    assert acl.rt.destroy_event(event) == 0
    dptr, ret = acl.rt.malloc(64, acl.rt.ACL_MEM_MALLOC_HUGE_FIRST)
    assert ret == 0 and dptr % 64 == 0
    hptr, ret = acl.rt.malloc_host(64)
    assert ret == 0 and hptr > 0
    assert acl.rt.memset(dptr, 64, 7, 64) == 0
    assert acl.rt.memcpy(hptr, 64, dptr, 64, D2H) == 0
    assert acl.util.ptr_to_bytes(hptr, 64) == b"\x07" * 64
    assert acl.rt.free_host(hptr) == 0
    assert acl.rt.free(dptr) == 0
    assert acl.rt.synchronize_stream(stream) == 0
    assert acl.rt.synchronize_device() == 0
    assert acl.rt.destroy_stream(stream) == 0
    assert acl.rt.destroy_context(ctx) == 0
    assert acl.rt.reset_device(0) == 0
    assert acl.finalize_reference() == (0, 0)
    assert acl.finalize() == 100037


def test_return_shapes_model_dataset_buffer(dev, model_file):
    acl, stream = dev
    work, weight, ret = acl.mdl.query_size(model_file)
    assert ret == 0 and work > 0 and weight > 0
    mid = load_default(acl, model_file)
    desc = acl.mdl.create_desc()
    assert isinstance(desc, int) and desc > 0
    assert acl.mdl.get_desc(desc, mid) == 0
    assert acl.mdl.get_num_inputs(desc) == 1
    assert acl.mdl.get_num_outputs(desc) == 1
    assert acl.mdl.get_input_size_by_index(desc, 0) == DEFAULT_IN
    assert acl.mdl.get_output_size_by_index(desc, 0) == DEFAULT_OUT
    dims, ret = acl.mdl.get_input_dims(desc, 0)
    assert ret == 0 and dims == {"name": "input_0", "dimCount": 4, "dims": [1, 3, 224, 224]}
    assert acl.mdl.get_output_dims(desc, 0)[0]["dims"] == [1, 1000]
    assert acl.mdl.get_cur_output_dims(desc, 0)[0]["dims"] == [1, 1000]
    assert acl.mdl.get_input_data_type(desc, 0) == acl.ACL_FLOAT
    assert acl.mdl.get_output_data_type(desc, 0) == 0
    assert acl.mdl.get_input_format(desc, 0) == acl.ACL_FORMAT_NCHW
    assert acl.mdl.get_output_format(desc, 0) == acl.ACL_FORMAT_ND
    assert acl.mdl.get_input_name_by_index(desc, 0) == "input_0"
    assert acl.mdl.get_output_name_by_index(desc, 0) == "output_0"
    assert acl.mdl.get_input_index_by_name(desc, "input_0") == (0, 0)
    assert acl.mdl.get_output_index_by_name(desc, "output_0") == (0, 0)
    assert acl.mdl.get_input_index_by_name(desc, "nope")[1] == 100000
    assert acl.mdl.get_dynamic_batch(desc) == ({"batchCount": 0, "batch": []}, 0)
    assert acl.mdl.get_input_dims(desc, 5) == ({}, 100000)

    buf = acl.create_data_buffer(0, 0)
    assert isinstance(buf, int) and buf > 0
    ds = acl.mdl.create_dataset()
    assert acl.mdl.add_dataset_buffer(ds, buf) == (ds, 0)
    assert acl.mdl.get_dataset_num_buffers(ds) == 1
    assert acl.mdl.get_dataset_buffer(ds, 0) == buf
    assert acl.mdl.get_dataset_buffer(ds, 1) == 0
    assert acl.get_data_buffer_addr(buf) == 0
    assert acl.get_data_buffer_size(buf) == 0
    assert acl.get_data_buffer_size_v2(buf) == 0
    assert acl.update_data_buffer(buf, 0, 0) == 0
    assert acl.destroy_data_buffer(buf) == 0
    assert acl.mdl.destroy_dataset(ds) == 0

    tdesc = acl.create_tensor_desc(acl.ACL_FLOAT, [1, 3], acl.ACL_FORMAT_ND)
    assert tdesc > 0 and acl.get_tensor_desc_size(tdesc) == 12
    assert acl.destroy_tensor_desc(tdesc) is None
    attr = acl.op.create_attr()
    assert attr > 0 and acl.op.set_attr_int(attr, "axis", 1) == 0
    assert acl.op.destroy_attr(attr) is None

    cfg = acl.mdl.create_exec_config_handle()
    assert cfg > 0
    assert acl.mdl.set_exec_config_opt(cfg, acl.mdl.ACL_MDL_STREAM_SYNC_TIMEOUT, -1) == 0
    assert acl.mdl.destroy_exec_config_handle(cfg) == 0
    aipp = acl.mdl.create_aipp(1)
    assert aipp > 0 and acl.mdl.set_aipp_src_image_size(aipp, 224, 224) == 0
    assert acl.mdl.destroy_aipp(aipp) == 0
    assert acl.mdl.destroy_desc(desc) == 0
    assert acl.mdl.unload(mid) == 0


def test_return_shapes_media_and_util(dev):
    acl, stream = dev
    chan = acl.media.dvpp_create_channel_desc()
    assert chan > 0 and acl.media.dvpp_create_channel(chan) == 0
    pic = acl.media.dvpp_create_pic_desc()
    assert pic > 0
    buf, ret = acl.media.dvpp_malloc(1024)
    assert ret == 0 and buf % 128 == 0
    for name, value in (("data", buf), ("size", 1024), ("format", 1), ("width", 16),
                        ("height", 16), ("width_stride", 16), ("height_stride", 16)):
        assert getattr(acl.media, "dvpp_set_pic_desc_" + name)(pic, value) == 0
        assert getattr(acl.media, "dvpp_get_pic_desc_" + name)(pic) == value
    assert acl.media.dvpp_get_pic_desc_ret_code(pic) == 0
    jcfg = acl.media.dvpp_create_jpege_config()
    assert acl.media.dvpp_set_jpege_config_level(jcfg, 100) == 0
    size, ret = acl.media.dvpp_jpeg_predict_enc_size(pic, jcfg)
    assert ret == 0 and size > 0
    roi = acl.media.dvpp_create_roi_config(0, 15, 0, 15)
    rcfg = acl.media.dvpp_create_resize_config()
    assert roi > 0 and rcfg > 0
    for destroy, h in ((acl.media.dvpp_destroy_roi_config, roi),
                       (acl.media.dvpp_destroy_resize_config, rcfg),
                       (acl.media.dvpp_destroy_jpege_config, jcfg),
                       (acl.media.dvpp_destroy_pic_desc, pic)):
        assert destroy(h) == 0
    assert acl.media.dvpp_free(buf) == 0
    assert acl.media.dvpp_destroy_channel(chan) == 0
    assert acl.media.dvpp_destroy_channel_desc(chan) == 0
    hp, ret = acl.himpi.dvpp_malloc(0, 256)
    assert ret == 0 and acl.himpi.dvpp_free(hp) == 0
    tid, ret = acl.util.start_thread(lambda args: None, [])
    assert ret == 0 and tid > 0
    assert acl.util.stop_thread(tid) == 0
    assert "bytes_to_ptr" in dir(acl.util)


def test_handles_distinct_nonzero_and_never_reused(dev):
    acl, stream = dev
    seen = {stream}
    for _ in range(50):
        ds = acl.mdl.create_dataset()
        ptr, ret = acl.rt.malloc(100, 0)
        assert ret == 0 and ds and ptr
        assert ds not in seen and ptr not in seen
        seen.update((ds, ptr))
        assert acl.mdl.destroy_dataset(ds) == 0
        assert acl.rt.free(ptr) == 0
    sim.reset()
    acl.init()
    acl.rt.set_device(0)
    assert acl.mdl.create_dataset() not in seen
    assert acl.rt.malloc(100, 0)[0] not in seen


# --------------------------------------------------------------------------
# memory
# --------------------------------------------------------------------------
def test_memory_round_trip_with_offsets(dev):
    acl, stream = dev
    data = bytes(range(256)) * 4
    a, _ = acl.rt.malloc(1024, 0)
    b, _ = acl.rt.malloc(1024, 0)
    assert acl.rt.memcpy(a, 1024, acl.util.bytes_to_ptr(data), 1024, H2D) == 0
    # device to device through interior pointers
    assert acl.rt.memcpy(b + 100, 924, a + 200, 300, D2D) == 0
    out = bytearray(300)
    assert acl.rt.memcpy(acl.util.bytes_to_ptr(out), 300, b + 100, 300, D2H) == 0
    assert bytes(out) == data[200:500]
    assert acl.util.ptr_to_bytes(a + 10, 5) == data[10:15]
    # count above dest_max, overrun of the allocation, wrong kind
    assert acl.rt.memcpy(b, 10, a, 11, D2D) == 100000
    assert acl.rt.memcpy(b + 1000, 100, a, 100, D2D) == 107000
    assert acl.rt.memcpy(b, 1024, a, 1024, H2D) == 107000
    assert acl.rt.memcpy(b, 1024, a, 1024, acl.rt.ACL_MEMCPY_DEFAULT) == 0
    assert acl.rt.memcpy(b, 1024, a, 1024, 9) == 100000
    assert acl.rt.memset(a + 4, 8, 0xAB, 8) == 0
    assert acl.util.ptr_to_bytes(a, 16) == data[:4] + b"\xab" * 8 + data[12:16]
    assert acl.rt.memset(a, 8, 0, 9) == 100000


def test_numpy_bridge_aliases_array(dev):
    np = pytest.importorskip("numpy")
    acl, stream = dev
    src = np.arange(16, dtype=np.float32)
    dst = np.zeros(16, dtype=np.float32)
    d, _ = acl.rt.malloc(src.nbytes, 0)
    assert acl.rt.memcpy(d, 64, acl.util.numpy_to_ptr(src), 64, H2D) == 0
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(dst), 64, d, 64, D2H) == 0
    assert (dst == src).all()
    view = acl.util.ptr_to_numpy(d, (4, 4), 11)  # NPY_FLOAT = 11
    assert view.shape == (4, 4) and view[1, 1] == 5.0
    assert acl.util.numpy_to_ptr(src) == acl.util.numpy_to_ptr(src)


def test_double_free_and_wrong_allocator(dev):
    acl, stream = dev
    d, _ = acl.rt.malloc(64, 0)
    h, _ = acl.rt.malloc_host(64)
    v, _ = acl.media.dvpp_malloc(64)
    assert acl.rt.free_host(d) == 207002
    assert acl.media.dvpp_free(h) == 207002
    assert acl.rt.free(v) == 207002
    assert acl.rt.free(d + 8) == 207002  # interior pointer
    assert acl.rt.free(d) == 0
    assert acl.rt.free(d) == 207002
    assert "double free" in acl.get_recent_err_msg()
    assert acl.rt.free(0) == 100000
    assert acl.rt.free_host(h) == 0 and acl.media.dvpp_free(v) == 0
    assert sim.state()["live_allocations"] == 0


def test_freed_memory_access_is_an_error(dev):
    acl, stream = dev
    d, _ = acl.rt.malloc(64, 0)
    h, _ = acl.rt.malloc_host(64)
    assert acl.rt.free(d) == 0
    assert acl.rt.memcpy(h, 64, d, 64, D2H) == 107000
    assert "freed" in acl.get_recent_err_msg()
    assert acl.rt.memcpy(d, 64, h, 64, H2D) == 107000
    assert acl.rt.memcpy(d + 16, 8, h, 8, H2D) == 107000
    assert acl.rt.memset(d, 64, 0, 64) == 107000
    with pytest.raises(sim.SimFault) as exc:
        acl.util.ptr_to_bytes(d, 4)
    assert exc.value.code == 107000


def test_device_memory_limit(dev, model_file):
    acl, stream = dev
    sim.configure(device_memory_limit=MB)
    a, ret = acl.rt.malloc(512 * 1024, 0)
    assert ret == 0
    free, total, ret = acl.rt.get_mem_info(0)
    assert total == MB and free == MB - 512 * 1024
    assert acl.rt.malloc(600 * 1024, 0) == (0, 207001)
    assert acl.media.dvpp_malloc(600 * 1024) == (0, 207001)
    assert acl.rt.free(a) == 0
    b, ret = acl.rt.malloc(600 * 1024, 0)
    assert ret == 0
    assert acl.mdl.load_from_file(model_file) == (0, 200000)
    assert acl.rt.free(b) == 0
    assert sim.state()["device_memory_used"][0] == 0


def test_memory_needs_a_context(acl):
    assert acl.init() == 0
    assert acl.rt.malloc(64, 0) == (0, 107002)
    assert acl.rt.create_stream() == (0, 107002)
    assert acl.rt.synchronize_stream(0) == 107002


# --------------------------------------------------------------------------
# models and execution
# --------------------------------------------------------------------------
def test_missing_model_file(dev, tmp_path):
    acl, stream = dev
    missing = str(tmp_path / "nope.om")
    assert acl.mdl.load_from_file(missing) == (0, 100003)
    assert acl.mdl.query_size(missing) == (0, 0, 100003)
    assert acl.mdl.load_from_file_with_mem(missing, 0, 0, 0, 0) == (0, 100003)
    assert acl.mdl.load_from_file(str(tmp_path)) == (0, 100003)
    bad = json_model(tmp_path, {"inputs": [{"shape": [1], "dtype": "complex7"}]})
    assert acl.mdl.load_from_file(bad) == (0, 100013)


def _run_default(acl, mid, data):
    ip, ib = dev_buffer(acl, data)
    op, _ = acl.rt.malloc(DEFAULT_OUT, 0)
    ob = acl.create_data_buffer(op, DEFAULT_OUT)
    ids, ods = dataset(acl, ib), dataset(acl, ob)
    assert acl.mdl.execute(mid, ids, ods) == 0
    out = read_dev(acl, op, DEFAULT_OUT)
    for b in (ib, ob):
        acl.destroy_data_buffer(b)
    acl.mdl.destroy_dataset(ids)
    acl.mdl.destroy_dataset(ods)
    acl.rt.free(ip)
    acl.rt.free(op)
    return out


def test_execute_is_deterministic_and_follows_data(dev, model_file):
    acl, stream = dev
    mid = load_default(acl, model_file)
    x = bytes(DEFAULT_IN)
    y = b"\x01" + bytes(DEFAULT_IN - 1)
    out_x1 = _run_default(acl, mid, x)
    out_x2 = _run_default(acl, mid, x)
    out_y = _run_default(acl, mid, y)
    assert out_x1 == out_x2
    assert out_x1 != out_y
    assert out_x1 == sim.expected_output([x], 0, 0, DEFAULT_OUT)
    vals = struct.unpack("<1000f", out_x1)
    assert all(0.0 <= v < 1.0 for v in vals)
    assert acl.mdl.unload(mid) == 0
    assert sim.state()["live_allocations"] == 0


def test_json_model_two_inputs_two_outputs(dev, tmp_path):
    acl, stream = dev
    path = json_model(tmp_path, {
        "inputs": [{"shape": [2, 4], "dtype": "float32", "name": "a"},
                   {"shape": [3], "dtype": "int32", "name": "b"}],
        "outputs": [{"shape": [5], "dtype": "int64", "name": "c"},
                    {"shape": [2, 2], "dtype": "float16"}]})
    mid, ret = acl.mdl.load_from_file(path)
    assert ret == 0
    desc = acl.mdl.create_desc()
    assert acl.mdl.get_desc(desc, mid) == 0
    assert [acl.mdl.get_input_size_by_index(desc, i) for i in range(2)] == [32, 12]
    assert [acl.mdl.get_output_size_by_index(desc, i) for i in range(2)] == [40, 8]
    assert acl.mdl.get_output_name_by_index(desc, 1) == "output_1"
    assert acl.mdl.get_input_index_by_name(desc, "b") == (1, 0)
    assert acl.mdl.get_output_data_type(desc, 0) == acl.ACL_INT64
    a, b = bytes(range(32)), bytes(range(12))
    _, ab = dev_buffer(acl, a)
    _, bb = dev_buffer(acl, b)
    outs = [acl.rt.malloc(n, 0)[0] for n in (40, 8)]
    obs = [acl.create_data_buffer(p, n) for p, n in zip(outs, (40, 8))]
    ids = dataset(acl, ab, bb)
    assert acl.mdl.execute(mid, ids, dataset(acl, *obs)) == 0
    assert read_dev(acl, outs[0], 40) == sim.expected_output([a, b], 0, acl.ACL_INT64, 40)
    assert read_dev(acl, outs[1], 8) == sim.expected_output([a, b], 1, acl.ACL_FLOAT16, 8)
    # output buffer too small, dataset with a missing output, missing input
    small = acl.create_data_buffer(outs[0], 39)
    assert acl.mdl.execute(mid, ids, dataset(acl, small, obs[1])) == 100018
    assert acl.mdl.execute(mid, ids, dataset(acl, obs[0])) == 100018
    assert acl.mdl.execute(mid, dataset(acl, ab), dataset(acl, *obs)) == 100017
    # host memory as model input (run mode ACL_HOST)
    hb = acl.create_data_buffer(acl.util.bytes_to_ptr(a), 32)
    assert acl.mdl.execute(mid, dataset(acl, hb, bb), dataset(acl, *obs)) == 107000


def test_dynamic_output_buffer_flow(dev, model_file):
    acl, stream = dev
    mid = load_default(acl, model_file)
    x = bytes(range(256)) * (DEFAULT_IN // 256)
    ip, ib = dev_buffer(acl, x)
    ob = acl.create_data_buffer(0, 0)
    ids, ods = dataset(acl, ib), dataset(acl, ob)
    before = sim.state()["live_allocations"]
    assert acl.mdl.execute(mid, ids, ods) == 0
    buf = acl.mdl.get_dataset_buffer(ods, 0)
    addr = acl.get_data_buffer_addr(buf)
    assert addr != 0 and acl.get_data_buffer_size_v2(buf) == DEFAULT_OUT
    assert sim.state()["live_allocations"] == before + 1
    assert read_dev(acl, addr, DEFAULT_OUT) == sim.expected_output([x], 0, 0, DEFAULT_OUT)
    assert acl.rt.free(addr) == 0
    assert acl.update_data_buffer(buf, 0, 0) == 0
    assert acl.mdl.execute(mid, ids, ods) == 0
    addr2 = acl.get_data_buffer_addr(buf)
    assert addr2 not in (0, addr)
    assert acl.rt.free(addr2) == 0
    assert sim.state()["live_allocations"] == before


def test_model_context_mismatch_107004(dev, model_file):
    acl, stream = dev
    ctx_a, _ = acl.rt.get_context()
    mid = load_default(acl, model_file)
    ip, ib = dev_buffer(acl, bytes(DEFAULT_IN))
    ob = acl.create_data_buffer(0, 0)
    ids, ods = dataset(acl, ib), dataset(acl, ob)
    ctx_b, ret = acl.rt.create_context(0)
    assert ret == 0 and acl.rt.get_context() == (ctx_b, 0)
    assert acl.mdl.execute(mid, ids, ods) == 107004
    assert acl.mdl.unload(mid) == 107004
    assert acl.rt.set_context(ctx_a) == 0
    assert acl.mdl.execute(mid, ids, ods) == 0
    assert acl.mdl.unload(mid) == 0
    assert acl.mdl.unload(mid) == 100011
    assert acl.mdl.execute(mid, ids, ods) == 100011


def test_stream_context_mismatch_107003(dev):
    acl, stream = dev
    ctx_b, _ = acl.rt.create_context(0)
    assert acl.rt.synchronize_stream(stream) == 107003
    assert acl.rt.destroy_stream(stream) == 107003
    d, _ = acl.rt.malloc(64, 0)
    assert acl.rt.memcpy_async(d, 64, d, 64, D2D, stream) == 107003
    assert acl.rt.destroy_context(ctx_b) == 0
    # the current context was destroyed: nothing is current now
    assert acl.rt.synchronize_stream(stream) == 107002


def test_exec_config_and_execute_v2(dev, model_file):
    acl, stream = dev
    mid = load_default(acl, model_file)
    x = bytes(DEFAULT_IN)
    _, ib = dev_buffer(acl, x)
    ob = acl.create_data_buffer(0, 0)
    ids, ods = dataset(acl, ib), dataset(acl, ob)
    cfg = acl.mdl.create_exec_config_handle()
    assert acl.mdl.set_exec_config_opt(cfg, 99, 1) == 100000
    assert acl.mdl.set_exec_config_opt(cfg, 0, 1000) == 0
    assert acl.mdl.execute_v2(mid, ids, ods, stream, cfg) == 0
    addr = acl.get_data_buffer_addr(ob)
    assert read_dev(acl, addr, DEFAULT_OUT) == sim.expected_output([x], 0, 0, DEFAULT_OUT)
    assert acl.mdl.destroy_exec_config_handle(cfg) == 0
    assert acl.mdl.destroy_exec_config_handle(cfg) == 200005
    assert acl.mdl.execute_v2(mid, ids, ods, stream, cfg) == 200005


def test_load_with_mem_and_from_mem(dev, tmp_path, model_file):
    acl, stream = dev
    work, weight, ret = acl.mdl.query_size(model_file)
    assert ret == 0
    assert acl.mdl.query_size(model_file) == (work, weight, 0)
    wp, _ = acl.rt.malloc(work, 0)
    gp, _ = acl.rt.malloc(weight, 0)
    assert acl.mdl.load_from_file_with_mem(model_file, wp, work - 1, gp, weight)[1] == 100000
    mid, ret = acl.mdl.load_from_file_with_mem(model_file, wp, work, gp, weight)
    assert ret == 0
    _, ib = dev_buffer(acl, bytes(DEFAULT_IN))
    ids, ods = dataset(acl, ib), dataset(acl, acl.create_data_buffer(0, 0))
    assert acl.mdl.execute(mid, ids, ods) == 0
    assert acl.rt.free(wp) == 0  # freed while the model is loaded
    assert acl.mdl.execute(mid, ids, ods) == 507011
    assert acl.mdl.unload(mid) == 0
    # load_from_mem reads the model bytes from simulated memory
    spec = json.dumps({"inputs": [{"shape": [4], "dtype": "uint8"}],
                       "outputs": [{"shape": [4], "dtype": "uint8"}]}).encode()
    hp, _ = acl.rt.malloc_host(len(spec))
    assert acl.rt.memcpy(hp, len(spec), acl.util.bytes_to_ptr(spec), len(spec), H2H) == 0
    mid2, ret = acl.mdl.load_from_mem(hp, len(spec))
    assert ret == 0
    desc = acl.mdl.create_desc()
    acl.mdl.get_desc(desc, mid2)
    assert acl.mdl.get_input_size_by_index(desc, 0) == 4
    assert acl.mdl.query_size_from_mem(hp, len(spec))[2] == 0
    assert acl.rt.free_host(hp) == 0
    assert acl.mdl.load_from_mem(hp, len(spec)) == (0, 107000)


def test_dynamic_batch_model(dev, tmp_path):
    acl, stream = dev
    path = json_model(tmp_path, {"inputs": [{"shape": [-1, 3], "dtype": "float32"}],
                                 "outputs": [{"shape": [-1, 2], "dtype": "float32"}],
                                 "dynamic_batch": [1, 4]})
    mid, _ = acl.mdl.load_from_file(path)
    desc = acl.mdl.create_desc()
    acl.mdl.get_desc(desc, mid)
    assert acl.mdl.get_num_inputs(desc) == 2
    idx, ret = acl.mdl.get_input_index_by_name(desc, acl.mdl.ACL_DYNAMIC_TENSOR_NAME)
    assert (idx, ret) == (1, 0)
    assert acl.mdl.get_dynamic_batch(desc) == ({"batchCount": 2, "batch": [1, 4]}, 0)
    assert acl.mdl.get_input_size_by_index(desc, 0) == 4 * 3 * 4
    assert acl.mdl.get_input_dims(desc, 0)[0]["dims"] == [-1, 3]
    _, xb = dev_buffer(acl, bytes(48))
    _, db = dev_buffer(acl, bytes(8))
    ids = dataset(acl, xb, db)
    assert acl.mdl.set_dynamic_batch_size(mid, ids, 0, 1) == 100000  # not the dynamic input
    assert acl.mdl.set_dynamic_batch_size(mid, ids, idx, 3) == 100000  # no such gear
    assert acl.mdl.set_dynamic_hw_size(mid, ids, idx, 2, 2) == 100019
    assert acl.mdl.set_dynamic_batch_size(mid, ids, idx, 1) == 0
    ods = dataset(acl, acl.create_data_buffer(0, 0))
    assert acl.mdl.execute(mid, ids, ods) == 0
    assert acl.mdl.get_cur_output_dims(desc, 0)[0]["dims"] == [1, 2]
    assert acl.get_data_buffer_size(acl.mdl.get_dataset_buffer(ods, 0)) == 8


# --------------------------------------------------------------------------
# streams and async work
# --------------------------------------------------------------------------
def test_async_work_takes_effect_only_at_synchronize(dev, model_file):
    acl, stream = dev
    data = b"\x5a" * 128
    h = acl.util.bytes_to_ptr(data)
    d, _ = acl.rt.malloc(128, 0)
    assert acl.rt.memset(d, 128, 0, 128) == 0
    assert acl.rt.memcpy_async(d, 128, h, 128, H2D, stream) == 0
    assert acl.util.ptr_to_bytes(d, 128) == bytes(128)
    assert sim.state()["pending_tasks"] == 1
    assert acl.rt.synchronize_stream(stream) == 0
    assert acl.util.ptr_to_bytes(d, 128) == data
    assert acl.rt.memcpy_async(d, 128, h, 128, H2H, stream) == 100000

    # execute_async then an event recorded after it
    mid = load_default(acl, model_file)
    x = bytes(DEFAULT_IN)
    _, ib = dev_buffer(acl, x)
    op, _ = acl.rt.malloc(DEFAULT_OUT, 0)
    ids, ods = dataset(acl, ib), dataset(acl, acl.create_data_buffer(op, DEFAULT_OUT))
    assert acl.mdl.execute_async(mid, ids, ods, stream) == 0
    assert acl.util.ptr_to_bytes(op, DEFAULT_OUT) == bytes(DEFAULT_OUT)
    ev, _ = acl.rt.create_event()
    assert acl.rt.record_event(ev, stream) == 0
    assert acl.rt.query_event_status(ev) == (0, 0)
    assert acl.rt.synchronize_event(ev) == 0
    assert acl.util.ptr_to_bytes(op, DEFAULT_OUT) == sim.expected_output([x], 0, 0, DEFAULT_OUT)

    # default stream (0) and synchronize_device
    assert acl.rt.memset_async(op, DEFAULT_OUT, 1, DEFAULT_OUT, 0) == 0
    assert acl.util.ptr_to_bytes(op, 4) != b"\x01" * 4
    assert acl.rt.synchronize_device() == 0
    assert acl.util.ptr_to_bytes(op, 4) == b"\x01" * 4


def test_free_before_synchronize_fails_at_synchronize(dev):
    acl, stream = dev
    h = acl.util.bytes_to_ptr(b"x" * 64)
    d, _ = acl.rt.malloc(64, 0)
    assert acl.rt.memcpy_async(d, 64, h, 64, H2D, stream) == 0
    assert acl.rt.free(d) == 0
    assert acl.rt.synchronize_stream(stream) == 107000
    assert acl.rt.synchronize_stream(stream) == 0


def test_stream_wait_event_orders_streams(dev):
    acl, s1 = dev
    s2, _ = acl.rt.create_stream()
    h = acl.util.bytes_to_ptr(b"y" * 64)
    a, _ = acl.rt.malloc(64, 0)
    b, _ = acl.rt.malloc(64, 0)
    ev, _ = acl.rt.create_event()
    assert acl.rt.memcpy_async(a, 64, h, 64, H2D, s1) == 0
    assert acl.rt.record_event(ev, s1) == 0
    assert acl.rt.stream_wait_event(s2, ev) == 0
    assert acl.rt.memcpy_async(b, 64, a, 64, D2D, s2) == 0
    assert acl.rt.synchronize_stream(s2) == 0
    assert acl.util.ptr_to_bytes(b, 64) == b"y" * 64


def test_callbacks_run_at_sync_or_process_report(dev):
    acl, stream = dev
    calls = []
    assert acl.rt.launch_callback(calls.append, [1], 1, stream) == 107015
    running = [True]
    ctx, _ = acl.rt.get_context()

    def report_loop(args):
        acl.rt.set_context(args[0])
        while running[0]:
            acl.rt.process_report(20)

    tid, ret = acl.util.start_thread(report_loop, [ctx])
    assert ret == 0
    assert acl.rt.subscribe_report(tid, stream) == 0
    assert acl.rt.subscribe_report(tid, stream) == 100033
    assert acl.rt.launch_callback(calls.append, ["from-thread"], 1, stream) == 0
    deadline = time.time() + 5
    while not calls and time.time() < deadline:
        time.sleep(0.005)
    assert calls == [["from-thread"]]
    assert acl.rt.synchronize_stream(stream) == 0
    running[0] = False
    assert acl.util.stop_thread(tid) == 0
    # with nobody calling process_report the callback runs at synchronize
    assert acl.rt.launch_callback(calls.append, ["at-sync"], 0, stream) == 0
    assert calls == [["from-thread"]]
    assert acl.rt.synchronize_stream(stream) == 0
    assert calls == [["from-thread"], ["at-sync"]]
    assert acl.rt.unsubscribe_report(tid, stream) == 0
    assert acl.rt.unsubscribe_report(tid, stream) == 100034


# --------------------------------------------------------------------------
# contexts and threads
# --------------------------------------------------------------------------
def test_current_context_is_per_thread(dev):
    acl, stream = dev
    main_ctx, _ = acl.rt.get_context()
    results = {}

    def worker():
        results["no_ctx"] = acl.rt.create_stream()
        results["get"] = acl.rt.get_context()
        ctx, ret = acl.rt.create_context(0)
        results["own"] = (ctx, ret, acl.rt.get_context())
        results["main_stream_here"] = acl.rt.synchronize_stream(stream)
        results["set"] = acl.rt.set_context(main_ctx)
        results["main_stream_after_set"] = acl.rt.synchronize_stream(stream)
        results["destroy"] = acl.rt.destroy_context(ctx)

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert results["no_ctx"] == (0, 107002)
    assert results["get"] == (0, 107002)
    ctx, ret, got = results["own"]
    assert ret == 0 and ctx != main_ctx and got == (ctx, 0)
    assert results["main_stream_here"] == 107003
    assert results["set"] == 0 and results["main_stream_after_set"] == 0
    assert results["destroy"] == 0
    # the main thread kept its own context
    assert acl.rt.get_context() == (main_ctx, 0)


def test_set_device_shares_default_context_between_threads(dev):
    acl, stream = dev
    main_ctx, _ = acl.rt.get_context()
    got = []

    def worker():
        got.append(acl.rt.set_device(0))
        got.append(acl.rt.get_context())
        got.append(acl.rt.reset_device(0))

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert got == [0, (main_ctx, 0), 0]
    assert sim.state()["devices"][0]["refcount"] == 1


def test_reset_device_releases_default_context_and_streams(dev):
    acl, stream = dev
    ctx, _ = acl.rt.get_context()
    assert acl.rt.destroy_context(ctx) == 100000  # a default context
    assert acl.rt.reset_device(0) == 0
    assert acl.rt.get_context() == (0, 107002)
    assert acl.rt.set_context(ctx) == 107017
    assert acl.rt.set_device(0) == 0
    assert acl.rt.destroy_stream(stream) == 107017
    assert acl.rt.set_device(99) == 107001


# --------------------------------------------------------------------------
# process lifecycle and handle errors
# --------------------------------------------------------------------------
def test_init_finalize_codes(acl):
    assert acl.rt.set_device(0) == 100001
    assert acl.finalize() == 100037
    assert acl.init() == 0
    assert acl.init() == 100002
    assert acl.finalize() == 0
    assert acl.finalize() == 100037
    assert acl.init("/definitely/not/here.json") == 100003
    sim.configure(init_refcount=True)
    assert acl.init() == 0 and acl.init() == 0
    assert acl.finalize_reference() == (1, 0)
    assert acl.finalize_reference() == (0, 0)
    assert acl.finalize_reference() == (0, 100037)


def test_double_release_and_wrong_kind(dev):
    acl, stream = dev
    ds = acl.mdl.create_dataset()
    buf = acl.create_data_buffer(0, 0)
    assert acl.destroy_data_buffer(ds) == 200005  # a dataset passed to the buffer destroyer
    assert acl.mdl.destroy_dataset(ds) == 0
    assert acl.mdl.destroy_dataset(ds) == 200005
    assert "released" in acl.get_recent_err_msg()
    assert acl.mdl.add_dataset_buffer(ds, buf) == (ds, 200005)
    assert acl.destroy_data_buffer(buf) == 0
    assert acl.destroy_data_buffer(buf) == 200005
    assert acl.rt.destroy_stream(stream) == 0
    assert acl.rt.destroy_stream(stream) == 107017
    ev, _ = acl.rt.create_event()
    assert acl.rt.destroy_event(ev) == 0
    assert acl.rt.record_event(ev, 0) == 107017
    assert acl.rt.destroy_event(ev) == 107017
    desc = acl.mdl.create_desc()
    assert acl.mdl.destroy_desc(desc) == 0 and acl.mdl.destroy_desc(desc) == 200005
    t = acl.create_tensor_desc(0, [1], 2)
    assert acl.destroy_tensor_desc(t) is None and acl.destroy_tensor_desc(t) is None
    assert "released" in acl.get_recent_err_msg()


def test_dvpp_channel_teardown_order(dev):
    acl, stream = dev
    chan = acl.media.dvpp_create_channel_desc()
    assert acl.media.dvpp_create_channel(chan) == 0
    assert acl.media.dvpp_create_channel(chan) == 100000
    assert acl.media.dvpp_destroy_channel_desc(chan) == 200004
    assert acl.media.dvpp_destroy_channel(chan) == 0
    assert acl.media.dvpp_destroy_channel(chan) == 100000
    assert acl.media.dvpp_destroy_channel_desc(chan) == 0
    assert acl.media.dvpp_destroy_channel_desc(chan) == 200005


def _jpeg(width, height):
    sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 17, 8, height, width, 3) + bytes(9)
    return b"\xff\xd8" + b"\xff\xe0\x00\x04\x00\x00" + sof + b"\xff\xd9"


def _pic(acl, ptr, size, w, h):
    pic = acl.media.dvpp_create_pic_desc()
    acl.media.dvpp_set_pic_desc_data(pic, ptr)
    acl.media.dvpp_set_pic_desc_size(pic, size)
    acl.media.dvpp_set_pic_desc_format(pic, acl.media.PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    acl.media.dvpp_set_pic_desc_width(pic, w)
    acl.media.dvpp_set_pic_desc_height(pic, h)
    acl.media.dvpp_set_pic_desc_width_stride(pic, w)
    acl.media.dvpp_set_pic_desc_height_stride(pic, h)
    return pic


def test_dvpp_decode_resize_encode(dev):
    np = pytest.importorskip("numpy")
    acl, stream = dev
    chan = acl.media.dvpp_create_channel_desc()
    acl.media.dvpp_create_channel(chan)
    jpg = _jpeg(300, 200)
    hp = acl.util.bytes_to_ptr(jpg)
    assert acl.media.dvpp_jpeg_get_image_info(hp, len(jpg)) == (300, 200, 3, 0)
    assert acl.media.dvpp_jpeg_get_image_info(acl.util.bytes_to_ptr(b"nope"), 4)[3] == 100000
    size, ret = acl.media.dvpp_jpeg_predict_dec_size(hp, len(jpg), 1)
    assert (size, ret) == (384 * 208 * 3 // 2, 0)
    jin, _ = acl.media.dvpp_malloc(len(jpg))
    assert acl.rt.memcpy(jin, len(jpg), hp, len(jpg), H2D) == 0
    dec, _ = acl.media.dvpp_malloc(size)
    out_pic = _pic(acl, dec, size, 384, 208)
    # host memory is not DVPP memory
    assert acl.media.dvpp_jpeg_decode_async(chan, hp, len(jpg), out_pic, stream) == 107000
    assert acl.media.dvpp_jpeg_decode_async(chan, jin, len(jpg), out_pic, stream) == 0
    assert acl.util.ptr_to_bytes(dec, 16) == bytes(16)
    assert acl.rt.synchronize_stream(stream) == 0
    decoded = acl.util.ptr_to_bytes(dec, size)
    assert decoded != bytes(size)

    rsz_size = 64 * 64 * 3 // 2
    rsz, _ = acl.media.dvpp_malloc(rsz_size)
    rpic = _pic(acl, rsz, rsz_size, 64, 64)
    rcfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(chan, out_pic, rpic, rcfg, stream) == 0
    assert acl.util.ptr_to_bytes(rsz, 8) == bytes(8)
    assert acl.rt.synchronize_stream(stream) == 0
    assert acl.util.ptr_to_bytes(rsz, rsz_size) != bytes(rsz_size)

    jcfg = acl.media.dvpp_create_jpege_config()
    enc_size, ret = acl.media.dvpp_jpeg_predict_enc_size(rpic, jcfg)
    assert ret == 0
    enc, _ = acl.media.dvpp_malloc(enc_size)
    size_arr = np.array([enc_size], dtype=np.int32)
    assert acl.media.dvpp_jpeg_encode_async(chan, rpic, enc, acl.util.numpy_to_ptr(size_arr),
                                            jcfg, stream) == 0
    assert size_arr[0] == enc_size
    assert acl.rt.synchronize_stream(stream) == 0
    assert 0 < size_arr[0] < enc_size
    assert acl.media.dvpp_jpeg_get_image_info(enc, int(size_arr[0])) == (64, 64, 3, 0)

    # the output pic desc destroyed before the stream is synchronized
    assert acl.media.dvpp_vpc_resize_async(chan, out_pic, rpic, rcfg, stream) == 0
    assert acl.media.dvpp_destroy_pic_desc(rpic) == 0
    assert acl.rt.synchronize_stream(stream) == 200005


# --------------------------------------------------------------------------
# install / uninstall / reset
# --------------------------------------------------------------------------
def test_install_uninstall_restores_sys_modules():
    sim.uninstall()
    saved = {k: sys.modules.get(k) for k in ("acl", "acl.rt", "acl.mdl")}
    fake = types.ModuleType("acl")
    sys.modules["acl"] = fake
    sys.modules.pop("acl.rt", None)
    try:
        mod = sim.install()
        assert sim.install() is mod and sim.is_installed()
        import acl
        import acl.rt
        from acl import mdl
        assert acl is mod and acl.rt is mod.rt and mdl is mod.mdl
        assert sys.modules["acl.rt"] is mod.rt
        assert isinstance(mod.rt, types.ModuleType)
        assert callable(acl.rt.malloc)
        sim.uninstall()
        assert sys.modules["acl"] is fake
        assert "acl.rt" not in sys.modules
        assert not sim.is_installed()
        sys.modules.pop("acl")
        sim.install()
        sim.uninstall()
        assert "acl" not in sys.modules
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def test_reset_and_state(dev, model_file):
    acl, stream = dev
    d, _ = acl.rt.malloc(64, 0)
    load_default(acl, model_file)
    st = sim.state()
    assert st["live_allocations"] == 1 and st["models_loaded"] == 1
    assert st["objects_by_kind"] == {"stream": 1}
    assert sim.allocations()[0]["release_with"] == "acl.rt.free"
    sim.configure(device_count=1)
    sim.reset()
    st = sim.state()
    assert not st["initialized"] and st["live_allocations"] == 0 and st["models_loaded"] == 0
    assert st["live_objects"] == 0 and st["device_memory_used"] == {}
    assert sim.config()["device_count"] == 8
    with pytest.raises(TypeError):
        sim.configure(no_such_setting=1)


def test_process_report_codes_in_the_calling_thread(dev):
    acl, stream = dev
    assert acl.rt.process_report(0) == 100035  # this thread subscribes no stream
    me = threading.get_ident()
    assert acl.rt.subscribe_report(me, stream) == 0
    assert acl.rt.process_report(0) == 507012  # nothing to report
    seen = []
    assert acl.rt.launch_callback(seen.append, "ud", 1, stream) == 0
    assert acl.rt.process_report(0) == 0
    assert seen == ["ud"]
    assert acl.rt.unsubscribe_report(me, stream) == 0


def test_bridge_of_a_dropped_object_dangles_after_sweep(dev):
    acl, stream = dev
    data = bytes(range(30))
    ptr = acl.util.bytes_to_ptr(data)
    assert acl.util.ptr_to_bytes(ptr + 3, 3) == bytes([3, 4, 5])
    del data  # only the simulator references it now: the real pointer would dangle
    keep = [bytes([i % 256]) * 8 for i in range(1100)]
    ptrs = [acl.util.bytes_to_ptr(b) for b in keep]
    with pytest.raises(sim.SimFault) as exc:
        acl.util.ptr_to_bytes(ptr, 3)
    assert exc.value.code == 107000
    assert acl.util.ptr_to_bytes(ptrs[7], 8) == keep[7]
    assert sim.state()["bridges"] <= 1100
