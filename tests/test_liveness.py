"""Liveness (static/liveness.py): paths that differ only in values no later statement reads
merge, and what a rule still reads at an overwrite is kept."""

from __future__ import annotations

import libcst as cst

from acl_lint.lint import lint_sources
from acl_lint.static.liveness import Liveness


def _live(src: str):
    fn = cst.parse_module(src).body[0]
    lv = Liveness(fn.body.body)
    return fn.body.body, lv


def test_a_name_is_dead_after_its_last_read_and_live_again_before_its_next_read():
    stmts, lv = _live("def f(a):\n    x = a + 1\n    y = x * 2\n    x = 3\n    return x + y\n")
    assert "x" in lv.live_after(stmts[0])
    assert "x" not in lv.live_after(stmts[1])  # overwritten at the next statement before any read
    assert {"x", "y"} <= lv.live_after(stmts[2])


def test_loops_keep_what_the_next_iteration_reads_and_handlers_keep_what_they_read():
    src = ("def f(items):\n    last = None\n    for it in items:\n        try:\n            v = it.get()\n"
           "            last = v\n        except Exception:\n            print(last)\n    return 0\n")
    stmts, lv = _live(src)
    loop = stmts[1]
    body = loop.body.body[0].body.body  # the try body
    assert "last" in lv.live_after(body[0])  # the handler reads it
    assert "last" in lv.head[id(loop)]
    assert "v" not in lv.live_after(body[1])


def test_closures_and_dynamic_scopes_are_never_pruned():
    stmts, lv = _live("def f(a):\n    x = a\n    cb = lambda: x\n    x = 2\n    return cb\n")
    assert "x" in lv.always
    body, dyn = _live("def f(a):\n    x = a\n    return locals()\n")
    assert not dyn.ok and dyn.live_after(body[0]) is None


_BRANCHY = "".join(
    f"    if opts.get('o{i}'):\n        w{i} = {2 * i}\n    else:\n        w{i} = {2 * i + 1}\n    total += w{i}\n"
    for i in range(8))


def test_dead_option_values_do_not_exhaust_the_path_budget():
    src = ("import acl\n\n\ndef pack(opts, size):\n    buf, ret = acl.rt.malloc(size, 0)\n    if ret != 0:\n"
           "        return None\n    total = 0\n" + _BRANCHY +
           "    ret = acl.rt.memset(buf, size, 0, size)\n    if ret != 0:\n        return None\n"
           "    acl.rt.free(buf)\n    return total\n")
    result = lint_sources([("pack.py", src)])
    codes = [(f.code, f.line) for f in result.findings]
    assert ("ACL102", 5) in codes
    assert not any(c == "ACL003" for c, _ in codes), codes


def test_an_unread_status_in_a_dead_name_is_still_reported_at_its_overwrite():
    src = ("import acl\n\n\ndef run(flag, ptr, size):\n    if flag:\n        mode = 1\n    else:\n        mode = 2\n"
           "    ret = acl.rt.memset(ptr, size, mode, size)\n    ret = acl.rt.synchronize_device()\n"
           "    return ret\n")
    result = lint_sources([("run.py", src)])
    assert [(f.code, f.line) for f in result.findings] == [("ACL501", 9)]


def test_a_handle_only_a_dead_name_holds_is_still_lost_at_its_overwrite():
    src = ("import acl\n\n\ndef run(n, size):\n    for i in range(n):\n        if i % 2:\n            tag = 1\n"
           "        else:\n            tag = 2\n        ptr, ret = acl.rt.malloc(size, tag)\n"
           "        if ret != 0:\n            return\n    return 0\n")
    result = lint_sources([("run.py", src)])
    assert ("ACL103", 10) in [(f.code, f.line) for f in result.findings]


def test_released_handles_nothing_reaches_are_forgotten_and_the_others_kept():
    from acl_lint.static.joins import forget_released
    from acl_lint.static.values import Handles, PState
    from acl_lint.typestate import Res

    st = PState()
    for rid, live, external in ((("a", 0), False, False), (("b", 0), False, False), (("c", 0), True, False),
                                (("ext", "p"), False, True)):
        st.ts.res[rid] = Res(rid=rid, kind="device_memory", name=rid[0], api="acl.rt.malloc", site=None,
                             live=live, external=external)
    st.env["held"] = Handles(frozenset({("b", 0)}))  # a later use of it is ACL302: kept
    forget_released(st)
    assert set(st.ts.res) == {("b", 0), ("c", 0), ("ext", "p")}
