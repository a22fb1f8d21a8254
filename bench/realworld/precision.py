"""Print the precision of hand-judged samples of real-world findings.

    python bench/realworld/precision.py                       # every judgments/*.tsv, one table each
    python bench/realworld/precision.py judgments/2026-12-03-seed1.tsv
    python bench/realworld/precision.py --reasons             # also the FP and NOISE reasons

With several files, a last table counts every distinct finding once over all
of them (a finding drawn by two seeds counts once; two different verdicts for
it are reported as a conflict, exit 2).

Per code and in total: how many findings were judged TP (true and worth a
maintainer's time), NOISE (true, not worth it) and FP (false); the share
true-and-worth-fixing (TP / judged) and the share false (FP / judged). The
targets of the precision issue are >= 90% and <= 3%. Rows without a verdict
are counted as unjudged and leave the shares out of the total (exit 1), as
does a verdict that is not TP, NOISE or FP.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rwlib  # noqa: E402


def table(rows: List[Dict[str, str]]) -> List[str]:
    per: Dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        per[r["code"]][r["verdict"] or "unjudged"] += 1
    lines = [f"{'code':8} {'n':>4} {'TP':>4} {'NOISE':>5} {'FP':>4} {'%TP':>6} {'%FP':>6}"]

    def line(name: str, c: Counter) -> str:
        judged = c["TP"] + c["NOISE"] + c["FP"]
        pct = (lambda k: f"{100.0 * c[k] / judged:5.1f}%") if judged else (lambda k: "     -")
        extra = f"  ({c['unjudged']} unjudged)" if c["unjudged"] else ""
        return (f"{name:8} {sum(c.values()):4d} {c['TP']:4d} {c['NOISE']:5d} {c['FP']:4d} "
                f"{pct('TP'):>6} {pct('FP'):>6}{extra}")

    total: Counter = Counter()
    for code in sorted(per):
        lines.append(line(code, per[code]))
        total.update(per[code])
    lines.append(line("all", total))
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="judgment TSVs (default: every judgments/*.tsv)")
    ap.add_argument("--reasons", action="store_true", help="list the reasons of the FP and NOISE rows")
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files] or sorted(rwlib.JUDGMENTS.glob("*.tsv"))
    if not files:
        print(f"no judgments in {rwlib.JUDGMENTS}: draw a sample with sample.py", file=sys.stderr)
        return 2
    status = 0
    union: Dict[tuple, Dict[str, str]] = {}
    for path in files:
        rows = rwlib.read_tsv(path, rwlib.JUDGMENT_HEADER)
        bad = [r for r in rows if r["verdict"] and r["verdict"] not in rwlib.VERDICTS]
        if bad:
            print(f"{path}: verdicts must be one of {', '.join(rwlib.VERDICTS)}; got "
                  + ", ".join(sorted({r['verdict'] for r in bad})), file=sys.stderr)
            return 2
        if any(not r["verdict"] for r in rows):
            status = 1
        for r in rows:
            key = (r["code"], r["path"], r["line"], r["message"])
            if key in union and r["verdict"] and union[key]["verdict"] and union[key]["verdict"] != r["verdict"]:
                print(f"conflict: {r['code']} {r['path']}:{r['line']} is {union[key]['verdict']} in one sample "
                      f"and {r['verdict']} in {path.name}", file=sys.stderr)
                return 2
            if key not in union or not union[key]["verdict"]:
                union[key] = r
        print(f"{path.name}: {len(rows)} findings")
        print("\n".join(table(rows)))
        if args.reasons:
            for verdict in ("FP", "NOISE"):
                for r in rows:
                    if r["verdict"] == verdict:
                        print(f"  {verdict:5} {r['code']} {r['path']}:{r['line']}: {r['reason']}")
        print()
    if len(files) > 1:
        print(f"all samples, each distinct finding once: {len(union)} findings")
        print("\n".join(table(list(union.values()))))
    return status


if __name__ == "__main__":
    sys.exit(main())
