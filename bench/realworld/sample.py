"""Draw a seeded random sample of findings from the snapshot, to be judged by hand.

    python bench/realworld/sample.py --seed 1 --size 60
        -> bench/realworld/judgments/<today>-seed1.tsv

The sample is `random.Random(seed).sample(rows, size)` over the snapshot's
rows in their sorted order, so the same snapshot and seed give the same
sample; it is written sorted by path and line (easier to judge) with empty
`verdict` and `reason` columns. Fill each row with TP (true and worth a
maintainer's time), NOISE (true but not worth it, e.g. a leak only as the
process exits) or FP (false), and a one-line reason; then
`python bench/realworld/precision.py` prints the table. An existing file is
never overwritten (judgments are work): pass another seed or --out.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rwlib  # noqa: E402


def draw(rows, seed: int, size: int):
    if size > len(rows):
        raise SystemExit(f"the snapshot has {len(rows)} findings: cannot draw {size}")
    picked = random.Random(seed).sample(rows, size)
    return sorted(picked, key=lambda r: (r[1], r[2], r[0], r[3]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--size", type=int, default=60)
    ap.add_argument("--snapshot", default=str(rwlib.SNAPSHOT), help="findings snapshot (default: snapshot.tsv)")
    ap.add_argument("--date", default=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
                    help="date in the file name (default: today, UTC)")
    ap.add_argument("--out", help="output file (default: judgments/<date>-seed<N>.tsv)")
    args = ap.parse_args(argv)
    rows = rwlib.read_snapshot(Path(args.snapshot))
    if not rows:
        print(f"no findings in {args.snapshot}: run bench/realworld/run.py first", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else rwlib.JUDGMENTS / f"{args.date}-seed{args.seed}.tsv"
    if out.exists():
        print(f"{out} exists (judgments are not overwritten): choose another --seed or --out", file=sys.stderr)
        return 2
    sample = draw(rows, args.seed, args.size)
    rwlib.write_tsv(out, rwlib.JUDGMENT_HEADER, [(*row, "", "") for row in sample])
    print(f"wrote {out}: {len(sample)} of {len(rows)} findings (seed {args.seed}); judge each row "
          f"({'/'.join(rwlib.VERDICTS)} + reason), then run precision.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
