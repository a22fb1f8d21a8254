"""Stress benchmark for path growth: a serving method with N levels of nested branches
inside ``while True: try: ... except Exception: log``.

    python bench/stress_nested.py [--max-depth 8] [--runs 3] [--width 3]

For each depth N it writes one generated module to a temporary folder, lints it alone
(``--no-cache --jobs 1``, one fresh process per run) and prints the median and minimum
wall time and the ratio to depth 1. Analysis cost must grow at most linearly in N (issue:
real serving loops hung the analysis). A run over 60 s is stopped and reported as a hang.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = '''import logging
import acl

log = logging.getLogger(__name__)


class Operator:
    def __init__(self, path, requests):
        self.path = path
        self.requests = requests

    def serve(self):
        ret = acl.init()
        if ret != 0:
            raise RuntimeError(ret)
        ret = acl.rt.set_device(0)
        if ret != 0:
            raise RuntimeError(ret)
        context, ret = acl.rt.create_context(0)
        if ret != 0:
            raise RuntimeError(ret)
        stream, ret = acl.rt.create_stream()
        if ret != 0:
            raise RuntimeError(ret)
        model_id, ret = acl.mdl.load_from_file(self.path)
        if ret != 0:
            raise RuntimeError(ret)
        in_ptr, ret = acl.rt.malloc(1024, 0)
        if ret != 0:
            raise RuntimeError(ret)
        out_ptr, ret = acl.rt.malloc(1024, 0)
        if ret != 0:
            raise RuntimeError(ret)
        while True:
            try:
                batch = []
'''

FOOTER = '''                ret = acl.rt.memcpy(in_ptr, 1024, host, 1024, 1)
                if ret != 0:
                    raise RuntimeError(ret)
                ret = acl.rt.synchronize_stream(stream)
                if ret != 0:
                    raise RuntimeError(ret)
                if not batch:
                    break
            except Exception as exc:
                log.exception("batch failed: %s", exc)
        acl.rt.free(out_ptr)
        acl.rt.free(in_ptr)
        acl.mdl.unload(model_id)
        acl.rt.destroy_stream(stream)
        acl.rt.destroy_context(context)
        acl.rt.reset_device(0)
        acl.finalize()
'''


def nested(depth: int, width: int, indent: int) -> str:
    """`depth` levels of for/if/elif/else with continue and raise, `width` branches per level."""
    pad = " " * indent
    if depth == 0:
        return f"{pad}batch.append(item)\n"
    var = f"v{depth}"
    out = [f"{pad}for {var} in self.requests.get():\n"]
    inner = pad + "    "
    for b in range(width):
        kw = "if" if b == 0 else "elif"
        out.append(f"{inner}{kw} {var}.kind == {b}:\n")
        if b == width - 1:
            out.append(f"{inner}    item = {var}\n")
            out.append(nested(depth - 1, width, indent + 8))
        else:
            out.append(f"{inner}    item = {var}.value + {b}\n")
            out.append(f"{inner}    if item < 0:\n{inner}        continue\n")
    out.append(f"{inner}else:\n{inner}    raise ValueError({var})\n")
    return "".join(out)


def program(depth: int, width: int) -> str:
    body = nested(depth, width, 16) + "                host = acl.util.bytes_to_ptr(bytes(batch))\n"
    return HEADER + body + FOOTER


def lint_time(path: Path, timeout: float) -> float:
    t0 = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "acl_lint", str(path), "--no-cache", "--jobs", "1"],
                       capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return float("inf")
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-depth", type=int, default=8)
    ap.add_argument("--width", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args(argv)
    base = None
    print(f"{'depth':>5} {'lines':>6} {'median s':>9} {'min s':>7} {'x depth 1':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for depth in range(1, args.max_depth + 1):
            path = Path(tmp) / f"serve_d{depth}.py"
            path.write_text(program(depth, args.width), encoding="utf-8")
            times = [lint_time(path, args.timeout) for _ in range(args.runs)]
            med, low = statistics.median(times), min(times)
            if base is None:
                base = med
            lines = path.read_text().count("\n")
            shown = "hang" if med == float("inf") else f"{med:9.2f}"
            print(f"{depth:>5} {lines:>6} {shown:>9} {low:7.2f} {med / base:9.1f}", flush=True)
            if med == float("inf"):
                print(f"depth {depth}: over {args.timeout:.0f} s, stopping")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
