"""Run acl-lint on the rebuilt real-world corpus, write the findings snapshot, print the diff.

    python bench/realworld/run.py                # corpus from the manifest's `out`
    python bench/realworld/run.py --corpus DIR --jobs 2
    python bench/realworld/run.py --check        # compare only, do not rewrite snapshot.tsv

Runs the installed `acl-lint` (`--output-format json` or, for a version that
has only that spelling, `--format json`; `--no-cache --exit-zero`) from the
corpus root on `.`, so paths are relative to the corpus root
(`owner+name/path/in/repo.py`). Writes bench/realworld/snapshot.tsv (code,
path, line, message; sorted) and prints:

- what was analysed: files and kLOC of pyACL code (physical lines of the files
  CORPUS.tsv gives the role `pyacl`; the `context` files beside them, the
  scripts that import and run that code, are checked too but not counted),
  and time;
- findings per kLOC by code, now and in the committed snapshot;
- the diff against the committed snapshot (`git show HEAD:...`, or the file
  on disk outside git): added and removed findings per code, then the rows.

Exit status: 0, or 2 when acl-lint could not run or its output is not JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rwlib  # noqa: E402

Row = Tuple[str, str, int, str]
REPO_ROOT = Path(__file__).resolve().parents[2]


def format_flag(cmd: Sequence[str]) -> str:
    """`--output-format` where the installed acl-lint has it, else `--format`."""
    helptext = subprocess.run([*cmd, "--help"], capture_output=True, text=True).stdout
    return "--output-format" if "--output-format" in helptext else "--format"


def run_acl_lint(cmd: Sequence[str], corpus: Path, jobs: Optional[int]) -> Tuple[dict, float]:
    argv = [*cmd, format_flag(cmd), "json", "--no-cache", "--exit-zero"]
    if jobs:
        argv += ["--jobs", str(jobs)]
    argv.append(".")
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=corpus, capture_output=True, text=True)
    wall = time.perf_counter() - start
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"acl-lint ({shlex.join(argv)}) exited {proc.returncode} without a JSON report")
    return report, wall


def rows_of(report: dict) -> List[Row]:
    """Sorted; a finding printed twice stays twice (that is a defect to see)."""
    def rel(path: str) -> str:
        path = path.replace(os.sep, "/")
        return path[2:] if path.startswith("./") else path

    return sorted((f["code"], rel(f["path"]), int(f["line"]), f["message"]) for f in report["findings"])


def analysed_files(corpus: Path) -> Dict[str, bytes]:
    """Content of the pyACL files (CORPUS.tsv role ``pyacl``; the ``context`` files beside them
    are read by acl-lint as callers, not counted), by path relative to the corpus. Without an
    index with roles: every file acl-lint's own discovery finds."""
    index = corpus / "CORPUS.tsv"
    if index.is_file() and index.read_text(encoding="utf-8").startswith("\t".join(rwlib.CORPUS_HEADER)):
        rows = rwlib.read_tsv(index, rwlib.CORPUS_HEADER)
        paths = [corpus / r["path"] for r in rows if r["role"] == "pyacl"]
    else:
        try:
            from acl_lint.discovery import discover
            paths = [Path(p) for p in discover([str(corpus)], root=str(corpus))]
        except ImportError:  # acl-lint run from elsewhere (--acl-lint): every .py file
            paths = rwlib.corpus_files(corpus)
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in paths}


def distinct(files: Dict[str, bytes], rows: List[Row]) -> Tuple[int, int, int]:
    """(distinct file contents, their lines, findings on distinct contents): vendored
    copies (acllite, atlas_utils ...) count once."""
    digest = {path: hashlib.sha1(data).hexdigest() for path, data in files.items()}
    first = {}
    for path, h in sorted(digest.items()):
        first.setdefault(h, path)
    lines = sum(rwlib.count_lines(files[p]) for p in first.values())
    seen = {(digest.get(r[1], r[1]), r[0], r[2], r[3]) for r in rows}
    return len(first), lines, len(seen)


def committed_snapshot(snapshot: Path) -> Tuple[List[Row], str]:
    """The snapshot as committed (``git show HEAD:...``), else as it is on disk."""
    snapshot = snapshot.resolve()
    if REPO_ROOT in snapshot.parents:
        rel = snapshot.relative_to(REPO_ROOT).as_posix()
        proc = subprocess.run(["git", "-C", str(REPO_ROOT), "show", f"HEAD:{rel}"], capture_output=True)
        if proc.returncode == 0:
            tmp = snapshot.with_name(".snapshot.committed.tsv")
            try:
                tmp.write_bytes(proc.stdout)
                return rwlib.read_snapshot(tmp), f"HEAD:{rel}"
            finally:
                tmp.unlink()
    return rwlib.read_snapshot(snapshot), str(snapshot)


