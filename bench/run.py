"""Benchmark acl-lint against its peers on the same files, in one run.

    python bench/run.py            # full: ~63 kLOC pyACL tree + the stdlib mixed tree
    python bench/run.py --quick    # smoke: a few kLOC, well under a minute

Inputs (built in a temporary folder, deterministic):

(a) pyACL-heavy: bench/generate.py renders copies of corpus/ with renamed
    modules, functions and variables at varied folder depths (>= 50 kLOC).
(b) mixed: a copy of this interpreter's standard library (``.py`` files,
    without test/ folders and site-packages) with one copy of the pyACL code
    dropped into it as ``pyacl_app/``.

Tools, each a fresh process on the same folder, output discarded:

- acl-lint cold (``--no-cache``, default ``--jobs`` = all cores), cold in-process
  (``--jobs 1``), and warm (the unchanged tree with a filled ``--cache-dir``);
- Fixit (``fixit lint``), pylint with only ``consider-using-with`` and with its
  default checks, ruff (``ruff check``, default rules) cold (``--no-cache``)
  and warm (its own cache filled). A peer that is not installed is reported as
  such (``pip install '.[bench]'`` installs them all).

Measured per run: wall time, CPU time (user + system of the process tree),
peak memory (the largest process's maximum RSS, from ``wait4`` - the counter
``/usr/bin/time -v`` prints - and the peak of the summed PSS of the whole
process tree, sampled every 50 ms, for tools that fork workers), kLOC/s
(physical lines of every ``.py`` file of the input / wall time), and each
row's time relative to acl-lint cold. Fast rows (< 10 s) are repeated
(``--repeat``, default 3) and the fastest kept.

``--update-readme`` writes the results between the markers in bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

STDLIB_SKIP = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


# --- running one command ------------------------------------------------------------


@dataclass
class Measure:
    wall: float = 0.0
    cpu: float = 0.0
    max_rss: float = 0.0  # MB, largest single process
    tree_mem: float = 0.0  # MB, peak of the summed PSS of the process tree (sampled)
    code: Optional[int] = None
    note: str = ""  # "not installed", "timeout", "error"
    stderr: str = ""


def _children_map() -> Dict[int, List[int]]:
    out: Dict[int, List[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                data = fh.read()
            ppid = int(data[data.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        out.setdefault(ppid, []).append(int(name))
    return out


def _process_memory(pid: int, page: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them:
    forked workers share the parent's imports), else RSS, in bytes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * page
    except (OSError, ValueError, IndexError):
        return 0


def _tree_memory(root: int) -> int:
    page = os.sysconf("SC_PAGE_SIZE")
    kids = _children_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _process_memory(pid, page)
        todo.extend(kids.get(pid, ()))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()
        self.enabled = os.path.isdir("/proc")

    def run(self) -> None:
        while self.enabled and not self.stop.is_set():
            try:
                self.peak = max(self.peak, _tree_memory(self.pid))
            except Exception:  # noqa: BLE001 - sampling is best effort
                pass
            self.stop.wait(0.05)


def measure(cmd: Sequence[str], cwd: Path, timeout: float, env: Optional[Dict[str, str]] = None) -> Measure:
    """Run ``cmd`` once; wall, CPU and memory of its whole process tree."""
    m = Measure()
    err = tempfile.TemporaryFile()
    use_wait4 = hasattr(os, "wait4")
    before = _children_rusage() if not use_wait4 else None
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=err, env=env,
                            start_new_session=True)
    sampler = _Sampler(proc.pid)
    sampler.start()
    result: Dict[str, object] = {}

    def reap() -> None:
        if use_wait4:
            _, status, usage = os.wait4(proc.pid, 0)
            result["end"] = time.perf_counter()
            result["status"], result["usage"] = status, usage
        else:  # pragma: no cover - no wait4 (not Linux/macOS)
            proc.wait()
            result["end"] = time.perf_counter()
            result["status"] = proc.returncode

    reaper = threading.Thread(target=reap, daemon=True)
    reaper.start()
    reaper.join(timeout)
    if reaper.is_alive():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        reaper.join()
        m.note = "timeout"
    sampler.stop.set()
    sampler.join()
    m.wall = float(result.get("end", time.perf_counter())) - start  # type: ignore[arg-type]
    if use_wait4:
        status = int(result["status"])  # type: ignore[arg-type]
        m.code = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8
        proc.returncode = m.code
        usage = result["usage"]
        m.cpu = usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]
        m.max_rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)  # type: ignore[attr-defined]
    else:  # pragma: no cover
        m.code = proc.returncode
        after = _children_rusage()
        if after is not None and before is not None:
            m.cpu = (after[0] - before[0])
            m.max_rss = after[1]
    m.tree_mem = sampler.peak / (1024 * 1024) if sampler.peak else m.max_rss
    err.seek(0)
    m.stderr = err.read().decode("utf-8", "replace")[-2000:]
    err.close()
    return m


def _children_rusage() -> Optional[Tuple[float, float]]:
    try:
        import resource

        u = resource.getrusage(resource.RUSAGE_CHILDREN)
        return u.ru_utime + u.ru_stime, u.ru_maxrss / 1024
    except Exception:  # noqa: BLE001
        return None


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
    prepare: Optional[List[str]] = None  # run once, untimed, before (fills a cache)
    reference: bool = False  # the row the ratios are relative to
    env: Dict[str, str] = field(default_factory=dict)


def tools(tree: Path, work: Path, jobs: int) -> List[Tool]:
    py = sys.executable
    acl = [py, "-m", "acl_lint"]
    cache = work / f"acl-cache-{tree.name}"
    ruff_cache = work / f"ruff-cache-{tree.name}"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(ruff_cache, ignore_errors=True)
    out: List[Tool] = [
        Tool(f"acl-lint cold (--jobs {jobs})", acl + ["--no-cache", "--exit-zero", str(tree)], reference=True),
        Tool("acl-lint cold (--jobs 1)", acl + ["--no-cache", "--jobs", "1", "--exit-zero", str(tree)]),
        Tool("acl-lint warm (unchanged tree)", acl + ["--cache-dir", str(cache), "--exit-zero", str(tree)],
             prepare=acl + ["--cache-dir", str(cache), "--exit-zero", str(tree)]),
    ]
    fixit = [py, "-m", "fixit", "lint", str(tree)] if _module_available("fixit") else None
    out.append(Tool("fixit lint", fixit))
    pylint = [py, "-m", "pylint", "--recursive=y", "--persistent=n"] if _module_available("pylint") else None
    out.append(Tool("pylint consider-using-with",
                    pylint + ["--disable=all", "--enable=consider-using-with", str(tree)] if pylint else None))
    out.append(Tool("pylint (default checks)", pylint + [str(tree)] if pylint else None))
    ruff = _ruff_bin()
    out.append(Tool("ruff check cold (--no-cache)", [ruff, "check", "--no-cache", "--exit-zero", str(tree)]
                    if ruff else None))
    out.append(Tool("ruff check warm (its cache)",
                    [ruff, "check", "--cache-dir", str(ruff_cache), "--exit-zero", str(tree)] if ruff else None,
                    prepare=[ruff, "check", "--cache-dir", str(ruff_cache), "--exit-zero", str(tree)]
                    if ruff else None))
    return out


def run_tools(tree: Path, work: Path, jobs: int, timeout: float, repeat: int, log) -> List[Tuple[Tool, Measure]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NO_COLOR", None)
    rows = []
    for tool in tools(tree, work, jobs):
        if tool.cmd is None:
            rows.append((tool, Measure(note="not installed")))
            log(f"  {tool.label}: not installed")
            continue
        if tool.prepare:
            measure(tool.prepare, work, timeout, env)
        best = measure(tool.cmd, work, timeout, env)
        n = 1
        while n < repeat and not best.note and best.wall < 10:
            again = measure(tool.cmd, work, timeout, env)
            n += 1
            if again.wall < best.wall:
                best = again
        if not best.note and tool.label.startswith("acl-lint") and best.code not in (0, 1):
            best.note = f"exit {best.code}"
        log(f"  {tool.label}: {best.wall:.2f} s" + (f" ({best.note})" if best.note else ""))
        rows.append((tool, best))
    return rows


# --- inputs ----------------------------------------------------------------------------


def count_lines(tree: Path) -> Tuple[int, int]:
    files = lines = 0
    for path in tree.rglob("*.py"):
        files += 1
        with open(path, "rb") as fh:
            lines += fh.read().count(b"\n")
    return files, lines


def copy_stdlib(dest: Path, max_lines: Optional[int] = None) -> None:
    """Copy the standard library's .py files (not tests, not site-packages); with
    ``max_lines``, only small files until that many lines (the --quick tree)."""
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


def build_inputs(work: Path, quick: bool, kloc: float, log) -> List[Tuple[str, Path]]:
    heavy = work / "pyacl_heavy"
    info = generate.generate(heavy, kloc=kloc, seed=0)
    log(f"generated {info['files']} files, {info['lines']} lines of pyACL code")
    mixed = work / "mixed"
    copy_stdlib(mixed, max_lines=3000 if quick else None)
    generate.generate(mixed / "pyacl_app", kloc=1.0 if quick else 12.0, seed=1)
    return [("pyACL-heavy (generated from corpus/)", heavy), ("mixed (stdlib + pyACL code)", mixed)]


# --- report -----------------------------------------------------------------------------


def machine() -> Dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except (OSError, ValueError):
        pass
    load = ""
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (OSError, AttributeError):
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "load": load}


def table(title: str, files: int, lines: int, rows: List[Tuple[Tool, Measure]]) -> str:
    ref = next((m for t, m in rows if t.reference and not m.note), None)
    head = ["tool", "wall s", "kLOC/s", "CPU s", "max RSS MB", "all procs PSS MB", "time / acl-lint cold"]
    body = []
    for tool, m in rows:
        if m.note in ("not installed",):
            body.append([tool.label, m.note, "", "", "", "", ""])
            continue
        if m.note == "timeout":
            body.append([tool.label, f"> {m.wall:.0f} (timeout)", f"< {lines / 1000 / m.wall:.2f}", f"{m.cpu:.1f}",
                         f"{m.max_rss:.0f}", f"{m.tree_mem:.0f}",
                         f"> {m.wall / ref.wall:.1f}x" if ref else ""])
            continue
        ratio = f"{m.wall / ref.wall:.2f}x" if ref else ""
        label = tool.label + (f" [{m.note}]" if m.note else "")
        body.append([label, f"{m.wall:.2f}", f"{lines / 1000 / m.wall:.1f}", f"{m.cpu:.1f}", f"{m.max_rss:.0f}",
                     f"{m.tree_mem:.0f}", ratio])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]

    def fmt(r: List[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"

    sep = "|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths)) + "|"
    lines_out = [f"**{title}**: {files} files, {lines / 1000:.1f} kLOC", "", fmt(head), sep] + [fmt(r) for r in body]
    return "\n".join(lines_out)


def runtime_overhead(quick: bool, timeout: float) -> str:
    script = HERE / "runtime_overhead.py"
    if not script.is_file():
        return "bench/runtime_overhead.py is absent: runtime audit overhead not measured."
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    base = [sys.executable, str(script)]
    # --quick: its own quick mode if it has one, else a single repetition
    attempts = [base + ["--quick"], base + ["--repeat", "1"], base] if quick else [base]
    proc = None
    for cmd in attempts:
        try:
            proc = subprocess.run(cmd, cwd=str(REPO), capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return f"bench/runtime_overhead.py did not finish within {timeout:.0f} s."
        if proc.returncode == 2 and "unrecognized arguments" in proc.stderr:
            continue
        break
    assert proc is not None
    text = proc.stdout.strip() or "(no output)"
    if proc.returncode != 0:
        text += f"\n(exit {proc.returncode}: {proc.stderr.strip()[-500:]})"
    return text


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="acl-lint against Fixit, pylint and ruff on the same files.")
    ap.add_argument("--quick", action="store_true", help="a small smoke version (a few kLOC, < 60 s)")
    ap.add_argument("--kloc", type=float, help="size of the pyACL-heavy tree (default 60; --quick: 3)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="acl-lint --jobs for the cold row")
    ap.add_argument("--timeout", type=float, help="per command, seconds (default 600; --quick: 30)")
    ap.add_argument("--repeat", type=int, help="runs of each fast command, the fastest kept (default 3; --quick 1)")
    ap.add_argument("--keep", metavar="DIR", help="build the inputs in DIR and keep them")
    ap.add_argument("--update-readme", action="store_true", help="write the results into bench/README.md")
    args = ap.parse_args(argv)
    kloc = args.kloc or (3.0 if args.quick else 60.0)
    timeout = args.timeout or (30.0 if args.quick else 600.0)
    repeat = args.repeat or (1 if args.quick else 3)

    def log(msg: str) -> None:
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()

    info = machine()
    started = datetime.datetime.now().astimezone()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="acl-lint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sections = []
    try:
        for title, tree in build_inputs(work, args.quick, kloc, log):
            files, lines = count_lines(tree)
            log(f"{title}: {files} files, {lines} lines")
            rows = run_tools(tree, work, args.jobs, timeout, repeat, log)
            sections.append(table(title, files, lines, rows))
        overhead = runtime_overhead(args.quick, timeout)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    versions = [_version([sys.executable, "-m", "acl_lint", "--version"])]
    if _module_available("fixit"):
        versions.append(_version([sys.executable, "-m", "fixit", "--version"]))
    if _module_available("pylint"):
        versions.append(_version([sys.executable, "-m", "pylint", "--version"]))
    if _ruff_bin():
        versions.append(_version([_ruff_bin() or "ruff", "--version"]))
    command = "python bench/run.py" + (" --quick" if args.quick else "") + (
        f" --kloc {args.kloc:g}" if args.kloc else "")
    report = "\n".join([
        f"Date: {started:%Y-%m-%d %H:%M %Z}",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}",
        f"Load average before the run: {info['load']}; after: {machine()['load']}",
        f"Tools: {'; '.join(versions)}",
        f"Command: `{command}`",
        "",
        "\n\n".join(sections),
        "",
        "Runtime audit overhead (bench/runtime_overhead.py):",
        "",
        "```",
        overhead,
        "```",
    ])
    print(report)
    if args.update_readme:
        text = README.read_text(encoding="utf-8") if README.exists() else f"{START}\n{END}\n"
        if START in text and END in text:
            head, _, rest = text.partition(START)
            _, _, tail = rest.partition(END)
            text = f"{head}{START}\n{report}\n{END}{tail}"
        else:
            text += f"\n{START}\n{report}\n{END}\n"
        README.write_text(text, encoding="utf-8")
        log(f"wrote the results to {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
