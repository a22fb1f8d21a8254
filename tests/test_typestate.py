"""The typestate machine on its own: hand-made event sequences in, findings out.

One test per rule the machine owns; this is the executable definition of "the checker"
that the static engine and the runtime audit both feed (acl_lint/typestate.py).
"""

from __future__ import annotations

from typing import List, Tuple

import pytest

from acl_lint import protocol
from acl_lint.typestate import NULL, Machine, Site, TState

P = protocol.default()


class Run:
    """A machine, one state, and the findings it emitted as (code, line, message)."""

    def __init__(self, options=None):
        self.found: List[Tuple[str, int, str]] = []
        self.m = Machine(P, lambda code, site, msg, res, rel: self.found.append((code, site.line, msg)), options)
        self.st = TState()

    def __call__(self, line: int, call: str, *args, rid=None, name: str = "", keys=(), error_path=False):
        """One call at ``line``; an argument is a resource id (a str), NULL, or None (unknown)."""
        resolved = [frozenset({a}) if isinstance(a, str) and a is not NULL else a for a in args]
        return self.m.call(self.st, P.api(call), resolved, Site("t.py", line), result_rid=rid, name=name,
                           keys=keys, error_path=error_path)

    def codes(self):
        return [(code, line) for code, line, _ in self.found]

    def live(self, rid) -> bool:
        return self.st.res[rid].live


def with_context(run: Run) -> Run:
    run(1, "init", keys=())
    run(2, "rt.set_device", 0, keys=(0,))
    run(3, "rt.create_context", 0, rid="ctx", name="ctx", keys=(0,))
    return run


def test_acquire_and_release_leave_nothing_to_report():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    assert r.live("p")
    r(5, "rt.free", "p")
    assert not r.live("p") and r.found == []
    assert not r.m.leak_reportable(r.st, r.st.res["p"])


def test_leak_is_reportable_until_released():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    assert r.m.leak_reportable(r.st, r.st.res["p"]) and r.m.leak_code(r.st.res["p"]) == "ACL101"


def test_acl301_double_release():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    r(5, "rt.free", "p")
    r(6, "rt.free", "p")
    assert r.codes() == [("ACL301", 6)]
    assert "released again by acl.rt.free; it was released by acl.rt.free at line 5" in r.found[0][2]


def test_acl302_use_after_release():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    r(5, "rt.free", "p")
    r(6, "rt.memcpy", "p", None, None, None, None)
    assert r.codes() == [("ACL302", 6)]


def test_acl303_wrong_release_api_does_not_count_as_release():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    r(5, "rt.free_host", "p")
    assert r.codes() == [("ACL303", 5)]
    assert "which releases host memory" in r.found[0][2]


def test_acl303_wrong_argument_is_one_finding_and_names_the_handle_meant():
    """destroy_data_buffer(dataset) on the failure branch of add_dataset_buffer: the dataset stays
    live (its later destroy_dataset is no double release, no order finding), and neither its leak
    nor the leak of the unattached buffer that was meant is reported again."""
    r = with_context(Run())
    r(4, "mdl.create_dataset", rid="ds", name="ds")
    r(5, "create_data_buffer", None, None, rid="b1", name="b1")
    r(6, "mdl.add_dataset_buffer", "ds", "b1")
    r(7, "create_data_buffer", None, None, rid="b2", name="b2")
    r(8, "destroy_data_buffer", "ds")
    assert r.codes() == [("ACL303", 8)]
    assert "pass the data buffer `b2` (line 7), not the dataset" in r.found[0][2]
    assert r.live("ds") and r.live("b2")
    assert not r.m.leak_reportable(r.st, r.st.res["ds"]) and not r.m.leak_reportable(r.st, r.st.res["b2"])
    r(9, "destroy_data_buffer", "b1")
    r(10, "mdl.destroy_dataset", "ds")
    assert r.codes() == [("ACL303", 8)]


def test_acl303_without_a_single_candidate_names_the_right_api():
    r = with_context(Run())
    r(4, "mdl.create_dataset", rid="ds", name="ds")
    r(5, "destroy_data_buffer", "ds")
    assert r.codes() == [("ACL303", 5)]
    assert r.found[0][2].endswith(": release the dataset with acl.mdl.destroy_dataset")


def test_acl202_free_while_async_work_is_queued():
    r = with_context(Run())
    r(4, "rt.create_stream", rid="s", name="s")
    r(5, "rt.malloc", None, None, rid="p", name="p")
    r(6, "rt.memcpy_async", "p", None, None, None, None, "s")
    r(7, "rt.free", "p")
    assert r.codes() == [("ACL202", 7)]


def test_acl202_not_after_synchronize():
    r = with_context(Run())
    r(4, "rt.create_stream", rid="s", name="s")
    r(5, "rt.malloc", None, None, rid="p", name="p")
    r(6, "rt.memcpy_async", "p", None, None, None, None, "s")
    r(7, "rt.synchronize_stream", "s")
    r(8, "rt.free", "p")
    assert r.found == []


def test_acl202_destroying_a_stream_with_queued_work():
    r = with_context(Run())
    r(4, "rt.create_stream", rid="s", name="s")
    r(5, "rt.malloc", None, None, rid="p", name="p")
    r(6, "rt.memcpy_async", "p", None, None, None, None, "s")
    r(7, "rt.destroy_stream", "s")
    assert ("ACL202", 7) in r.codes()