def kloc_table(now: List[Row], before: List[Row], kloc: float) -> None:
    a, b = Counter(r[0] for r in now), Counter(r[0] for r in before)
    print(f"{'code':8} {'now':>6} {'/kLOC':>7} {'before':>7} {'/kLOC':>7} {'change':>7}")
    for code in sorted(set(a) | set(b)):
        print(f"{code:8} {a[code]:6d} {a[code] / kloc:7.2f} {b[code]:7d} {b[code] / kloc:7.2f} "
              f"{a[code] - b[code]:+7d}")
    print(f"{'all':8} {len(now):6d} {len(now) / kloc:7.2f} {len(before):7d} {len(before) / kloc:7.2f} "
          f"{len(now) - len(before):+7d}")


def print_diff(now: List[Row], before: List[Row], limit: int) -> None:
    added = sorted((Counter(now) - Counter(before)).elements())
    removed = sorted((Counter(before) - Counter(now)).elements())
    if not added and not removed:
        print("no change against the committed snapshot")
        return
    plus, minus = Counter(r[0] for r in added), Counter(r[0] for r in removed)
    print("per code: " + ", ".join(f"{c} +{plus[c]} -{minus[c]}" for c in sorted(set(plus) | set(minus))))
    for sign, rows in (("+", added), ("-", removed)):
        for row in rows[:limit]:
            print(f"{sign} {row[0]} {row[1]}:{row[2]}: {row[3]}")
        if len(rows) > limit:
            print(f"{sign} ... {len(rows) - limit} more (--diff-lines N to show them)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="rebuilt corpus (default: the manifest's `out`)")
    ap.add_argument("--snapshot", default=str(rwlib.SNAPSHOT), help="findings snapshot (default: snapshot.tsv here)")
    ap.add_argument("--acl-lint", default="acl-lint", help="command that runs acl-lint (default: acl-lint)")
    ap.add_argument("--jobs", type=int, default=None, help="passed to acl-lint --jobs")
    ap.add_argument("--check", action="store_true", help="do not rewrite snapshot.tsv")
    ap.add_argument("--report", metavar="JSON",
                    help="use this acl-lint JSON report (run from the corpus root) instead of running acl-lint")
    ap.add_argument("--diff-lines", type=int, default=300, help="rows of the diff to print per side")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus or rwlib.load_manifest().out).resolve()
    snapshot = Path(args.snapshot)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: run bench/realworld/build.py first", file=sys.stderr)
        return 2
    if args.report:
        report, wall = json.loads(Path(args.report).read_text(encoding="utf-8")), 0.0
    else:
        report, wall = run_acl_lint(shlex.split(args.acl_lint), corpus, args.jobs)
    now = rows_of(report)
    before, where = committed_snapshot(snapshot)
    if not args.check:
        rwlib.write_tsv(snapshot, rwlib.SNAPSHOT_HEADER, now)
    contents = analysed_files(corpus)
    files, lines = len(contents), sum(rwlib.count_lines(d) for d in contents.values())
    kloc = lines / 1000 or 1.0
    checked = report.get("files_checked")
    took = "from --report" if args.report else f"{wall:.1f} s wall"
    print(f"acl-lint {report.get('version', '?')}: {checked} files checked, {len(now)} findings, {took}")
    print(f"pyACL code: {files} files, {lines} lines ({kloc:.1f} kLOC); acl-lint checked {checked} files "
          "(the context files beside them included)")
    uniq_files, uniq_lines, uniq_rows = distinct(contents, now)
    print(f"distinct file contents (vendored copies once): {uniq_files} files, {uniq_lines / 1000:.1f} kLOC, "
          f"{uniq_rows} findings")
    for err in report.get("errors", []):
        print(f"error: {err}")
    print(f"\nfindings per kLOC (before = {where})")
    kloc_table(now, before, kloc)
    print(f"\ndiff against {where}")
    print_diff(now, before, args.diff_lines)
    if not args.check:
        print(f"\nwrote {snapshot} ({len(now)} rows)")
    return 0


if __name__ == "__main__":
    if hasattr(signal, "SIGPIPE"):  # `run.py | head` ends quietly (the snapshot is written first)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
