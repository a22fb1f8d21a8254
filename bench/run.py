"""Benchmark acl-lint against its peers on the same files, run by run.

    python bench/run.py                      # real-world corpus (and 4 copies of it: peak memory)
                                             # + generated tree, 3 runs each; --scale 0: no copies
    python bench/run.py --quick              # smoke: a small generated tree, one run (< 60 s)
    python bench/run.py --update-readme      # also writes the results into bench/README.md

Inputs:

- the real-world corpus (``--realworld DIR``, default /work/rw/corpus): public
  pyACL code from pinned repositories, built outside the repository by
  ``python bench/realworld/build.py`` (branch ``realworld``); when it is missing
  its table is skipped, saying so (``--quick`` skips it unless given);
- a generated tree (bench/generate.py: renamed copies of corpus/, ``--kloc``);
- with ``--mixed``, the standard library with one generated copy inside.

Tools, each a fresh process on the same folder, output kept for parsing only.
Runs alternate: round 1 runs every tool once, then round 2, ..., so that a
change in the machine's load touches every tool alike. acl-lint cold is
``--no-cache`` (default ``--jobs`` and ``--jobs 1``), warm a second run on the
unchanged tree with a filled ``--cache-dir``; its peers are ruff (default rules
and ``--select ALL``, both ``--no-cache``), pylint with only
``consider-using-with`` (``--recursive=y --persistent=n``) and Fixit
(``fixit lint``). A peer that is not installed is reported as such.

Per tool, over its runs: median and minimum of wall and CPU seconds (CPU =
user + system of the whole process tree), kLOC/s (median wall) over the files
acl-lint analyses and over all ``.py`` files, the peak memory of all its
processes together (median of the runs' peaks), the 1-minute load average
before and after its runs, and for acl-lint cold the worst single file
(``--timings 1``: wall and CPU seconds of its parse + analysis). See
bench/measure.py for how each number is taken, and :func:`count_lines` for how
lines are counted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
import generate  # noqa: E402
from measure import Measure, load1, machine, measure  # noqa: E402

DEFAULT_REALWORLD = "/work/rw/corpus"
BUILD_HINT = "build it with `python bench/realworld/build.py` (branch realworld), or pass --realworld DIR"
STDLIB_SKIP = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
HISTORY = "Previous headline numbers:"
KEEP_HISTORY = 5
Log = Callable[[str], None]


# --- the tools -------------------------------------------------------------------------


def _module_available(name: str) -> bool:
    from importlib.util import find_spec

    try:
        return find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _ruff_bin() -> Optional[str]:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-not-found]

        return str(find_ruff_bin())
    except Exception:  # noqa: BLE001
        return shutil.which("ruff")


def _version(cmd: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception:  # noqa: BLE001
        return "?"


@dataclass
class Tool:
    label: str
    cmd: Optional[List[str]]  # None: not installed
    prepare: Optional[List[str]] = None  # run once, untimed, before the first round (fills a cache)
    reference: bool = False  # the row the ratios are relative to
    timed_files: bool = False  # acl-lint cold: its --timings give the worst file


def tools(tree: Path, work: Path, jobs: int) -> List[Tool]:
    py = sys.executable
    acl = [py, "-m", "acl_lint", "--exit-zero"]
    cache = work / f"acl-cache-{tree.name}"
    shutil.rmtree(cache, ignore_errors=True)
    out: List[Tool] = [
        Tool(f"acl-lint cold (--jobs {jobs})", acl + ["--no-cache", "--jobs", str(jobs), "--timings", "1", str(tree)],
             reference=True, timed_files=True),
        Tool("acl-lint cold (--jobs 1)", acl + ["--no-cache", "--jobs", "1", "--timings", "1", str(tree)],
             timed_files=True),
        Tool("acl-lint warm (unchanged tree)", acl + ["--cache-dir", str(cache), str(tree)],
             prepare=acl + ["--cache-dir", str(cache), str(tree)]),
    ]
    ruff = _ruff_bin()
    out.append(Tool("ruff check (default rules)", [ruff, "check", "--no-cache", "--exit-zero", str(tree)]
                    if ruff else None))
    out.append(Tool("ruff check --select ALL", [ruff, "check", "--no-cache", "--exit-zero", "--select", "ALL",
                                                str(tree)] if ruff else None))
    pylint = _module_available("pylint")
    out.append(Tool("pylint consider-using-with",
                    [py, "-m", "pylint", "--recursive=y", "--persistent=n", "--disable=all",
                     "--enable=consider-using-with", str(tree)] if pylint else None))
    out.append(Tool("fixit lint", [py, "-m", "fixit", "lint", str(tree)] if _module_available("fixit") else None))
    return out


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    for name in ("NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    return env


def run_alternating(tree: Path, work: Path, jobs: int, timeout: float, runs: int,
                    log: Log) -> List[Tuple[Tool, List[Measure]]]:
    """Every tool once per round, ``runs`` rounds; a tool that timed out is not run again."""
    env = _env()
    chosen = tools(tree, work, jobs)
    results: Dict[str, List[Measure]] = {t.label: [] for t in chosen}
    for tool in chosen:
        if tool.cmd is None:
            results[tool.label].append(Measure(note="not installed"))
            log(f"  {tool.label}: not installed")
        elif tool.prepare:
            measure(tool.prepare, work, timeout, env)
    for r in range(runs):
        for tool in chosen:
            done = results[tool.label]
            if tool.cmd is None or any(m.note == "timeout" for m in done):
                continue
            m = measure(tool.cmd, work, timeout, env)
            if not m.note and tool.label.startswith("acl-lint") and m.code not in (0, 1):
                m.note = f"exit {m.code}"
            done.append(m)
            log(f"  run {r + 1}/{runs} {tool.label}: {m.wall:.2f} s wall, {m.cpu:.1f} s CPU, "
                f"{m.tree_mem:.0f} MB, load {m.load_before:.2f}->{m.load_after:.2f}"
                + (f" ({m.note}: {m.stderr.strip()[-300:]})" if m.note else ""))
    return [(t, results[t.label]) for t in chosen]


_WORST = re.compile(r"^Slowest files \(of .*\n.*\n +(?P<wall>\d+\.\d+) +(?P<cpu>\d+\.\d+) +(?P<parse>\d+\.\d+)"
                    r"  (?P<path>\S+)", re.M)


def worst_file(m: Measure) -> Optional[Tuple[float, float, str]]:
    """(wall s, CPU s, path) of the slowest file, from acl-lint's ``--timings 1`` lines."""
    hit = _WORST.search(m.stdout)
    return (float(hit["wall"]), float(hit["cpu"]), hit["path"]) if hit else None


