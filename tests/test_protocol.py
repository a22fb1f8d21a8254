"""rules/ is the protocol: it loads, every entry names its source, and a malformed file
stops with a message that names the file and the entry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acl_lint import protocol
from acl_lint.ruledata import RuleDataError, rules_dir


def test_shipped_rules_load_and_cite_their_sources():
    p = protocol.default()
    assert len(p.apis) > 100
    for api in p.apis.values():
        assert api.sources, f"{api.call} has no source"
        for role in api.releases + api.uses:
            for kind in role.kinds:
                assert kind in p.kinds or kind == "any" or any(k.family == kind for k in p.kinds.values())
    for call in ("rt.malloc", "rt.free", "mdl.load_from_file_with_mem", "mdl.execute_v2",
                 "create_data_buffer", "mdl.destroy_dataset", "media.dvpp_destroy_channel_desc"):
        assert call in p.apis
    assert {"exec_config", "data_buffer"} <= set(p.sequences)
    # what must be released first ranks lower
    r = p.release_rank
    assert r["device_memory"] < r["data_buffer"] < r["dataset"]
    assert r["stream"] < r["context"] < r["device"]


def copy_rules(tmp_path: Path) -> Path:
    dest = tmp_path / "rules"
    shutil.copytree(rules_dir(), dest)
    return dest


def test_unknown_kind_names_file_and_entry(tmp_path):
    d = copy_rules(tmp_path)
    (d / "api" / "zz_new.toml").write_text(
        '[[api]]\ncall = "rt.malloc_magic"\nreturns = "value_ret"\nstatus = "acquire"\n'
        'acquires = "unicorn_memory"\nsources = ["test"]\n')
    with pytest.raises(RuleDataError) as exc:
        protocol.load(d)
    assert "zz_new.toml" in str(exc.value) and "rt.malloc_magic" in str(exc.value)
    assert "unicorn_memory" in str(exc.value)


@pytest.mark.parametrize("body, words", [
    ('call = "rt.x"\nreturns = "tuple"\nsources = ["t"]\n', ["returns must be one of"]),
    ('call = "rt.x"\nreturns = "ret"\nsources = ["t"]\n', ["needs a `status`"]),
    ('call = "rt.x"\nreturns = "ret"\nstatus = "use"\nsourcez = ["t"]\n', ["unknown key", "sourcez"]),
    ('call = "rt.x"\nreturns = "ret"\nstatus = "use"\n', ["missing key 'sources'"]),
    ('call = "rt.malloc"\nreturns = "ret"\nstatus = "use"\nsources = ["t"]\n', ["defined twice"]),
])
def test_malformed_api_entries(tmp_path, body, words):
    d = copy_rules(tmp_path)
    (d / "api" / "zz_bad.toml").write_text("[[api]]\n" + body)
    with pytest.raises(RuleDataError) as exc:
        protocol.load(d)
    for w in words:
        assert w in str(exc.value)


def test_not_toml_at_all(tmp_path):
    d = copy_rules(tmp_path)
    (d / "orders.toml").write_text("[[order]\nfirst = ")
    with pytest.raises(RuleDataError) as exc:
        protocol.load(d)
    assert "orders.toml" in str(exc.value) and "not valid TOML" in str(exc.value)


def test_a_new_api_is_a_data_change(tmp_path):
    """Adding an API to rules/ makes the analyzer check it, with no engine change."""
    d = copy_rules(tmp_path)
    (d / "api" / "zz_new.toml").write_text(
        '[[api]]\ncall = "rt.malloc_magic"\nreturns = "value_ret"\nstatus = "acquire"\n'
        'acquires = "device_memory"\nsources = ["test"]\n')
    code = (
        "from acl_lint.static import analyze_files\n"
        "src = 'import acl\\n\\ndef f():\\n    p, ret = acl.rt.malloc_magic(8)\\n    if ret != 0:\\n        return\\n'\n"
        "fs, _ = analyze_files([('m.py', src)])\n"
        "print([(f.code, f.line) for f in fs])\n"
    )
    env = dict(os.environ, ACL_LINT_RULES_DIR=str(d))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "('ACL101', 4)" in out.stdout


NEEDS_CONTEXT_PROGRAM = """
import types
from acl_lint.runtime import audit

calls = []
rt = types.SimpleNamespace(query_widget=lambda dev: calls.append(dev) or 0)
acl = types.SimpleNamespace(rt=rt, mdl=types.SimpleNamespace(), media=types.SimpleNamespace())
with audit(module=acl, fresh=True) as session:
    acl.rt.query_widget(0)
assert calls == [0]
print([(f.code, f.message) for f in session.findings])
"""


@pytest.mark.parametrize("needs", [True, False])
def test_an_api_that_needs_a_context_is_a_data_change(tmp_path, needs):
    """A new API that needs a current context: an entry in api/*.toml and its name in
    context.toml, and the runtime audit reports ACL402 for it on a thread without one."""
    d = copy_rules(tmp_path)
    (d / "api" / "zz_new.toml").write_text(
        '[[api]]\ncall = "rt.query_widget"\nreturns = "ret"\nstatus = "use"\nsources = ["test"]\n')
    if needs:
        ctx = (d / "context.toml").read_text(encoding="utf-8")
        (d / "context.toml").write_text(ctx.replace("needs = [\n", 'needs = [\n    "rt.query_widget",\n', 1))
    env = dict(os.environ, ACL_LINT_RULES_DIR=str(d))
    out = subprocess.run([sys.executable, "-c", NEEDS_CONTEXT_PROGRAM], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    found = "('ACL402', 'acl.rt.query_widget needs a current context" in out.stdout
    assert found == needs, out.stdout


def test_context_table_names_only_catalogued_calls(tmp_path):
    d = copy_rules(tmp_path)
    ctx = (d / "context.toml").read_text(encoding="utf-8")
    (d / "context.toml").write_text(ctx.replace("needs = [\n", 'needs = [\n    "rt.no_such_call",\n', 1))
    with pytest.raises(RuleDataError) as exc:
        protocol.load(d)
    assert "context.toml" in str(exc.value) and "rt.no_such_call" in str(exc.value)


def test_finalize_order_takes_its_kinds_from_kinds_toml(tmp_path):
    d = copy_rules(tmp_path)
    kinds = (d / "kinds.toml").read_text(encoding="utf-8")
    (d / "kinds.toml").write_text(kinds.replace('[kind.roi_config]\n', '[kind.roi_config]\nbefore_finalize = true\n'))
    finalize = next(o for o in protocol.load(d).orders if o.link == "*")
    assert "roi_config" in finalize.first and "stream" in finalize.first
    assert "roi_config" not in next(o for o in protocol.default().orders if o.link == "*").first