def test_acl203_context_destroyed_before_its_stream_is_reported_at_the_late_release():
    r = with_context(Run())
    r(4, "rt.create_stream", rid="s", name="s")
    r(5, "rt.destroy_context", "ctx")
    assert r.found == []  # deferred: the stream may never be released (a leak then)
    r(6, "rt.destroy_stream", "s")
    assert r.codes() == [("ACL203", 5)]


def test_acl203_finalize_with_live_resources():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    r(5, "finalize", keys=())
    r(6, "rt.free", "p")
    assert ("ACL203", 5) in r.codes()
    assert "acl.finalize called while the device memory `p`" in r.found[0][2]


def test_acl106_orphaned_memory_leaks_with_the_orders_leak_code():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    r(5, "create_data_buffer", "p", None, rid="b", name="b")
    r(6, "destroy_data_buffer", "b")
    assert r.m.leak_code(r.st.res["p"]) == "ACL106"
    assert r.m.leak_reportable(r.st, r.st.res["p"])


def test_acl107_buffers_of_a_destroyed_dataset():
    r = with_context(Run())
    r(4, "rt.malloc", None, None, rid="p", name="p")
    r(5, "create_data_buffer", "p", None, rid="b", name="b")
    r(6, "mdl.create_dataset", rid="d", name="d")
    r(7, "mdl.add_dataset_buffer", "d", "b")
    assert not r.m.leak_reportable(r.st, r.st.res["b"])  # reported once, at the root owner
    r(8, "mdl.destroy_dataset", "d")
    assert r.m.leak_code(r.st.res["b"]) == "ACL107"


def test_acl201_execute_before_any_option():
    r = with_context(Run())
    r(4, "mdl.create_exec_config_handle", rid="cfg", name="cfg")
    r(5, "mdl.execute_v2", None, None, None, None, "cfg")
    assert r.codes() == [("ACL201", 5)]


def test_acl201_destroyed_without_use_only_on_normal_paths():
    r = with_context(Run())
    r(4, "mdl.create_exec_config_handle", rid="cfg", name="cfg")
    r(5, "mdl.set_exec_config_opt", "cfg", None, None, None)
    r(6, "mdl.destroy_exec_config_handle", "cfg", error_path=True)
    assert r.found == []
    r2 = with_context(Run())
    r2(4, "mdl.create_exec_config_handle", rid="cfg", name="cfg")
    r2(5, "mdl.destroy_exec_config_handle", "cfg")
    assert r2.codes() == [("ACL201", 5)]


def test_acl204_dynamic_output_buffer_executed_twice_without_reset():
    r = with_context(Run())
    r(4, "create_data_buffer", NULL, NULL, rid="b", name="out_buf")
    r(5, "mdl.create_dataset", rid="d", name="d")
    r(6, "mdl.add_dataset_buffer", "d", "b")
    r(7, "mdl.execute", None, None, "d")
    assert r.found == []
    r(8, "mdl.execute", None, None, "d")
    assert r.codes() == [("ACL204", 8)]


def test_acl205_execute_v2_with_a_null_stream():
    r = with_context(Run())
    r(4, "mdl.execute_v2", None, None, None, NULL, None)
    assert r.codes() == [("ACL205", 4)]


def test_acl401_stream_used_under_another_context():
    r = with_context(Run())
    r(4, "rt.create_stream", rid="s", name="s")
    r(5, "rt.create_context", 0, rid="ctx2", name="ctx2", keys=(0,))
    r(6, "rt.synchronize_stream", "s")
    r(7, "rt.destroy_stream", "s")
    assert r.codes() == [("ACL401", 6), ("ACL401", 7)]
    assert "created under context `ctx` (line 3) but acl.rt.synchronize_stream runs under context `ctx2`" \
        in r.found[0][2]


def test_a_failed_call_checks_but_acquires_nothing():
    r = with_context(Run())
    res = r.m.call(r.st, P.api("rt.malloc"), [None, None], Site("t.py", 4), result_rid="p", succeeded=False)
    assert res.acquired is None and "p" not in r.st.res


def test_process_scoped_kinds_are_leaks_only_where_torn_down():
    r = with_context(Run())
    dev = r.st.res[r.st.keyed[("device", (0,))]]
    assert not r.m.leak_reportable(r.st, dev)
    assert r.m.leak_reportable(r.st, dev, frozenset({"device"}))


@pytest.mark.parametrize("option, codes", [(True, [("ACL203", 6)]), (False, [])])
def test_an_order_option_turns_the_order_off_but_not_the_orphan_leak(option, codes):
    r = with_context(Run({"buffer-free-order": option}))
    r(4, "rt.malloc", None, None, rid="p", name="p")
    r(5, "create_data_buffer", "p", None, rid="b", name="b")
    r(6, "destroy_data_buffer", "b")
    assert r.m.leak_code(r.st.res["p"]) == "ACL106"
    r(7, "rt.free", "p")
    assert r.codes() == codes


def test_links_are_indexed_by_target():
    """`owned` looks only at what links to a resource (its cost does not grow with others)."""
    r = with_context(Run())
    for i in range(50):
        r(10 + i, "rt.malloc", None, None, rid=f"m{i}")
        r(10 + i, "create_data_buffer", f"m{i}", None, rid=f"b{i}")
    assert [x.rid for x in r.m.owned(r.st, "b7")] == ["m7"]
    assert set(r.st.linked["b7"]) == {"m7"}
