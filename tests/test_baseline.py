"""--write-baseline / --baseline: adopt acl-lint on an old codebase."""

import json
import textwrap
from collections import Counter

import pytest

from acl_lint.baseline import BaselineError, load_baseline, new_findings, write_baseline
from acl_lint.cli import main
from acl_lint.findings import Finding
from acl_lint.static import engine

LEAKY = """\
import acl


def f():
    p, ret = acl.rt.malloc(16, 0)
    if ret != 0:
        return
"""


def fnd(resource, line=1, function="f"):
    return Finding("ACL101", f"{resource} leaks", "a.py", line, 1, line, 2, function=function, resource=resource)


def test_multiset_matching():
    base = Counter({fnd("p").fingerprint: 2})
    run = [fnd("p", 1), fnd("p", 5), fnd("p", 9), fnd("q", 3)]
    new = new_findings(run, base)
    # two of the three `p` are known; the last by position is new
    assert [(f.resource, f.line) for f in new] == [("q", 3), ("p", 9)]


def test_fingerprint_survives_moving_lines():
    base = Counter({fnd("p", 3).fingerprint: 1})
    assert new_findings([fnd("p", 40)], base) == []


def test_write_and_load(tmp_path):
    path = tmp_path / "baseline.json"
    assert write_baseline(str(path), [fnd("p"), fnd("p", 2), fnd("q")]) == 3
    data = json.loads(path.read_text())
    assert data["acl-lint-baseline"] == 2
    # what was accepted is readable next to each fingerprint
    assert data["findings"][0] == {
        "fingerprint": fnd("p").fingerprint, "code": "ACL101", "rule": "resource-leak", "path": "a.py",
        "function": "f", "resource": "p", "line": 1, "message": "p leaks",
    }
    assert load_baseline(str(path)) == Counter({fnd("p").fingerprint: 2, fnd("q").fingerprint: 1})


def test_format_1_baselines_still_load(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({
        "acl-lint-baseline": 1, "version": "0.1.0", "fingerprints": {fnd("p").fingerprint: 2},
        "findings": [{"fingerprint": fnd("p").fingerprint, "code": "ACL101", "path": "a.py", "line": 1,
                      "message": "p leaks"}] * 2,
    }))
    assert load_baseline(str(path)) == Counter({fnd("p").fingerprint: 2})
    assert new_findings([fnd("p"), fnd("p", 2), fnd("q")], load_baseline(str(path))) == [fnd("q")]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "baseline file not found"),
        ("{not json", "is not valid JSON"),
        ('{"findings": []}', "is not an acl-lint baseline"),
        ('{"acl-lint-baseline": 99, "fingerprints": {}}', "has format 99"),
        ('{"acl-lint-baseline": 1, "fingerprints": {"x": "two"}}', "'fingerprints' must map"),
        ('{"acl-lint-baseline": 2, "findings": [{"code": "ACL101"}]}', "'findings' must be a list of entries"),
    ],
)
def test_bad_baseline_files(tmp_path, content, message):
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        load_baseline(str(path))


# --- command line ---------------------------------------------------------------


@pytest.fixture
def fake_engine(monkeypatch):
    """ACL101 for each line containing LEAK(name), resource = name."""
    import re

    def analyze_files(files, options=None):
        out = []
        for path, text in files:
            for i, line in enumerate(text.splitlines(), 1):
                m = re.search(r"LEAK\((\w+)\)", line)
                if m:
                    out.append(Finding("ACL101", f"{m.group(1)} leaks", path, i, 1, i, 5, function="f",
                                       resource=m.group(1)))
        return out, []

    monkeypatch.setattr(engine, "analyze_files", analyze_files)


def test_cli_baseline_round_trip(tmp_path, monkeypatch, capsys, fake_engine):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("LEAK(a)\nLEAK(a)\nLEAK(b)\n")
    assert main(["--write-baseline", "base.json", "."]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "wrote baseline of 3 findings (1 files) to base.json" in captured.err
    recorded = json.loads((tmp_path / "base.json").read_text())
    assert sorted(f["message"] for f in recorded["findings"]) == ["a leaks", "a leaks", "b leaks"]

    assert main(["--baseline", "base.json", "."]) == 0
    assert "All checks passed! (1 file)" in capsys.readouterr().out

    # lines move, one more `a` leak and a new `c` leak appear
    (tmp_path / "a.py").write_text("\n\nLEAK(b)\nLEAK(a)\nLEAK(a)\nLEAK(a)\nLEAK(c)\n")
    assert main(["--baseline", "base.json", ".", "--output-format", "concise"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["a.py:6:1: ACL101 a leaks", "a.py:7:1: ACL101 c leaks", "Found 2 findings (2 errors, 0 warnings) in 1 file."]


def test_cli_missing_or_invalid_baseline_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["--baseline", "missing.json", "."]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "acl-lint: error: baseline file not found: missing.json" in captured.err
    (tmp_path / "bad.json").write_text("[]")
    assert main(["--baseline", "bad.json", "."]) == 2
    assert "bad.json is not an acl-lint baseline" in capsys.readouterr().err


def test_cli_baseline_with_a_real_leak(tmp_path, monkeypatch, capsys):
    """With the real engine: a baselined leak is quiet, a second leak is reported."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leak.py").write_text(LEAKY)
    assert main(["--write-baseline", "b.json", "leak.py"]) == 0
    capsys.readouterr()
    assert json.loads((tmp_path / "b.json").read_text())["findings"][0]["code"] == "ACL101"
    assert main(["--baseline", "b.json", "leak.py"]) == 0
    capsys.readouterr()
    (tmp_path / "leak.py").write_text(
        LEAKY + textwrap.dedent(
            """

            def g():
                q, ret = acl.rt.malloc(32, 0)
                if ret != 0:
                    return
            """
        )
    )
    assert main(["--baseline", "b.json", "leak.py"]) == 1
    out = capsys.readouterr().out
    assert "leak.py:11:" in out and "ACL101" in out and "leak.py:5:" not in out
