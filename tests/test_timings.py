"""--timings: the slowest files with their parse and analysis time, after the report, as a user sees it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acl_lint import cli

REPO = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^  +(?P<wall>\d+\.\d\d) +(?P<cpu>\d+\.\d\d) +(?P<parse>\d+\.\d\d)  (?P<file>\S+)(?P<rest>.*)$")
CACHED = re.compile(r"^  cached +(?P<file>\S+)(?P<rest>.*)$")


def acl_lint(*args: str, cwd: Path = REPO):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-m", "acl_lint", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


def timing_rows(text: str):
    _, head, rest = text.partition("Slowest files (of ")
    assert head, f"no timings in:\n{text}"
    rows, cached = [], []
    for line in rest.splitlines()[2:]:
        m = ROW.match(line)
        if m:
            rows.append(m)
            continue
        c = CACHED.match(line)
        if c:
            cached.append(c)
    return rows, cached


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A few corpus programs: enough for the pool (8 files, 3 000 lines)."""
    root = tmp_path_factory.mktemp("timed")
    files = sorted((REPO / "corpus" / "functions").glob("*.py"), key=lambda p: -p.stat().st_size)[:40]
    for src in files:
        shutil.copyfile(src, root / src.name)
    return root


def test_text_report_then_the_slowest_files(tree):
    proc = acl_lint("--no-cache", "--jobs", "1", "--timings", "5", str(tree))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert out.index("Found ") < out.index("Slowest files (of 40 analysed)")
    rows, cached = timing_rows(out)
    assert len(rows) == 5 and not cached
    walls = [float(r["wall"]) for r in rows]
    assert walls == sorted(walls, reverse=True) and walls[0] > 0
    for r in rows:
        assert Path(r["file"]).is_file() and float(r["parse"]) <= float(r["wall"])
    assert "slowest function (wall s)" in out  # the engine times each function it analyses


def test_bare_timings_before_a_path_lints_that_path_top_10(tree):
    proc = acl_lint("--no-cache", "--jobs", "1", "--timings", str(tree))
    assert proc.returncode == 1, proc.stderr
    rows, _ = timing_rows(proc.stdout)
    assert len(rows) == 10


def test_json_stays_valid_timings_on_stderr_from_the_pool(tree):
    proc = acl_lint("--no-cache", "--jobs", "2", "--verbose", "--format", "json", "--timings=3", str(tree))
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)  # nothing but the report on stdout
    assert data["files_checked"] == 40 and data["findings"]
    assert "in 2 processes" in proc.stderr
    rows, _ = timing_rows(proc.stderr)
    assert len(rows) == 3 and all(float(r["wall"]) > 0 for r in rows)


def test_cached_files_show_as_cached_with_their_last_time(tree, tmp_path):
    cache = tmp_path / "cache"
    first = acl_lint("--cache-dir", str(cache), "--jobs", "1", "--timings", "50", str(tree))
    rows, _ = timing_rows(first.stdout)
    took = {r["file"]: float(r["wall"]) for r in rows}
    second = acl_lint("--cache-dir", str(cache), "--jobs", "1", "--timings", "50", str(tree))
    assert second.stdout.split("Slowest")[0] == first.stdout.split("Slowest")[0]  # the same report
    rows, cached = timing_rows(second.stdout)
    assert not rows and len(cached) == 40
    assert "Slowest files (of 0 analysed, 40 cached)" in second.stdout
    assert "every file came from the cache: --no-cache" in second.stdout
    for c in cached:
        last = re.search(r"\(took (\d+\.\d\d) s when last analysed\)", c["rest"])
        assert last and abs(float(last.group(1)) - took[c["file"]]) <= 0.011  # both rounded to 0.01


def test_function_column_names_the_slowest_function_of_each_file(tree, capsys):
    """The engine times each function it analyses (engine.function_seconds): each row names the
    slowest one of its file, a function defined there (or its top level), with its seconds."""
    code = cli.main(["--no-cache", "--jobs", "1", "--output-format", "concise", "--timings", "3", str(tree)])
    out = capsys.readouterr().out
    assert code == 1
    assert "slowest function (wall s)" in out
    rows, _ = timing_rows(out)
    assert len(rows) == 3
    for r in rows:
        m = re.fullmatch(r"\s*(\S+) \((\d+\.\d+)\)\s*", r["rest"])
        assert m, r["rest"]
        name = m.group(1).rsplit(".", 1)[-1]
        assert name == "<module>" or f"def {name}(" in Path(r["file"]).read_text(), r
        assert float(m.group(2)) <= float(r["wall"])


def test_bad_timings_value_is_a_usage_error(tree):
    proc = acl_lint("--timings=0", str(tree))
    assert proc.returncode == 2 and "expected a number of files >= 1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_module_parsed_for_another_files_call_is_charged_to_that_module(tmp_path):
    """app.py is tiny, but its calls resolve into helpers.py, a big module that never names acl
    (so it is not analysed, only parsed when a call needs it): that parse is helpers.py's row,
    marked as done for other files' calls; app.py's row and its functions do not include it;
    the call index read once per run is the start-up line, not the first file's time."""
    helpers = ['"""Status checks and many other utilities (no runtime calls here)."""\n\n\n'
               "def check_ret(message, ret):\n    if ret != 0:\n        raise RuntimeError(message)\n"]
    for i in range(1500):
        helpers.append(f"\n\ndef util_{i}(a, b):\n    if a > b:\n        return [a, b, {i}]\n"
                       f"    return {{'a': a, 'b': b, 'i': {i}}}\n")
    (tmp_path / "helpers.py").write_text("".join(helpers))
    (tmp_path / "app.py").write_text(
        "import acl\n\nfrom helpers import check_ret\n\n\n"
        "def stage(size):\n    buf, ret = acl.rt.malloc(size, 0)\n    check_ret('malloc', ret)\n"
        "    ret = acl.rt.memset(buf, size, 0, size)\n    check_ret('memset', ret)\n    return buf\n")
    proc = acl_lint("--no-cache", "--jobs", "1", "--timings", "5", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert "Slowest files (of 1 analysed)" in proc.stdout
    rows, _ = timing_rows(proc.stdout)
    by_name = {Path(r["file"]).name: r for r in rows}
    assert set(by_name) == {"app.py", "helpers.py"}
    helper, app = by_name["helpers.py"], by_name["app.py"]
    assert helper["rest"].startswith(" (not analysed: parsed once for other files' calls)"), helper["rest"]
    assert float(helper["parse"]) == float(helper["wall"]) > 0
    assert float(app["wall"]) < float(helper["wall"])  # the tiny file does not pay for the big parse
    fn = re.search(r"stage \((\d+\.\d+)\)", app["rest"])
    assert fn and float(fn.group(1)) <= float(app["wall"])
    assert re.search(r"^  start-up \(once per process: the rule tables; per run: the project's call index\): "
                     r"\d+\.\d\d s wall, \d+\.\d\d s CPU$", proc.stdout, re.M)
