"""A long fuzzing campaign against acl-lint's static analysis.

    python bench/fuzz.py --programs 50000 [--batch 250] [--jobs 2] [--seed 1] [--timeout 300]
                         [--out bench/fuzz-out] [--mutate-share 0.4]

Program ``i`` is fully determined by ``(seed, i)``: a generated pyACL-flavoured program
(:mod:`fuzzgen`) or a mutation of a file of ``corpus/``. Programs run in batches, each batch
in its own subprocess (``--worker``) with a timeout; the worker lints every program with
``lint_sources`` (the whole pipeline: parse guard, engine, suppressions) next to a helper
module, and reports internal errors (anything but findings), exceptions that escape, analyses
cut short (ACL003) and its peak memory. A batch that crashes (a signal) or hangs (timeout) is
bisected down to the program that does it. Every failing program is minimised (lines removed
while it still fails the same way, each try in a fresh subprocess) and written to
``OUT/repro-<kind>-<i>.py``.

Prints: programs tried, internal errors, hangs, crashes, ACL003 (recursion / time), slowest
program, peak memory of a worker, elapsed time. Exit 1 when anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import fuzzgen  # noqa: E402

PROGRAM_TIME_LIMIT = 20  # the lint's own file-time-limit inside the worker (seconds)


# --- programs --------------------------------------------------------------------------

_CORPUS: Optional[List[str]] = None


def program(seed: int, i: int, mutate_share: float) -> Tuple[str, str]:
    """(kind, text) of program ``i`` of the campaign ``seed``."""
    global _CORPUS
    rnd = fuzzgen.seeded(seed * 1_000_003 + i)
    if rnd.random() < mutate_share:
        if _CORPUS is None:
            _CORPUS = fuzzgen.corpus_files(os.path.join(ROOT, "corpus"))
        base = rnd.choice(_CORPUS)
        return "mutation", fuzzgen.mutate(rnd, base)
    return "generated", fuzzgen.program(rnd)


# --- the worker: lint programs, report as JSON lines ------------------------------------------


def classify(text: str) -> Tuple[str, str, float, List[str]]:
    """Lint one program: (outcome, detail, seconds, codes). outcome: ok | internal."""
    from acl_lint.config import Settings
    from acl_lint.lint import lint_sources

    settings = Settings()
    settings.options["file-time-limit"] = PROGRAM_TIME_LIMIT
    t0 = time.perf_counter()
    try:
        result = lint_sources([("fuzzed.py", text), ("acl_helpers.py", fuzzgen.check_helper_module())], settings)
    except BaseException as exc:  # noqa: BLE001 - the campaign counts it
        return "internal", f"escaped: {type(exc).__name__}: {exc}", time.perf_counter() - t0, []
    took = time.perf_counter() - t0
    if result.errors:
        return "internal", "; ".join(e.message for e in result.errors)[:500], took, []
    return "ok", "", took, [f.code for f in result.findings]


def worker(seed: int, start: int, count: int, mutate_share: float) -> int:
    import resource

    for i in range(start, start + count):
        kind, text = program(seed, i, mutate_share)
        outcome, detail, took, codes = classify(text)
        acl003 = [c for c in codes if c == "ACL003"]
        print(json.dumps({"i": i, "kind": kind, "outcome": outcome, "detail": detail, "t": round(took, 3),
                          "acl003": len(acl003), "lines": text.count("\n") + 1}), flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"maxrss_kb": rss}), flush=True)
    return 0


def check_file(path: str) -> int:
    """Exit 3 when the program has an internal error (the minimiser's predicate)."""
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        text = fh.read()
    outcome, detail, _t, _codes = classify(text)
    print(detail)
    return 3 if outcome == "internal" else 0


# --- the parent ---------------------------------------------------------------------------


def _run(cmd: List[str], timeout: float) -> Tuple[str, str]:
    """Run a worker: (status, stdout). status: ok | crash:<signal or code> | hang."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return "hang", out
    if proc.returncode in (0, 3):
        return "ok" if proc.returncode == 0 else "internal", proc.stdout
    return f"crash:{proc.returncode}", proc.stdout + proc.stderr[-2000:]


def run_batch(args, start: int, count: int) -> Tuple[str, str]:
    cmd = [sys.executable, __file__, "--worker", str(start), str(count), "--seed", str(args.seed),
           "--mutate-share", str(args.mutate_share)]
    return _run(cmd, args.timeout)


def text_outcome(text: str, timeout: float, tmpdir: str) -> str:
    path = os.path.join(tmpdir, "candidate.py")
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(text)
    status, _ = _run([sys.executable, __file__, "--check", path], timeout)
    return status


def minimise(text: str, status: str, timeout: float, tmpdir: str, budget: int = 150) -> str:
    """Remove chunks of lines (halves, then quarters ... single lines) while the outcome stays."""
    lines = text.split("\n")
    chunk = max(1, len(lines) // 2)
    tries = 0
    while chunk >= 1 and tries < budget:
        i = 0
        changed = False
        while i < len(lines) and tries < budget:
            cand = lines[:i] + lines[i + chunk:]
            tries += 1
            if cand and text_outcome("\n".join(cand), timeout, tmpdir) == status:
                lines = cand
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return "\n".join(lines)


def bisect(args, start: int, count: int, status: str) -> List[int]:
    """The programs of a failing batch that crash or hang on their own."""
    if count == 1:
        return [start]
    half = count // 2
    bad: List[int] = []
    for s, c in ((start, half), (start + half, count - half)):
        st, _ = run_batch(args, s, c)
        if st.startswith("crash") or st == "hang":
            bad += bisect(args, s, c, st)
    return bad


class Campaign:
    """The counts of a campaign and the programs that failed."""

    def __init__(self, args) -> None:
        self.args = args
        self.stats: Dict[str, float] = {"tried": 0, "internal": 0, "hangs": 0, "crashes": 0, "acl003": 0,
                                        "generated": 0, "mutation": 0, "maxrss_kb": 0, "slowest": 0.0,
                                        "slowest_i": -1, "lines": 0}
        self.failures: List[Tuple[str, int, str]] = []  # (kind, program index, detail)

    def absorb(self, out: str) -> set:
        """Count the JSON lines of a worker; the indices of the programs it finished."""
        stats = self.stats
        seen = set()
        for line in out.splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if "maxrss_kb" in rec:
                stats["maxrss_kb"] = max(stats["maxrss_kb"], rec["maxrss_kb"])
                continue
            seen.add(rec["i"])
            stats[rec["kind"]] += 1
            stats["lines"] += rec["lines"]
            stats["acl003"] += rec["acl003"]
            if rec["t"] > stats["slowest"]:
                stats["slowest"], stats["slowest_i"] = rec["t"], rec["i"]
            if rec["outcome"] == "internal":
                stats["internal"] += 1
                self.failures.append(("internal", rec["i"], rec["detail"]))
        stats["tried"] += len(seen)
        return seen

    def batch_done(self, start: int, count: int, status: str, out: str) -> None:
        """Count a batch; when it crashed or hung, find the programs that did it and run the rest."""
        seen = self.absorb(out)
        if not (status.startswith("crash") or status == "hang"):
            return
        rest = start + len(seen)
        bad = bisect(self.args, rest, start + count - rest, status)
        for i in bad:
            st, _ = run_batch(self.args, i, 1)
            self.stats["hangs" if st == "hang" else "crashes"] += 1
            self.stats["tried"] += 1
            self.failures.append(("hangs" if st == "hang" else "crashes", i, st))
        for i in range(rest, start + count):  # the others of the batch, one by one
            if i not in bad:
                self.absorb(run_batch(self.args, i, 1)[1])

    def write_reproducers(self) -> None:
        args = self.args
        for kind, i, detail in self.failures:
            _k, text = program(args.seed, i, args.mutate_share)
            status = {"internal": "internal", "hangs": "hang"}.get(kind) or text_outcome(text, args.timeout, args.out)
            # a hang costs a whole timeout per try: fewer tries, a timeout just past the lint's own limit
            tries, limit = (12, 3 * PROGRAM_TIME_LIMIT + 30) if status == "hang" else (150, min(args.timeout, 120))
            small = minimise(text, status, limit, args.out, budget=tries) if status != "ok" else text
            path = os.path.join(args.out, f"repro-{kind}-{args.seed}-{i}.py")
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
                fh.write(f"# acl-lint fuzz reproducer: {kind} ({detail[:200]!r})\n# seed {args.seed}, program {i}\n"
                         + small + "\n")
            print(f"reproducer: {path}")

    def summary(self, elapsed: float) -> str:
        s, a = self.stats, self.args
        return "\n".join([
            f"programs tried: {int(s['tried'])} ({int(s['generated'])} generated, {int(s['mutation'])} mutations "
            f"of corpus files; {int(s['lines'])} lines)",
            f"internal errors: {int(s['internal'])}",
            f"hangs: {int(s['hangs'])} (a batch of {a.batch} over {a.timeout:g} s)",
            f"crashes: {int(s['crashes'])}",
            f"ACL003 (analysis cut short, reported): {int(s['acl003'])}",
            f"slowest program: {s['slowest']:.2f} s (program {int(s['slowest_i'])})",
            f"peak memory of a worker: {s['maxrss_kb'] / 1024:.0f} MiB",
            f"elapsed: {elapsed:.0f} s ({s['tried'] / max(elapsed, 1e-9):.1f} programs/s, --jobs {a.jobs})",
        ])


def _arguments(argv: Optional[List[str]]):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--programs", type=int, default=1000)
    p.add_argument("--batch", type=int, default=250)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--first", type=int, default=0, help="index of the first program (to resume)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per batch subprocess")
    p.add_argument("--mutate-share", type=float, default=0.4)
    p.add_argument("--out", default=os.path.join(HERE, "fuzz-out"))
    p.add_argument("--worker", nargs=2, type=int, metavar=("START", "COUNT"), help=argparse.SUPPRESS)
    p.add_argument("--check", metavar="FILE", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = _arguments(argv)
    if args.worker:
        return worker(args.seed, args.worker[0], args.worker[1], args.mutate_share)
    if args.check:
        return check_file(args.check)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    campaign = Campaign(args)
    batches = [(s, min(args.batch, args.first + args.programs - s))
               for s in range(args.first, args.first + args.programs, args.batch)]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for n, ((start, count), (status, out)) in enumerate(
                pool.map(lambda b: (b, run_batch(args, *b)), batches), 1):
            campaign.batch_done(start, count, status, out)
            if n % 10 == 0 or n == len(batches):
                s = campaign.stats
                print(f"[{time.time() - t0:7.0f}s] batch {n}/{len(batches)}: {int(s['tried'])} programs, "
                      f"{int(s['internal'])} internal errors, {int(s['hangs'])} hangs, {int(s['crashes'])} crashes",
                      flush=True)
    campaign.write_reproducers()
    print(campaign.summary(time.time() - t0))
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