# --- inputs ----------------------------------------------------------------------------


@dataclass
class Counts:
    files: int = 0
    lines: int = 0
    acl_files: int = 0  # the files acl-lint analyses: found by its discovery, kept by its prefilter
    acl_lines: int = 0
    notes: List[str] = field(default_factory=list)


def count_lines(tree: Path) -> Counts:
    """Physical lines (newline characters) of every ``.py`` file under ``tree``, and of the
    files acl-lint analyses: the ones its own discovery (excludes, .gitignore) finds and
    its prefilter keeps (``acl_lint.sources.mentions_acl``: the text names ``acl``)."""
    from acl_lint.discovery import discover, drop_gitignored
    from acl_lint.sources import mentions_acl

    c = Counts()
    for path in tree.rglob("*.py"):
        c.files += 1
        c.lines += path.read_bytes().count(b"\n")
    for name in drop_gitignored(discover([str(tree)]), [str(tree)]):
        data = Path(name).read_bytes()
        if mentions_acl(data.decode("utf-8", "replace")):
            c.acl_files += 1
            c.acl_lines += data.count(b"\n")
    return c


def copy_stdlib(dest: Path, max_lines: Optional[int] = None) -> None:
    """The standard library's .py files (not tests, not site-packages); with ``max_lines``,
    only small files until that many lines."""
    root = Path(sysconfig.get_paths()["stdlib"])
    copied = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in STDLIB_SKIP)
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            src = Path(dirpath) / name
            if max_lines is not None:
                n = src.read_bytes().count(b"\n")
                if n > 300:
                    continue
                copied += n
            target = dest / src.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            if max_lines is not None and copied >= max_lines:
                return


