"""bench/run.py --quick runs end to end (with or without the peers installed) and
prints the side-by-side table with acl-lint's rows; the generator makes valid Python."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import run as bench_run  # noqa: E402

ROW = re.compile(r"^\| (?P<label>[^|]+?) +\| +(?P<wall>[^|]+?) +\|")


def rows(text: str):
    out = {}
    for line in text.splitlines():
        m = ROW.match(line)
        if m and m.group("label") != "tool":
            out.setdefault(m.group("label"), []).append(m.group("wall"))
    return out


def test_quick_benchmark_prints_the_table():
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick"], cwd=REPO, capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "pyACL-heavy" in out and "mixed (stdlib + pyACL code)" in out
    assert "Machine:" in out and "Command: `python bench/run.py --quick`" in out
    table = rows(out)
    for label in ("acl-lint cold (--jobs", "acl-lint cold (--jobs 1)", "acl-lint warm (unchanged tree)"):
        matching = [k for k in table if k.startswith(label)]
        assert matching, f"no row {label!r} in:\n{out}"
        for wall in table[matching[0]]:
            assert float(wall) > 0  # measured, on both inputs
    for peer in ("fixit lint", "pylint consider-using-with", "pylint (default checks)", "ruff check cold (--no-cache)"):
        assert peer in table
        for wall in table[peer]:
            assert wall == "not installed" or wall.startswith(">") or float(wall) > 0
    assert "Runtime audit overhead" in out


def test_missing_peers_are_reported_not_fatal(monkeypatch, tmp_path):
    monkeypatch.setattr(bench_run, "_module_available", lambda name: False)
    monkeypatch.setattr(bench_run, "_ruff_bin", lambda: None)
    tools = bench_run.tools(tmp_path, tmp_path, 2)
    peers = [t for t in tools if not t.label.startswith("acl-lint")]
    assert peers and all(t.cmd is None for t in peers)
    rows_ = [(t, bench_run.Measure(wall=1.0, cpu=1.0, max_rss=10, tree_mem=10, code=0) if t.cmd else
              bench_run.Measure(note="not installed")) for t in tools]
    text = bench_run.table("x", 1, 5000, rows_)
    assert "| fixit lint" in text and "not installed" in text
    assert "acl-lint cold (--jobs 2)" in text and "1.00x" in text


def test_generator_is_deterministic_and_valid(tmp_path):
    a = generate.generate(tmp_path / "a", kloc=2.0, seed=3)
    b = generate.generate(tmp_path / "b", kloc=2.0, seed=3)
    assert a == b and a["lines"] >= 2000
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.py"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.py"))
    assert files_a == files_b
    for rel in files_a:
        text = (tmp_path / "a" / rel).read_text()
        assert text == (tmp_path / "b" / rel).read_text()
        compile(text, str(rel), "exec")
        assert "_g1" in text or "acl" in text
