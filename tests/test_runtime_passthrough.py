"""Values pass through the shim unchanged.

A hypothesis property: a random sequence of pyACL calls (memory, datasets, buffers,
streams, events, models; valid and invalid: double frees, use after free, null
handles, wrong kinds) runs on a fresh simulator twice, once bare and once under
the audit, and every result (return values, error codes, raised exceptions) and
the simulator's final state are the same. The simulator never reuses a handle, so
handles are compared by the order in which they first appeared.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acl_lint import sim
from acl_lint.runtime import audit

OBJ_BASE = 0x0100_0000_0000


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.json"
    path.write_text(json.dumps({"inputs": [{"shape": [1, 8], "dtype": "float32"}],
                                "outputs": [{"shape": [1, 4], "dtype": "float32"}]}), encoding="utf-8")
    return str(path)


H = st.integers(min_value=-2, max_value=12)  # index into the handles seen so far; -1: 0, -2: None
SIZE = st.sampled_from([0, 16, 32, 64, 4096])

OPS = st.one_of(
    st.tuples(st.just("malloc"), SIZE),
    st.tuples(st.just("malloc_host"), SIZE),
    st.tuples(st.just("free"), H),
    st.tuples(st.just("free_host"), H),
    st.tuples(st.just("memcpy"), H, H, st.sampled_from([0, 1, 2, 3, 4])),
    st.tuples(st.just("memset"), H),
    st.tuples(st.just("create_dataset")),
    st.tuples(st.just("create_data_buffer"), H, SIZE),
    st.tuples(st.just("add_dataset_buffer"), H, H),
    st.tuples(st.just("get_dataset_buffer"), H, st.integers(0, 2)),
    st.tuples(st.just("get_dataset_num_buffers"), H),
    st.tuples(st.just("get_data_buffer_addr"), H),
    st.tuples(st.just("get_data_buffer_size_v2"), H),
    st.tuples(st.just("update_data_buffer"), H, H, SIZE),
    st.tuples(st.just("destroy_data_buffer"), H),
    st.tuples(st.just("destroy_dataset"), H),
    st.tuples(st.just("create_stream")),
    st.tuples(st.just("destroy_stream"), H),
    st.tuples(st.just("synchronize_stream"), H),
    st.tuples(st.just("memcpy_async"), H, H, H),
    st.tuples(st.just("create_event")),
    st.tuples(st.just("record_event"), H, H),
    st.tuples(st.just("synchronize_event"), H),
    st.tuples(st.just("destroy_event"), H),
    st.tuples(st.just("load")),
    st.tuples(st.just("create_desc")),
    st.tuples(st.just("get_desc"), H, H),
    st.tuples(st.just("get_num_inputs"), H),
    st.tuples(st.just("get_input_size_by_index"), H),
    st.tuples(st.just("execute"), H, H, H),
    st.tuples(st.just("execute_async"), H, H, H, H),
    st.tuples(st.just("unload"), H),
    st.tuples(st.just("destroy_desc"), H),
    st.tuples(st.just("ptr_to_bytes"), H),
    st.tuples(st.just("create_context")),
    st.tuples(st.just("set_context"), H),
    st.tuples(st.just("destroy_context"), H),
    st.tuples(st.just("synchronize_device")),
)


class Run:
    """Executes ops against one acl module; records normalised results."""

    def __init__(self, acl, model_path):
        self.acl = acl
        self.model_path = model_path
        self.handles = []  # handles in order of appearance
        self.canon = {}  # raw handle -> index
        self.log = []

    def arg(self, i):
        if i == -1:
            return 0
        if i == -2:
            return None
        return self.handles[i % len(self.handles)] if self.handles else 0

    def seen(self, value):
        if isinstance(value, int) and not isinstance(value, bool) and value >= OBJ_BASE:
            if value not in self.canon:
                self.canon[value] = len(self.handles)
                self.handles.append(value)

    def norm(self, value):
        if isinstance(value, tuple):
            return tuple(self.norm(v) for v in value)
        if isinstance(value, int) and not isinstance(value, bool) and value in self.canon:
            return ("handle", self.canon[value])
        if isinstance(value, (bytes, bytearray)):
            return ("bytes", bytes(value))
        return value

    def call(self, op):
        acl, a = self.acl, self.arg
        name, args = op[0], op[1:]
        table = {
            "malloc": lambda s: acl.rt.malloc(s, 0),
            "malloc_host": lambda s: acl.rt.malloc_host(s),
            "free": lambda h: acl.rt.free(a(h)),
            "free_host": lambda h: acl.rt.free_host(a(h)),
            "memcpy": lambda d, s, k: acl.rt.memcpy(a(d), 16, a(s), 16, k),
            "memset": lambda h: acl.rt.memset(a(h), 16, 7, 16),
            "create_dataset": lambda: acl.mdl.create_dataset(),
            "create_data_buffer": lambda h, s: acl.create_data_buffer(a(h), s),
            "add_dataset_buffer": lambda d, b: acl.mdl.add_dataset_buffer(a(d), a(b)),
            "get_dataset_buffer": lambda d, i: acl.mdl.get_dataset_buffer(a(d), i),
            "get_dataset_num_buffers": lambda d: acl.mdl.get_dataset_num_buffers(a(d)),
            "get_data_buffer_addr": lambda b: acl.get_data_buffer_addr(a(b)),
            "get_data_buffer_size_v2": lambda b: acl.get_data_buffer_size_v2(a(b)),
            "update_data_buffer": lambda b, p, s: acl.update_data_buffer(a(b), a(p), s),
            "destroy_data_buffer": lambda b: acl.destroy_data_buffer(a(b)),
            "destroy_dataset": lambda d: acl.mdl.destroy_dataset(a(d)),
            "create_stream": lambda: acl.rt.create_stream(),
            "destroy_stream": lambda s: acl.rt.destroy_stream(a(s)),
            "synchronize_stream": lambda s: acl.rt.synchronize_stream(a(s)),
            "memcpy_async": lambda d, s, m: acl.rt.memcpy_async(a(d), 16, a(s), 16, 4, a(m)),
            "create_event": lambda: acl.rt.create_event(),
            "record_event": lambda e, s: acl.rt.record_event(a(e), a(s)),
            "synchronize_event": lambda e: acl.rt.synchronize_event(a(e)),
            "destroy_event": lambda e: acl.rt.destroy_event(a(e)),
            "load": lambda: acl.mdl.load_from_file(self.model_path),
            "create_desc": lambda: acl.mdl.create_desc(),
            "get_desc": lambda d, m: acl.mdl.get_desc(a(d), self.model(m)),
            "get_num_inputs": lambda d: acl.mdl.get_num_inputs(a(d)),
            "get_input_size_by_index": lambda d: acl.mdl.get_input_size_by_index(a(d), 0),
            "execute": lambda m, i, o: acl.mdl.execute(self.model(m), a(i), a(o)),
            "execute_async": lambda m, i, o, s: acl.mdl.execute_async(self.model(m), a(i), a(o), a(s)),
            "unload": lambda m: acl.mdl.unload(self.model(m)),
            "destroy_desc": lambda d: acl.mdl.destroy_desc(a(d)),
            "ptr_to_bytes": lambda h: acl.util.ptr_to_bytes(a(h), 8),
            "create_context": lambda: acl.rt.create_context(0),
            "set_context": lambda c: acl.rt.set_context(a(c)),
            "destroy_context": lambda c: acl.rt.destroy_context(a(c)),
            "synchronize_device": lambda: acl.rt.synchronize_device(),
        }
        try:
            result = table[name](*args)
        except Exception as exc:  # the simulator raises SimFault for some misuse
            self.log.append((name, "raised", type(exc).__name__, getattr(exc, "code", None),
                             re.sub(r"0x[0-9a-f]+", "0x?", str(exc))))
            return
        if name == "load":
            model_id, ret = result
            self.models.append(model_id)
            self.log.append((name, ("model", len(self.models) - 1) if ret == 0 else model_id, ret))
            return
        for v in (result if isinstance(result, tuple) else (result,)):
            self.seen(v)
        self.log.append((name, self.norm(result)))

    models: list

    def model(self, i):
        if i < 0:
            return 0
        return self.models[i % len(self.models)] if self.models else 1 << 20

    def run(self, ops):
        self.models = []
        acl = self.acl
        self.log.append(("init", acl.init(), acl.rt.set_device(0)))
        ctx, ret = acl.rt.create_context(0)
        self.seen(ctx)
        self.log.append(("ctx", self.norm(ctx), ret))
        for op in ops:
            self.call(op)
        state = sim.state()
        self.log.append(("state", {k: v for k, v in state.items() if k not in ("device_memory_used",)}))
        self.log.append(("finalize", acl.rt.reset_device(0), acl.finalize()))
        return self.log


def run_bare(ops, model_path):
    sim.reset()
    return Run(sim.make_module(), model_path).run(ops)


def run_audited(ops, model_path):
    sim.reset()
    acl = sim.make_module()
    with audit(module=acl, fresh=True) as session:
        log = Run(acl, model_path).run(ops)
    assert session.errors == []
    return log


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, min_size=1, max_size=40))
def test_every_result_is_the_same_with_and_without_the_shim(ops, model_path):
    bare = run_bare(ops, model_path)
    audited = run_audited(ops, model_path)
    assert audited == bare


def test_the_shim_is_removed_after_the_audit(model_path):
    acl = sim.make_module()
    before = {name: getattr(acl.rt, name) for name in ("malloc", "free", "memcpy")}
    with audit(module=acl, fresh=True):
        assert all(getattr(acl.rt, n) is not f for n, f in before.items())
    assert all(getattr(acl.rt, n) is f for n, f in before.items())