def realworld_input(path: Optional[str], quick: bool) -> Tuple[Optional[Path], str]:
    """The real-world corpus folder, or None and why it is skipped."""
    if path is None and quick:
        return None, "skipped with --quick (pass --realworld DIR to include it)"
    folder = Path(path or DEFAULT_REALWORLD)
    if not folder.is_dir() or not any(folder.rglob("*.py")):
        return None, f"not found at {folder}: {BUILD_HINT}"
    return folder, ""


def build_inputs(work: Path, args, log: Log) -> Tuple[List[Tuple[str, Path]], List[str]]:
    inputs: List[Tuple[str, Path]] = []
    skipped: List[str] = []
    rw, why = realworld_input(args.realworld, args.quick)
    if rw is not None:
        inputs.append((f"real-world pyACL code ({rw})", rw))
    else:
        skipped.append(f"**real-world corpus**: {why}")
        log(f"real-world corpus {why}")
    kloc = args.kloc or (3.0 if args.quick else 60.0)
    info = generate.generate(work / "generated", kloc=kloc, seed=0)
    log(f"generated {info['files']} files, {info['lines']} lines of pyACL code")
    inputs.append(("generated pyACL tree (bench/generate.py: renamed copies of corpus/)", work / "generated"))
    if args.mixed or args.quick:
        mixed = work / "mixed"
        copy_stdlib(mixed, max_lines=3000 if args.quick else None)
        generate.generate(mixed / "pyacl_app", kloc=1.0 if args.quick else 12.0, seed=1)
        inputs.append(("mixed (stdlib + pyACL code)", mixed))
    return inputs, skipped


# --- the scale run: peak memory as the real-world corpus grows -----------------------------


def scale_section(corpus: Path, n: int, work: Path, jobs: int, timeout: float, log: Log) -> str:
    """acl-lint cold (``--jobs``) on the corpus and on ``n`` copies of it (one run each): does peak
    memory grow less than linearly? (The copies share module names: what an import resolves to may
    differ from the single corpus, so only time and memory are compared, not findings.)"""
    env = _env()
    rows = []
    for k in (1, n):
        tree = work / f"scale-{k}x"
        if k == 1:
            tree = corpus
        else:
            for i in range(k):
                shutil.copytree(corpus, tree / f"copy{i}", ignore=shutil.ignore_patterns(".git"))
        c = count_lines(tree)
        for j in (jobs,):
            cmd = [sys.executable, "-m", "acl_lint", "--exit-zero", "--no-cache", "--jobs", str(j), str(tree)]
            m = measure(cmd, work, timeout * k, env)
            log(f"  scale {k}x --jobs {j}: {m.wall:.1f} s wall, {m.cpu:.1f} s CPU, {m.tree_mem:.0f} MB "
                f"(load {m.load_before:.2f}->{m.load_after:.2f}){' ' + m.note if m.note else ''}")
            rows.append((k, j, c, m))
        if k != 1:
            shutil.rmtree(tree, ignore_errors=True)
    head = ["corpus", "--jobs", "kLOC", "wall s", "CPU s", "peak MB (all procs)", "MB / 1x", "load before->after"]
    body = []
    base = {j: m.tree_mem for k, j, c, m in rows if k == 1}
    for k, j, c, m in rows:
        body.append([f"{k}x", str(j), f"{c.acl_lines / 1000:.1f}", _num(m.wall, m.note), f"{m.cpu:.1f}",
                     f"{m.tree_mem:.0f}", f"{m.tree_mem / base[j]:.2f}x" if base.get(j) else "",
                     f"{m.load_before:.2f}->{m.load_after:.2f}"])
    return (f"**Peak memory as the corpus grows** (`--scale {n}`: {n} copies of the real-world corpus side by "
            f"side, one run each; linear growth would be {n:.2f}x)\n\n" + markdown(head, body))


# --- tables -----------------------------------------------------------------------------


def _num(x: float, note: str = "", digits: int = 2) -> str:
    if note == "timeout":
        return f"> {x:.0f} (timeout)"
    return f"{x:.{digits}f}" + (f" [{note}]" if note else "")


