"""One wording per defect: acl_lint/diagnostics.py renders every checker code's message, and
the static engine and the runtime audit print the same message for the same defect."""

from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

import pytest

from acl_lint import diagnostics
from acl_lint.findings import registry
from acl_lint.runtime import audit
from acl_lint.static import analyze_files

PACKAGE = Path(__file__).resolve().parent.parent / "acl_lint"

PROGRAM = '''\
import acl


def run(n):
    buf, ret = acl.rt.malloc(n, 0)
    acl.rt.free(buf)
    acl.rt.free(buf)
    dev, ret = acl.rt.malloc(n, 0)
    acl.rt.free_host(dev)
    mem, ret = acl.rt.malloc(n, 0)
    db = acl.create_data_buffer(mem, n)
    acl.destroy_data_buffer(db)


def main():
    acl.init()
    acl.rt.set_device(0)
    ctx, ret = acl.rt.create_context(0)
    run(64)
    acl.rt.destroy_context(ctx)
    acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
'''

#: the defects of PROGRAM, by (line, code)
DEFECTS = {(7, "ACL301"), (9, "ACL303"), (10, "ACL106")}


def test_every_checker_code_has_exactly_one_renderer():
    checker = {c for c in registry() if c[3] != "0" and c not in ("ACL502", "ACL503")}
    assert checker <= set(diagnostics.RENDERERS), sorted(checker - set(diagnostics.RENDERERS))
    for code, fn in diagnostics.RENDERERS.items():
        assert fn.__module__ == "acl_lint.diagnostics", code


def _message_literals(path: Path):
    """String literals of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.value


@pytest.mark.parametrize("phrase", [
    "is released again by", "after it was released by", "which releases", "may still use it",
    "was created under", "needs a current context", "is never released", "wraps a data buffer",
    "belongs to a dataset", "is not released when", "the status returned by", "is acquired on every iteration",
    "is reassigned at line", "but no method of", "but no function of the", "runs the initialiser",
])
def test_messages_are_worded_only_in_diagnostics(phrase):
    """No other module of the package words a checker message."""
    wording = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
               if any(phrase in s for s in _message_literals(p))]
    assert wording == ["diagnostics.py"], wording


def test_static_and_runtime_give_the_same_message_for_the_same_defect(tmp_path, monkeypatch):
    prog = tmp_path / "prog.py"
    prog.write_text(PROGRAM, encoding="utf-8")
    static, errors = analyze_files([(str(prog), PROGRAM)])
    assert errors == []
    with audit(sim=True) as session:
        runpy.run_path(str(prog), run_name="__main__")
    by_static = {(f.line, f.code): f.message for f in static if (f.line, f.code) in DEFECTS}
    by_runtime = {(f.line, f.code): f.message for f in session.findings if (f.line, f.code) in DEFECTS}
    assert set(by_static) == DEFECTS, static
    assert set(by_runtime) == DEFECTS, session.findings
    for key in sorted(DEFECTS):
        assert by_static[key] == by_runtime[key], key
    assert re.match(r"device memory `buf` from acl.rt.malloc \(line 5\) is released again by acl.rt.free",
                    by_static[(7, "ACL301")])


LINK_WORDS = ("added_to", "wrapped_by", "created_in", "created_on", "set_into", "loaded_with")


def test_no_placeholders_or_internal_words_in_the_corpus_messages():
    snap = (Path(__file__).resolve().parent.parent / "corpus" / "EXPECTED.snap").read_text(encoding="utf-8")
    # the messages only: a finding line after its code, a related step after its location
    messages = "\n".join(re.split(r": ACL\d{3} |:\d+:\d+ ", line, maxsplit=1)[-1] for line in snap.splitlines())
    assert "`?`" not in messages and " ? " not in messages
    for word in LINK_WORDS:
        assert word not in messages, word


def test_an_unknown_name_is_left_out_of_a_rules_template():
    assert diagnostics.fill("exec-config handle `{name}` (line {line}) is used", {"name": ""}, line=3) == \
        "exec-config handle (line 3) is used"
    assert diagnostics.fill("options set on `{handle}` do not", {"handle": ""}, unnamed="the handle") == \
        "options set on the handle do not"
    assert diagnostics.fill("options set on `{handle}` do not", {"handle": "cfg"}, unnamed="the handle") == \
        "options set on `cfg` do not"


def test_a_handle_borrowed_from_a_parameter_is_named_by_the_call_that_borrowed_it():
    """What a message would call it: the call that borrowed it, not an internal link type."""
    from acl_lint.static.engine import Engine

    src = ("import acl\n\n\ndef f(dataset):\n    buf = acl.mdl.get_dataset_buffer(dataset, 0)\n"
           "    acl.rt.free(acl.get_data_buffer_addr(buf))\n")
    engine = Engine()
    assert engine.add_file("m.py", src) is None
    fn = engine.index.modules["m.py"].functions["f"]
    _, out = engine.run_fn(fn)
    names = {r.name for st in out.ret for r in st.ts.res.values()}
    assert "acl.mdl.get_dataset_buffer(dataset)" in names, names
    assert "acl.get_data_buffer_addr(acl.mdl.get_dataset_buffer(dataset))" in names, names
    assert not any(w in n for n in names for w in LINK_WORDS), names


FAN_IN = '''\
import acl


def check_ret(message, ret):
    if ret != 0:
        raise RuntimeError(message)


def resize(channel, config, stream):
    input_desc = acl.media.dvpp_create_pic_desc()
    output_desc = acl.media.dvpp_create_pic_desc()
    ret = acl.media.dvpp_vpc_resize_async(channel, input_desc, output_desc, config, stream)
    check_ret("resize", ret)
    acl.media.dvpp_destroy_pic_desc(input_desc)
    acl.media.dvpp_destroy_pic_desc(output_desc)
'''


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_handles_left_at_one_exit_are_one_finding_in_every_format(tmp_path, fmt):
    """One missing try/finally, one finding (design.md section 7): the first acquired handle,
    naming the other one, which is a related step; JSON and SARIF carry both."""
    import json
    import subprocess
    import sys

    (tmp_path / "fan.py").write_text(FAN_IN)
    proc = subprocess.run([sys.executable, "-m", "acl_lint", "--format", fmt, "--no-cache", "fan.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    if fmt == "json":
        leaks = [f for f in report["findings"] if f["code"] == "ACL102"]
        assert len(leaks) == 1, leaks
        f = leaks[0]
        assert f["line"] == 10 and "`input_desc`" in f["message"] and "`output_desc`" in f["message"]
        assert "(line 11) is not released there either" in f["message"]
        assert {(r["line"], r["kind"]) for r in f["related"]} >= {(10, "acquire"), (11, "acquire"), (13, "exit")}
    else:
        results = [r for r in report["runs"][0]["results"] if r["ruleId"] == "ACL102"]
        assert len(results) == 1, results
        lines = {loc["physicalLocation"]["region"]["startLine"] for loc in results[0]["relatedLocations"]}
        assert {11, 13} <= lines, lines
