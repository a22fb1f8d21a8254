"""The runtime audit (acl_lint.runtime.audit) on the simulator: what a user sees.

Each test runs a little pyACL program inside ``with audit(...)`` and checks the
findings: their codes, and that they point at this file's lines (the line of the
offending call, or for a leak the line that acquired the resource), never at a
line inside acl_lint.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import types

import pytest

from acl_lint import sim
from acl_lint.runtime import Session, audit

HERE = os.path.abspath(__file__)
MODEL = os.path.join(os.path.dirname(HERE), "..", "corpus", "models", "resnet50.json")


def here() -> int:
    """The line number of the caller (put it on the same line as the call under test)."""
    return sys._getframe(1).f_lineno


@pytest.fixture
def acl():
    """A fresh simulated acl, installed; each test opens its own audit."""
    was = sim.is_installed()
    sim.uninstall()
    sim.reset()
    mod = sim.install()
    yield mod
    sim.uninstall()
    sim.reset()
    if was:
        sim.install()


def codes_at(session: Session):
    """{(line, code)} of the findings, asserting every one points into this file."""
    out = set()
    for f in session.findings:
        assert os.path.abspath(session.abspath(f.path)) == HERE, f
        assert f.engine == "runtime"
        out.add((f.line, f.code))
    return out


def setup_device(acl):
    assert acl.init() == 0
    assert acl.rt.set_device(0) == 0
    ctx, ret = acl.rt.create_context(0)
    assert ret == 0
    return ctx


def teardown_device(acl, ctx):
    acl.rt.destroy_context(ctx)
    acl.rt.reset_device(0)
    acl.finalize()


# ---------------------------------------------------------------------------- leaks


def test_leak_is_reported_at_the_acquiring_line(acl):
    with audit() as s:
        ctx = setup_device(acl)
        ptr, ret = acl.rt.malloc(256, 0); line = here()  # noqa: E702
        teardown_device(acl, ctx)
    assert codes_at(s) == {(line, "ACL101")}
    f = s.findings[0]
    assert "device memory `ptr` from acl.rt.malloc" in f.message
    assert f.related[0].kind == "acquire" and f.related[0].line == line
    assert f.function == "test_leak_is_reported_at_the_acquiring_line"


def test_clean_program_has_no_findings(acl):
    with audit() as s:
        ctx = setup_device(acl)
        ptr, ret = acl.rt.malloc(256, 0)
        stream, ret = acl.rt.create_stream()
        acl.rt.synchronize_stream(stream)
        acl.rt.destroy_stream(stream)
        acl.rt.free(ptr)
        teardown_device(acl, ctx)
    assert s.findings == []
    assert s.errors == []


def test_leaks_from_one_line_in_a_loop_are_one_acl103(acl):
    with audit() as s:
        ctx = setup_device(acl)
        for _ in range(3):
            ds = acl.mdl.create_dataset(); line = here()  # noqa: E702, F841
        teardown_device(acl, ctx)
    assert codes_at(s) == {(line, "ACL103")}
    assert "3 were still live" in s.findings[0].message


def test_process_scoped_resources_are_never_leaks(acl):
    with audit() as s:
        acl.init()
        acl.rt.set_device(0)  # neither reset nor finalized: the process ends them
    assert s.findings == []


def test_buffer_memory_never_freed_is_acl106_and_orphaned_buffers_acl107(acl):
    with audit() as s:
        ctx = setup_device(acl)
        ptr, ret = acl.rt.malloc(64, 0); mline = here()  # noqa: E702
        buf = acl.create_data_buffer(ptr, 64)
        acl.destroy_data_buffer(buf)  # the memory stays: ACL106 at the malloc
        ptr2, ret = acl.rt.malloc(64, 0)
        ds = acl.mdl.create_dataset()
        buf2 = acl.create_data_buffer(ptr2, 64); bline = here()  # noqa: E702
        acl.mdl.add_dataset_buffer(ds, buf2)
        acl.rt.free(ptr2)
        acl.mdl.destroy_dataset(ds)  # buf2 never destroyed: ACL107 at create_data_buffer
        teardown_device(acl, ctx)
    assert codes_at(s) == {(mline, "ACL106"), (bline, "ACL107")}


def test_a_leak_inside_a_dataset_is_reported_once_at_the_root(acl):
    with audit() as s:
        ctx = setup_device(acl)
        ptr, ret = acl.rt.malloc(64, 0)
        ds = acl.mdl.create_dataset(); line = here()  # noqa: E702
        acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(ptr, 64))
        teardown_device(acl, ctx)
    assert codes_at(s) == {(line, "ACL101")}


def test_a_dvpp_channel_is_keyed_by_its_description(acl):
    with audit() as s:
        ctx = setup_device(acl)
        desc = acl.media.dvpp_create_channel_desc()
        assert acl.media.dvpp_create_channel(desc) == 0
        acl.media.dvpp_destroy_channel(desc)
        acl.media.dvpp_destroy_channel_desc(desc)
        desc2 = acl.media.dvpp_create_channel_desc(); line = here()  # noqa: E702
        assert acl.media.dvpp_create_channel(desc2) == 0
        teardown_device(acl, ctx)
    # the description owns its live channel: one leak, reported at the root owner
    assert codes_at(s) == {(line, "ACL101")}


# ---------------------------------------------------------------------------- misuse


def test_double_free_use_after_free_and_wrong_release(acl):
    with audit() as s:
        ctx = setup_device(acl)
        ptr, ret = acl.rt.malloc(64, 0)
        host, ret = acl.rt.malloc_host(64)
        acl.rt.free(ptr)
        acl.rt.free(ptr); double = here()  # noqa: E702
        acl.rt.memcpy(ptr, 64, host, 64, 1); use = here()  # noqa: E702
        acl.rt.free_host(host)
        other, ret = acl.rt.malloc(64, 0)
        acl.rt.free_host(other); wrong = here()  # noqa: E702
        teardown_device(acl, ctx)
    assert codes_at(s) == {(double, "ACL301"), (use, "ACL302"), (wrong, "ACL303")}
    first = next(f for f in s.findings if f.code == "ACL301")
    assert [r.kind for r in first.related] == ["release"]


def test_teardown_order_context_before_stream(acl):
    with audit() as s:
        ctx = setup_device(acl)
        stream, ret = acl.rt.create_stream()
        acl.rt.destroy_context(ctx); line = here()  # noqa: E702
        acl.rt.destroy_stream(stream)  # no ACL402 on top: the context's loss is ACL203's story
        acl.rt.reset_device(0)
        acl.finalize()
    assert codes_at(s) == {(line, "ACL203")}
    assert "context `ctx` released before the stream `stream`" in s.findings[0].message


def test_async_output_read_before_synchronize(acl):
    with audit() as s:
        ctx = setup_device(acl)
        stream, ret = acl.rt.create_stream()
        model_id, ret = acl.mdl.load_from_file(MODEL)
        desc = acl.mdl.create_desc()
        acl.mdl.get_desc(desc, model_id)
        sets = []
        ptrs = []
        for size in (acl.mdl.get_input_size_by_index(desc, 0), acl.mdl.get_output_size_by_index(desc, 0)):
            ptr, ret = acl.rt.malloc(size, 0)
            ds = acl.mdl.create_dataset()
            acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(ptr, size))
            sets.append(ds)
            ptrs.append((ptr, size))
        host, ret = acl.rt.malloc_host(ptrs[1][1])
        assert acl.mdl.execute_async(model_id, sets[0], sets[1], stream) == 0
        acl.rt.memcpy(host, ptrs[1][1], ptrs[1][0], ptrs[1][1], 2); line = here()  # noqa: E702
        acl.rt.synchronize_stream(stream)
        acl.rt.memcpy(host, ptrs[1][1], ptrs[1][0], ptrs[1][1], 2)  # after the sync: fine
        for ds in sets:
            for i in range(acl.mdl.get_dataset_num_buffers(ds)):
                buf = acl.mdl.get_dataset_buffer(ds, i)
                acl.rt.free(acl.get_data_buffer_addr(buf))  # the address maps back to the memory
                acl.destroy_data_buffer(buf)
            acl.mdl.destroy_dataset(ds)
        acl.rt.free_host(host)
        acl.mdl.unload(model_id)
        acl.mdl.destroy_desc(desc)
        acl.rt.destroy_stream(stream)
        teardown_device(acl, ctx)
    assert codes_at(s) == {(line, "ACL202")}


def test_context_mismatch_and_exec_config_sequence(acl):
    with audit() as s:
        ctx = setup_device(acl)
        model_id, ret = acl.mdl.load_from_file(MODEL)
        other, ret = acl.rt.create_context(0)  # now current
        acl.mdl.unload(model_id); mismatch = here()  # noqa: E702
        acl.rt.set_context(ctx)
        cfg = acl.mdl.create_exec_config_handle()
        acl.mdl.destroy_exec_config_handle(cfg); unused = here()  # noqa: E702
        acl.rt.destroy_context(other)
        teardown_device(acl, ctx)
    assert codes_at(s) == {(mismatch, "ACL401"), (unused, "ACL201")}


def test_dynamic_output_not_reset_between_executes(acl):
    with audit() as s:
        ctx = setup_device(acl)
        model_id, ret = acl.mdl.load_from_file(MODEL)
        desc = acl.mdl.create_desc()
        acl.mdl.get_desc(desc, model_id)
        size = acl.mdl.get_input_size_by_index(desc, 0)
        in_ptr, ret = acl.rt.malloc(size, 0)
        in_ds, out_ds = acl.mdl.create_dataset(), acl.mdl.create_dataset()
        in_buf = acl.create_data_buffer(in_ptr, size)
        out_buf = acl.create_data_buffer(0, 0)
        acl.mdl.add_dataset_buffer(in_ds, in_buf)
        acl.mdl.add_dataset_buffer(out_ds, out_buf)
        acl.mdl.execute(model_id, in_ds, out_ds)
        acl.mdl.execute(model_id, in_ds, out_ds); line = here()  # noqa: E702
        acl.rt.free(acl.get_data_buffer_addr(out_buf))
        acl.update_data_buffer(out_buf, 0, 0)
        acl.mdl.execute(model_id, in_ds, out_ds)  # reset first: fine
        acl.rt.free(acl.get_data_buffer_addr(out_buf))
        acl.update_data_buffer(out_buf, 0, 0)
        acl.rt.free(in_ptr)
        for b in (in_buf, out_buf):
            acl.destroy_data_buffer(b)
        for d in (in_ds, out_ds):
            acl.mdl.destroy_dataset(d)
        acl.mdl.unload(model_id)
        acl.mdl.destroy_desc(desc)
        teardown_device(acl, ctx)
    assert codes_at(s) == {(line, "ACL204")}


# ---------------------------------------------------------------------------- threads and contexts


def test_no_current_context_on_a_worker_thread(acl):
    results = {}

    def worker(set_ctx, ctx):
        if set_ctx:
            acl.rt.set_context(ctx)
        ptr, ret = acl.rt.malloc(64, 0)  # the line of this call, for both threads
        results[set_ctx] = (ptr, ret)
        if ret == 0:
            acl.rt.free(ptr)

    with audit() as s:
        ctx = setup_device(acl)
        for set_ctx in (False, True):
            t = threading.Thread(target=worker, args=(set_ctx, ctx))
            t.start()
            t.join()
        teardown_device(acl, ctx)
    line = worker.__code__.co_firstlineno + 3
    assert codes_at(s) == {(line, "ACL402")}
    assert results[False][1] == 107002 and results[True][1] == 0  # the simulator agrees


def test_many_threads_at_once_are_consistent(acl):
    errors = []

    def worker(ctx):
        try:
            acl.rt.set_context(ctx)
            for _ in range(200):
                ptr, ret = acl.rt.malloc(32, 0)
                assert ret == 0
                buf = acl.create_data_buffer(ptr, 32)
                assert acl.get_data_buffer_size_v2(buf) == 32
                acl.rt.free(ptr)
                acl.destroy_data_buffer(buf)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with audit() as s:
        ctx = setup_device(acl)
        threads = [threading.Thread(target=worker, args=(ctx,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        teardown_device(acl, ctx)
    assert errors == []
    assert s.findings == [] and s.errors == []


# ---------------------------------------------------------------------------- the with-block


def test_functions_are_restored_and_exceptions_pass_through(acl):
    original = acl.rt.malloc
    with pytest.raises(KeyError):
        with audit() as s:
            assert acl.rt.malloc is not original
            ctx = setup_device(acl)
            ptr, ret = acl.rt.malloc(64, 0); line = here()  # noqa: E702
            raise KeyError("the program's own error")
    assert acl.rt.malloc is original
    assert (line, "ACL101") in codes_at(s)
    teardown_device(acl, ctx)


def test_audit_sim_true_installs_and_uninstalls_the_simulator():
    sim.uninstall()
    before = sys.modules.get("acl")
    with audit(sim=True) as s:
        import acl as mod

        assert getattr(mod, "__acl_lint_sim__", False)
        mod.init()
        mod.finalize()
    assert sys.modules.get("acl") is before
    assert s.findings == []


def test_json_report_has_the_static_schema(acl):
    with audit() as s:
        ctx = setup_device(acl)
        acl.mdl.create_dataset()
        teardown_device(acl, ctx)
    report = json.loads(s.report("json"))
    assert set(report) >= {"version", "files_checked", "findings", "errors"}
    (f,) = report["findings"]
    assert set(f) >= {"code", "name", "severity", "path", "line", "column", "end_line", "end_column",
                      "message", "related", "fingerprint"}
    assert f["code"] == "ACL101" and f["engine"] == "runtime" and f["name"] == "resource-leak"
    assert not os.path.isabs(f["path"]) or not f["path"].startswith(os.path.dirname(sim.__file__))


def test_findings_since_a_checkpoint(acl):
    with audit() as s:
        ctx = setup_device(acl)
        old = acl.mdl.create_dataset()
        cp = s.checkpoint()
        assert s.findings_since(cp) == []
        new = acl.mdl.create_dataset(); line = here()  # noqa: E702
        got = s.findings_since(cp)
        assert [(f.line, f.code) for f in got] == [(line, "ACL101")]
        acl.mdl.destroy_dataset(new)
        assert s.findings_since(cp) == []
        acl.mdl.destroy_dataset(old)
        teardown_device(acl, ctx)
    assert s.findings == []


# ---------------------------------------------------------------------------- a fake acl


def fake_acl(**rt_funcs):
    mod = types.ModuleType("fake_acl")
    rt = types.ModuleType("fake_acl.rt")
    rt.__dict__.update(rt_funcs)
    mod.rt = rt
    return mod


def test_results_and_exceptions_are_the_very_same_objects():
    token = object()
    boom = RuntimeError("boom")

    def get_soc_name():  # not wrapped: a pure query
        return token

    def synchronize_device():
        raise boom

    def memcpy(*args):
        return token

    mod = fake_acl(get_soc_name=get_soc_name, synchronize_device=synchronize_device, memcpy=memcpy)
    with audit(module=mod, fresh=True) as s:
        assert mod.rt.memcpy(1, 2, 3, 4, 5) is token
        with pytest.raises(RuntimeError) as info:
            mod.rt.synchronize_device()
        assert info.value is boom
    assert mod.rt.memcpy is memcpy and mod.rt.synchronize_device is synchronize_device
    # synchronize_device needs a context; the fake process never had one
    assert [f.code for f in s.findings] == ["ACL402"]


def test_a_reused_address_is_a_new_resource():
    def malloc(size, policy=0):
        return 0x1000, 0  # a real allocator hands out a freed address again

    def free(ptr):
        return 0

    mod = fake_acl(malloc=malloc, free=free, set_device=lambda d: 0)
    with audit(module=mod, fresh=True) as s:
        mod.rt.set_device(0)
        for _ in range(3):
            p, _ = mod.rt.malloc(64)
            mod.rt.free(p)
    assert s.findings == []


def test_an_unexpected_return_shape_never_breaks_the_program():
    def malloc(size, policy=0):
        return "not a tuple"

    mod = fake_acl(malloc=malloc, set_device=lambda d: 0)
    with audit(module=mod, fresh=True) as s:
        mod.rt.set_device(0)
        assert mod.rt.malloc(1) == "not a tuple"
    assert s.findings == []


def test_keyword_arguments_are_understood(acl):
    with audit() as s:
        ctx = setup_device(acl)
        ptr, ret = acl.rt.malloc(size=64, policy=0)
        acl.rt.free(dev_ptr=ptr)
        acl.rt.free(dev_ptr=ptr); line = here()  # noqa: E702
        teardown_device(acl, ctx)
    assert codes_at(s) == {(line, "ACL301")}


def test_acl_calls_made_by_the_garbage_collector_inside_the_audit(acl):
    """__del__ methods and gc callbacks run at arbitrary allocations, also while the audit
    holds its lock: such calls must neither deadlock nor be lost."""
    import gc

    to_free = []

    def collector_frees(phase, info):
        if phase == "start" and to_free:
            acl.rt.free(to_free.pop())

    def program():
        with audit() as s:
            ctx = setup_device(acl)
            for _ in range(200):
                ptr, ret = acl.rt.malloc(32, 0)
                to_free.append(ptr)
            old = gc.get_threshold()
            gc.callbacks.append(collector_frees)
            gc.set_threshold(1, 1, 1)
            try:
                while to_free:
                    ds = acl.mdl.create_dataset()
                    acl.mdl.destroy_dataset(ds)
            finally:
                gc.set_threshold(*old)
                gc.callbacks.remove(collector_frees)
            teardown_device(acl, ctx)
        done.append(s)

    done = []
    t = threading.Thread(target=program, daemon=True)
    t.start()
    t.join(timeout=60)
    assert done, "the audit deadlocked"
    assert done[0].findings == [] and done[0].errors == []  # every free was seen: no leak


def test_a_long_run_still_knows_old_released_handles(acl):
    """Released resources are moved out of the machine's state in long runs (to keep every
    call cheap); a double free of one of them is still reported."""
    with audit() as s:
        ctx = setup_device(acl)
        first, ret = acl.rt.malloc(64, 0)
        acl.rt.free(first)
        for _ in range(2000):
            ptr, ret = acl.rt.malloc(64, 0)
            acl.rt.free(ptr)
        assert len(s.state.res) < 200
        acl.rt.free(first); line = here()  # noqa: E702
        teardown_device(acl, ctx)
    assert codes_at(s) == {(line, "ACL301")}