def markdown(head: List[str], body: List[List[str]]) -> str:
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]

    def fmt(r: List[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"

    sep = "|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths)) + "|"
    return "\n".join([fmt(head), sep] + [fmt(r) for r in body])


@dataclass
class Row:
    """One tool's runs, summarised."""

    label: str
    runs: List[Measure]
    reference: bool = False
    timed_files: bool = False

    @property
    def ok(self) -> List[Measure]:
        return [m for m in self.runs if not m.note]

    def med(self, attr: str) -> float:
        vals = [getattr(m, attr) for m in self.ok]
        return statistics.median(vals) if vals else 0.0

    def low(self, attr: str) -> float:
        vals = [getattr(m, attr) for m in self.ok]
        return min(vals) if vals else 0.0

    def worst(self) -> Optional[Tuple[float, float, str]]:
        found = [w for w in (worst_file(m) for m in self.ok) if w is not None]
        if not found:
            return None
        return (statistics.median(w[0] for w in found), statistics.median(w[1] for w in found),
                statistics.mode(w[2] for w in found))


def summarise(rows: List[Tuple[Tool, List[Measure]]]) -> List[Row]:
    return [Row(t.label, ms, t.reference, t.timed_files) for t, ms in rows]


def _relative(path: str, tree: Path) -> str:
    try:
        return str(Path(path).relative_to(tree))
    except ValueError:
        return path


def table(title: str, c: Counts, rows: List[Row], tree: Path) -> str:
    ref = next((r for r in rows if r.reference and r.ok), None)
    head = ["tool", "runs", "wall s med (min)", "CPU s med (min)", "kLOC/s analysed (all)", "peak MB all procs",
            "worst file wall / CPU s", "load before->after", "wall / acl-lint cold"]
    body = []
    for r in rows:
        if r.runs and r.runs[0].note == "not installed":
            body.append([r.label, "", "not installed"] + [""] * 6)
            continue
        bad = [m for m in r.runs if m.note]
        if not r.ok:
            m = bad[0]
            body.append([r.label, str(len(r.runs)), _num(m.wall, m.note), f"{m.cpu:.1f}", "", f"{m.tree_mem:.0f}",
                         "", f"{m.load_before:.2f}->{m.load_after:.2f}", ""])
            continue
        wall = r.med("wall")
        worst = r.worst() if r.timed_files else None
        loads = f"{min(m.load_before for m in r.runs):.1f}-{max(m.load_before for m in r.runs):.1f} -> " \
                f"{min(m.load_after for m in r.runs):.1f}-{max(m.load_after for m in r.runs):.1f}"
        body.append([
            r.label + (f" [{len(bad)} failed: {bad[0].note}]" if bad else ""), str(len(r.ok)),
            f"{wall:.2f} ({r.low('wall'):.2f})", f"{r.med('cpu'):.1f} ({r.low('cpu'):.1f})",
            f"{c.acl_lines / 1000 / wall:.1f} ({c.lines / 1000 / wall:.1f})", f"{r.med('tree_mem'):.0f}",
            f"{worst[0]:.2f} / {worst[1]:.2f}" if worst else "", loads,
            f"{wall / ref.med('wall'):.2f}x" if ref else "",
        ])
    worst_paths = sorted({_relative(w[2], tree) for w in (r.worst() for r in rows if r.timed_files and r.ok) if w})
    lines = [f"**{title}**: {c.files} `.py` files, {c.lines / 1000:.1f} kLOC; acl-lint analyses {c.acl_files} files, "
             f"{c.acl_lines / 1000:.1f} kLOC (its discovery and prefilter)", "", markdown(head, body)]
    if worst_paths:
        lines += ["", "Worst file (`--timings 1`): " + ", ".join(f"`{p}`" for p in worst_paths)]
    return "\n".join(lines)


def alone_section(path: str, work: Path, timeout: float, runs: int, log: Log) -> str:
    """The worst file linted by itself, start-up included (issue 12: under 1 s)."""
    cmd = [sys.executable, "-m", "acl_lint", "--exit-zero", "--no-cache", "--jobs", "1", path]
    ms = [measure(cmd, work, timeout, _env()) for _ in range(runs)]
    r = Row("alone", ms)
    log(f"  worst file alone: {r.med('wall'):.2f} s wall, {r.med('cpu'):.2f} s CPU")
    return (f"The worst file linted alone (`acl-lint --no-cache --jobs 1 FILE`, start-up included, {len(r.ok)} runs): "
            f"wall {r.med('wall'):.2f} s median (minimum {r.low('wall'):.2f} s), CPU {r.med('cpu'):.2f} s median "
            f"(minimum {r.low('cpu'):.2f} s), load {ms[0].load_before:.2f}->{ms[-1].load_after:.2f}.")


def headline(title: str, c: Counts, rows: List[Row]) -> str:
    """One line: the numbers the issue's targets are about."""
    by = {r.label: r for r in rows if r.ok}
    cold = next((r for r in rows if r.reference and r.ok), None)
    one = by.get("acl-lint cold (--jobs 1)")
    warm = by.get("acl-lint warm (unchanged tree)")
    pylint = by.get("pylint consider-using-with")
    parts = [title.split(" (")[0] + f" {c.acl_lines / 1000:.1f} kLOC"]
    if cold:
        parts.append(f"cold {c.acl_lines / 1000 / cold.med('wall'):.1f} kLOC/s ({cold.med('cpu'):.1f} CPU s, "
                     f"{cold.med('tree_mem'):.0f} MB)")
        w = cold.worst()
        if w:
            parts.append(f"worst file {w[0]:.2f} s wall / {w[1]:.2f} s CPU")
    if one:
        parts.append(f"--jobs 1 {c.acl_lines / 1000 / one.med('wall'):.1f} kLOC/s ({one.med('tree_mem'):.0f} MB)")
    if warm:
        parts.append(f"warm {warm.med('wall'):.2f} s")
    if cold and pylint:
        parts.append(f"pylint consider-using-with / acl-lint cold: {pylint.med('wall') / cold.med('wall'):.2f}x in "
                     f"wall, {pylint.med('cpu') / cold.med('cpu'):.2f}x in CPU")
    return "; ".join(parts)


# --- the README ------------------------------------------------------------------------------


def readme_history() -> List[str]:
    """The dated headline lines to keep: the current results' headline, then its own history."""
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    old = text.partition(START)[2].partition(END)[0]
    at = old.find(HISTORY)
    history = [ln for ln in old[at:].splitlines() if ln.startswith("- ")] if at >= 0 else []
    previous = re.search(r"^Headline: (.*)$", old, re.M)
    date = re.search(r"^Date: (.*)$", old, re.M)
    if previous and date:
        history.insert(0, f"- {date.group(1)}: {previous.group(1)}")
    elif date:  # a results section from before the headline line: its first acl-lint cold row
        row = re.search(r"^\*\*(.+?)\*\*: .*?\n(?:.*\n)*?\| (acl-lint cold[^|]*?) +\| +([\d.]+) +\| +([\d.]+)", old, re.M)
        if row:
            history.insert(0, f"- {date.group(1)}: {row.group(1)}: {row.group(2)} {row.group(3)} s wall, "
                              f"{row.group(4)} kLOC/s (generated tree, not real code)")
    return history[:KEEP_HISTORY]


def update_readme(report: str, head_line: str, history: Optional[List[str]] = None) -> None:
    """Replace the results section, keeping the previous runs' headlines (dated, the last few).
    ``history``: taken once before a run that writes several times (see :func:`readme_history`)."""
    if history is None:
        history = readme_history()
    text = README.read_text(encoding="utf-8") if README.exists() else f"{START}\n{END}\n"
    if START not in text or END not in text:
        text += f"\n{START}\n{END}\n"
    before, _, rest = text.partition(START)
    after = rest.partition(END)[2]
    tail = ["", HISTORY, ""] + history if history else []
    block = "\n".join([report.rstrip(), f"Headline: {head_line}"] + tail)
    README.write_text(f"{before}{START}\n{block}\n{END}{after}", encoding="utf-8")


def runtime_overhead(quick: bool, timeout: float) -> str:
    script = HERE / "runtime_overhead.py"
    if not script.is_file():
        return "bench/runtime_overhead.py is absent: runtime audit overhead not measured."
    cmd = [sys.executable, str(script)] + (["--calls", "20000", "--iterations", "20", "--repeat", "1"] if quick else [])
    try:
        proc = subprocess.run(cmd, cwd=str(REPO), capture_output=True, text=True, timeout=timeout, env=_env())
    except subprocess.TimeoutExpired:
        return f"bench/runtime_overhead.py did not finish within {timeout:.0f} s."
    text = proc.stdout.strip() or "(no output)"
    if proc.returncode != 0:
        text += f"\n(exit {proc.returncode}: {proc.stderr.strip()[-500:]})"
    return text


def _versions() -> List[str]:
    out = [_version([sys.executable, "-m", "acl_lint", "--version"])]
    ruff = _ruff_bin()
    if ruff:
        out.append(_version([ruff, "--version"]))
    for name in ("pylint", "fixit"):
        if _module_available(name):
            out.append(_version([sys.executable, "-m", name, "--version"]))
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="acl-lint against ruff, pylint and Fixit on the same files.")
    ap.add_argument("--quick", action="store_true", help="a small smoke version (a few kLOC, one run, < 60 s)")
    ap.add_argument("--realworld", metavar="DIR", help=f"the real-world corpus (default {DEFAULT_REALWORLD})")
    ap.add_argument("--kloc", type=float, help="size of the generated tree (default 60; --quick: 3)")
    ap.add_argument("--mixed", action="store_true", help="also the standard library with pyACL code inside")
    ap.add_argument("--scale", type=int, metavar="N",
                    help="also peak memory on N copies of the real-world corpus (default 4; --quick or 0: not)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="acl-lint --jobs of the cold row")
    ap.add_argument("--runs", type=int, help="runs of every tool, alternating (default 3; --quick 1)")
    ap.add_argument("--timeout", type=float, help="per command, seconds (default 900; --quick: 60)")
    ap.add_argument("--keep", metavar="DIR", help="build the inputs in DIR and keep them")
    ap.add_argument("--update-readme", action="store_true", help="write the results into bench/README.md")
    args = ap.parse_args(argv)
    timeout = args.timeout or (60.0 if args.quick else 900.0)
    runs = args.runs or (1 if args.quick else 3)
    if args.scale is None:
        args.scale = 0 if args.quick else 4

    def log(msg: str) -> None:
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()

    info = machine()
    started = datetime.datetime.now(datetime.timezone.utc)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="acl-lint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sections: List[str] = []
    heads: List[str] = []
    history = readme_history() if args.update_readme else []
    command = "python bench/run.py" + " ".join([""] + [a for a in (argv if argv is not None else sys.argv[1:])
                                                      if a != "--update-readme"])

    def publish(overhead: Optional[str]) -> str:
        """The report so far; with --update-readme also written after every input, so that a
        run stopped half-way leaves its finished tables (marked as such)."""
        now = datetime.datetime.now(datetime.timezone.utc)
        state = f"finished {now:%H:%M} UTC" if overhead is not None else f"IN PROGRESS at {now:%H:%M} UTC"
        report = "\n".join([
            f"Date: {started:%Y-%m-%d %H:%M} UTC ({state})",
            f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}",
            f"Load average (1, 5, 15 min) at the start: {info['load']}; now: {machine()['load']} "
            "(the machine is shared: other jobs ran during the measurements; CPU seconds are less sensitive to "
            "that than wall seconds)",
            f"Tools: {'; '.join(versions)}",
            f"Command: `{command.strip()}`",
            "",
            "\n\n".join(sections),
        ] + ([] if overhead is None else
             ["", "Runtime audit overhead (bench/runtime_overhead.py):", "", "```", overhead, "```"]))
        if args.update_readme:
            update_readme(report, " | ".join(heads), history)
        return report

    versions = _versions()
    try:
        inputs, skipped = build_inputs(work, args, log)
        sections += skipped
        for title, tree in inputs:
            c = count_lines(tree)
            log(f"{title}: {c.files} files, {c.lines} lines ({c.acl_files} files, {c.acl_lines} lines analysed)")
            rows = summarise(run_alternating(tree, work, args.jobs, timeout, runs, log))
            sections.append(table(title, c, rows, tree))
            heads.append(headline(title, c, rows))
            worst = next((r.worst() for r in rows if r.reference and r.ok and r.worst()), None)
            if worst and tree.name != "mixed":
                sections.append(alone_section(worst[2], work, timeout, runs, log))
            if args.scale and tree == inputs[0][1] and not skipped:  # right after the real-world table
                sections.append(scale_section(tree, args.scale, work, args.jobs, timeout, log))
            publish(None)
        if args.scale and skipped:
            sections.append(f"**Peak memory as the corpus grows**: {skipped[0]}")
        report = publish(runtime_overhead(args.quick, timeout))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report)
    if args.update_readme:
        log(f"wrote the results to {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
