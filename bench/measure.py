"""Measuring one command: wall and CPU seconds of its process tree, peak memory of all its processes.

- CPU: user + system seconds of the process and every descendant it waited for
  (``os.wait4``'s rusage of the child: the kernel adds the reaped children's
  times; a pool's workers are reaped by the tool before it exits).
- Peak memory, all processes together: the peak of the summed proportional set
  size (PSS: a page shared by n processes counts 1/n in each, so forked workers
  sharing the parent's imports are not counted twice) over the process tree,
  sampled every 50 ms from /proc, and at least the largest single process's
  maximum RSS (``wait4``'s ``ru_maxrss``, the number ``/usr/bin/time -v`` prints;
  it covers a process too short-lived to be sampled, and systems without /proc).
- The machine's 1-minute load average just before and just after the command.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

SAMPLE_S = 0.05


@dataclass
class Measure:
    wall: float = 0.0
    cpu: float = 0.0
    max_rss: float = 0.0  # MB, the largest single process (wait4's ru_maxrss)
    tree_mem: float = 0.0  # MB, peak of the summed PSS of the process tree (sampled)
    peak_parts: Tuple[float, ...] = ()  # MB, each process's PSS at that peak (the tool's own first)
    load_before: float = 0.0
    load_after: float = 0.0
    code: Optional[int] = None
    note: str = ""  # "not installed", "timeout", "exit N"
    stdout: str = ""  # the last 8 000 characters
    stderr: str = ""


def load1() -> float:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return 0.0


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
    """PSS in bytes (else RSS)."""
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


def tree_memory(root: int) -> int:
    return sum(tree_parts(root))


def tree_parts(root: int) -> List[int]:
    """PSS (else RSS) in bytes of ``root`` and of each of its descendants, ``root`` first."""
    page = os.sysconf("SC_PAGE_SIZE")
    kids = _children_map()
    parts, todo = [], [root]
    while todo:
        pid = todo.pop(0)
        parts.append(_process_memory(pid, page))
        todo.extend(kids.get(pid, ()))
    return parts


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.parts: List[int] = []  # each process's share at the peak (bytes), the tool's own first
        self.stop = threading.Event()
        self.enabled = os.path.isdir("/proc")

    def run(self) -> None:
        while self.enabled and not self.stop.is_set():
            try:
                parts = tree_parts(self.pid)
                if sum(parts) > self.peak:
                    self.peak, self.parts = sum(parts), parts
            except Exception:  # noqa: BLE001 - sampling is best effort
                pass
            self.stop.wait(SAMPLE_S)


def measure(cmd: Sequence[str], cwd: Path, timeout: float, env: Optional[Dict[str, str]] = None) -> Measure:
    """Run ``cmd`` once (a new session, so that a timeout kills its workers too)."""
    if not hasattr(os, "wait4"):  # pragma: no cover - not Linux/macOS
        raise SystemExit("bench/measure.py needs os.wait4 (Linux or macOS)")
    m = Measure(load_before=load1())
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=str(cwd), stdout=out, stderr=err, env=env, start_new_session=True)
    sampler = _Sampler(proc.pid)
    sampler.start()
    result: Dict[str, object] = {}

    def reap() -> None:
        _, status, usage = os.wait4(proc.pid, 0)
        result["end"] = time.perf_counter()
        result["status"], result["usage"] = status, usage

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
    m.load_after = load1()
    m.wall = float(result["end"]) - start  # type: ignore[arg-type]
    status = int(result["status"])  # type: ignore[arg-type]
    m.code = os.waitstatus_to_exitcode(status)
    proc.returncode = m.code
    usage = result["usage"]
    m.cpu = usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]
    m.max_rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)  # type: ignore[attr-defined]
    # a process that lives shorter than the sampling period is missed: then its own peak counts
    m.tree_mem = max(sampler.peak / (1024 * 1024), m.max_rss)
    m.peak_parts = tuple(p / (1024 * 1024) for p in sampler.parts)
    for fh, attr in ((out, "stdout"), (err, "stderr")):
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 8000))
        setattr(m, attr, fh.read().decode("utf-8", "replace"))
        fh.close()
    return m


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
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (OSError, AttributeError):
        load = "?"
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "load": load}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python bench/measure.py [--timeout S] -- CMD...``: one line for one run of CMD."""
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--timeout", type=float, default=3600.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command given")
    m = measure(cmd, Path.cwd(), args.timeout)
    parts = " + ".join(f"{p:.0f}" for p in m.peak_parts)
    print(f"{m.wall:.1f} s wall, {m.cpu:.1f} s CPU, peak {m.tree_mem:.0f} MB all processes ({parts or '?'}), "
          f"largest process {m.max_rss:.0f} MB, load {m.load_before:.2f}->{m.load_after:.2f}"
          f"{', ' + m.note if m.note else ''}, exit {m.code}")
    return 0 if m.code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
