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

def tables(text: str):
    """Every markdown table of the report: {label: {column: cell}}, one dict per table."""
    out, head = [], None
    for line in text.splitlines():
        if not line.startswith("|"):
            head = None
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if head is None:
            head = cells
            out.append({})
        elif not set(line) <= set("|-: "):
            out[-1][cells[0]] = dict(zip(head, cells))
    return out


def test_quick_benchmark_prints_the_tables():
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick"], cwd=REPO, capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "**real-world corpus**: skipped with --quick (pass --realworld DIR to include it)" in out
    assert "Machine:" in out and "Load average (1, 5, 15 min) at the start:" in out
    assert "Command: `python bench/run.py --quick`" in out
    generated, mixed = tables(out)
    for table in (generated, mixed):
        for label in ("acl-lint cold (--jobs", "acl-lint cold (--jobs 1)", "acl-lint warm (unchanged tree)"):
            row = next(r for k, r in table.items() if k.startswith(label))
            wall, low = re.fullmatch(r"([\d.]+) \(([\d.]+)\)", row["wall s med (min)"]).groups()
            assert float(wall) > 0 and float(low) <= float(wall)
            assert float(row["CPU s med (min)"].split()[0]) > 0 and float(row["peak MB all procs"]) > 0
            assert re.fullmatch(r"[\d.]+-[\d.]+ -> [\d.]+-[\d.]+", row["load before->after"])
        cold = table["acl-lint cold (--jobs 1)"]["worst file wall / CPU s"]
        assert re.fullmatch(r"[\d.]+ / [\d.]+", cold), cold  # from its --timings
        for peer in ("ruff check (default rules)", "ruff check --select ALL", "pylint consider-using-with",
                     "fixit lint"):
            assert peer in table
            wall = table[peer]["wall s med (min)"]
            assert wall == "not installed" or wall.startswith(">") or float(wall.split()[0]) > 0
    # the mixed tree: kLOC/s over the files acl-lint analyses, and (higher) over all files
    analysed, every = re.fullmatch(r"([\d.]+) \(([\d.]+)\)",
                                   mixed["acl-lint cold (--jobs 1)"]["kLOC/s analysed (all)"]).groups()
    assert float(analysed) < float(every)
    assert re.search(r"mixed \(stdlib \+ pyACL code\)\*\*: \d+ `.py` files, [\d.]+ kLOC; acl-lint analyses \d+ "
                     r"files", out)
    assert "The worst file linted alone" in out and "Runtime audit overhead" in out


def test_missing_peers_are_reported_not_fatal(monkeypatch, tmp_path):
    monkeypatch.setattr(bench_run, "_module_available", lambda name: False)
    monkeypatch.setattr(bench_run, "_ruff_bin", lambda: None)
    tools = bench_run.tools(tmp_path, tmp_path, 2)
    peers = [t for t in tools if not t.label.startswith("acl-lint")]
    assert peers and all(t.cmd is None for t in peers)
    m = lambda wall: bench_run.Measure(wall=wall, cpu=1.0, max_rss=10, tree_mem=10, code=0)  # noqa: E731
    rows = [bench_run.Row(t.label, [m(1.0), m(2.0), m(4.0)] if t.cmd else [bench_run.Measure(note="not installed")],
                          t.reference, t.timed_files) for t in tools]
    text = bench_run.table("x", bench_run.Counts(1, 5000, 1, 4000), rows, tmp_path)
    table = tables(text)[0]
    assert table["fixit lint"]["wall s med (min)"] == "not installed"
    cold = table["acl-lint cold (--jobs 2)"]
    assert cold["wall s med (min)"] == "2.00 (1.00)" and cold["wall / acl-lint cold"] == "1.00x"
    assert cold["kLOC/s analysed (all)"] == "2.0 (2.5)"


def test_a_missing_real_world_corpus_says_how_to_build_it(tmp_path):
    folder, why = bench_run.realworld_input(str(tmp_path / "absent"), quick=False)
    assert folder is None and "python bench/realworld/build.py" in why and "--realworld DIR" in why


def test_scale_reports_peak_memory_per_copy_count(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for src in sorted((REPO / "corpus" / "functions").glob("leak_*.py"))[:3]:
        (corpus / src.name).write_text(src.read_text())
    text = bench_run.scale_section(corpus, 2, tmp_path, 2, 120, lambda msg: None)
    rows = [line for line in text.splitlines() if line.startswith("| 1x") or line.startswith("| 2x")]
    assert len(rows) == 2  # 1x and 2x
    two = [r for r in rows if r.startswith("| 2x")]
    assert all(re.search(r"\| +[\d.]+x \|", r) for r in two)  # MB relative to 1x
    assert "linear growth would be 2.00x" in text


def test_readme_update_keeps_the_previous_headline(monkeypatch, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- results:start -->\nDate: 2026-11-21 18:37 UTC\n\n**pyACL-heavy**: 674 files\n\n"
                      "| tool | wall s | kLOC/s |\n|---|--:|--:|\n| acl-lint cold (--jobs 2) | 6.03 | 10.6 |\n"
                      "<!-- results:end -->\noutro\n")
    monkeypatch.setattr(bench_run, "README", readme)
    bench_run.update_readme("Date: 2026-12-03 15:00 UTC\n\ntables", "real-world 90.9 kLOC; cold 5.0 kLOC/s")
    bench_run.update_readme("Date: 2026-12-04 09:00 UTC\n\ntables", "real-world 90.9 kLOC; cold 9.0 kLOC/s")
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("outro\n") and text.count("tables") == 1
    assert "Headline: real-world 90.9 kLOC; cold 9.0 kLOC/s" in text
    history = text.split("Previous headline numbers:")[1]
    assert "- 2026-12-03 15:00 UTC: real-world 90.9 kLOC; cold 5.0 kLOC/s" in history
    assert "- 2026-11-21 18:37 UTC: pyACL-heavy: acl-lint cold (--jobs 2) 6.03 s wall, 10.6 kLOC/s" in history
    assert history.index("2026-12-03") < history.index("2026-11-21")


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


def test_measure_counts_every_process_of_the_tree():
    """``python bench/measure.py -- CMD``: CPU seconds of the command and the children it reaps,
    and the peak of their memory summed, process by process (a forked child holding 40 MB of its
    own counts beside its parent)."""
    child = ("import os, time\npid = os.fork()\nx = bytearray(40 << 20)\nend = time.process_time() + 0.3\n"
             "while time.process_time() < end: pass\ntime.sleep(0.4)\nif pid == 0: os._exit(0)\nos.wait()\n")
    proc = subprocess.run([sys.executable, str(BENCH / "measure.py"), "--", sys.executable, "-c", child],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    m = re.match(r"([\d.]+) s wall, ([\d.]+) s CPU, peak (\d+) MB all processes \((\d+) \+ (\d+)\)", proc.stdout)
    assert m, proc.stdout
    assert float(m.group(2)) >= 0.5  # both processes' CPU
    assert int(m.group(4)) >= 40 and int(m.group(5)) >= 40 and int(m.group(3)) >= 80
