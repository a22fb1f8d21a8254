"""Which `acl.*` names the real-world corpus calls, and whether rules/ catalogues them.

    python bench/realworld/api_coverage.py                   # corpus from the manifest's `out`
    python bench/realworld/api_coverage.py --corpus DIR --rules DIR
    python bench/realworld/api_coverage.py --uncatalogued FILE   # also write the missing names there

Every call whose callee is an attribute chain on the name `acl`
(`acl.rt.malloc(...)`, `acl.init()`) is a call site of that name (`rt.malloc`,
`init`), found with `ast` (a file `ast` cannot parse, such as Python 2 code,
is scanned with the selection regex instead, and counted as such). A name is

- catalogued: an `[[api]] call` in rules/api/*.toml;
- invented: an `[[unknown]] name` in rules/unknown_api.toml (not a pyACL API;
  acl-lint reports the call as such);
- uncatalogued: neither (acl-lint does not know what the call does).

Coverage is the share of call sites whose name is catalogued or invented.
Writes bench/realworld/api_names.tsv (name, call sites, files, catalogued
yes/no/invented), sorted by call sites.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, Optional, Set, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rwlib  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT = rwlib.HERE / "api_names.tsv"


def _chain(node: ast.AST) -> Optional[str]:
    """`rt.malloc` for `acl.rt.malloc`, None for anything not rooted at `acl`."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "acl" and parts:
        return ".".join(reversed(parts))
    return None


def calls_in(text: str) -> Tuple[Iterable[str], bool]:
    """(names of acl.* call sites, parsed with ast?)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        names = [m.group(0)[4:].rstrip("( \t") for m in rwlib.ACL_CALL.finditer(text)]
        return [n.strip() for n in names], False
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _chain(node.func)
            if name:
                names.append(name)
    return names, True


def catalogue(rules: Path) -> Tuple[Set[str], Set[str]]:
    """(catalogued API names, names known not to be pyACL APIs)."""
    known: Set[str] = set()
    for path in sorted((rules / "api").glob("*.toml")):
        with open(path, "rb") as fh:
            known.update(e["call"] for e in rwlib.tomllib.load(fh).get("api", []))
    invented: Set[str] = set()
    unknown = rules / "unknown_api.toml"
    if unknown.exists():
        with open(unknown, "rb") as fh:
            invented.update(e["name"] for e in rwlib.tomllib.load(fh).get("unknown", []))
    return known, invented


def status(name: str, known: Set[str], invented: Set[str]) -> str:
    if name in known:
        return "yes"
    return "invented" if name in invented else "no"


def measure(corpus: Path, rules: Path):
    sites: Counter = Counter()
    files: Dict[str, Set[str]] = defaultdict(set)
    unparsed = []
    for path in rwlib.corpus_files(corpus):
        text = path.read_text(encoding="utf-8", errors="replace")
        names, parsed = calls_in(text)
        if not parsed:
            unparsed.append(path.relative_to(corpus).as_posix())
        for name in names:
            sites[name] += 1
            files[name].add(path.relative_to(corpus).as_posix())
    known, invented = catalogue(rules)
    rows = sorted(((n, c, len(files[n]), status(n, known, invented)) for n, c in sites.items()),
                  key=lambda r: (-r[1], r[0]))
    return rows, unparsed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="rebuilt corpus (default: the manifest's `out`)")
    ap.add_argument("--rules", default=str(REPO_ROOT / "rules"), help="rules folder (default: this checkout's)")
    ap.add_argument("--uncatalogued", metavar="FILE", help="also write the uncatalogued names (name, call sites)")
    ap.add_argument("--out", default=str(OUT), help=f"names table to write (default: {OUT.name} here)")
    ap.add_argument("--no-write", action="store_true", help="write no names table")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus or rwlib.load_manifest().out)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: run bench/realworld/build.py first", file=sys.stderr)
        return 2
    rows, unparsed = measure(corpus, Path(args.rules))
    total = sum(r[1] for r in rows)
    by = Counter()
    for _, count, _, st in rows:
        by[st] += count
    covered = by["yes"] + by["invented"]
    names = Counter(r[3] for r in rows)
    print(f"{len(rows)} acl.* names, {total} call sites in {corpus}")
    if unparsed:
        print(f"({len(unparsed)} files not parseable by ast, scanned by regex: {', '.join(unparsed[:5])}"
              f"{' ...' if len(unparsed) > 5 else ''})")
    print(f"catalogued: {names['yes']} names, {by['yes']} sites; invented (reported): "
          f"{names['invented']} names, {by['invented']} sites; uncatalogued: {names['no']} names, {by['no']} sites")
    print(f"coverage: {100.0 * covered / total if total else 100.0:.1f}% of call sites\n")
    missing = [r for r in rows if r[3] == "no"]
    if missing:
        print("uncatalogued (call sites, files):")
        for name, count, nfiles, _ in missing:
            print(f"  {count:5d} {nfiles:4d}  acl.{name}")
    if not args.no_write:
        rwlib.write_tsv(Path(args.out), ("name", "call_sites", "files", "catalogued"), rows)
    if args.uncatalogued:
        rwlib.write_tsv(Path(args.uncatalogued), ("name", "call_sites", "files"),
                        [(f"acl.{n}", c, f) for n, c, f, _ in missing])
    return 0


if __name__ == "__main__":
    sys.exit(main())
