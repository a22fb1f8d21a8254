"""Read the `# expect:` markers of corpus/ (see corpus/README.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MARKER = re.compile(r"#\s*(expect|todook|todo)(?:\[(static|runtime)\])?\s*:\s*(ACL\d{3}(?:\s*,\s*ACL\d{3})*)")

Marker = Tuple[str, int, str]  # (path relative to corpus/, line, code)


def corpus_files() -> List[Path]:
    return sorted(p for p in CORPUS.rglob("*.py") if "__pycache__" not in p.parts)


def _all_markers(engine: str, kinds: Set[str]) -> Set[Marker]:
    """Markers of ``kinds`` that apply to ``engine``. ``expect`` without a tag applies to both
    engines; ``todo`` / ``todook`` (known limits) without a tag to the static analyzer."""
    out: Set[Marker] = set()
    for path in corpus_files():
        rel = path.relative_to(CORPUS).as_posix()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in MARKER.finditer(line):
                kind, tag = m.group(1), m.group(2) or ("static" if m.group(1) != "expect" else None)
                if kind not in kinds or (tag is not None and tag != engine):
                    continue
                for code in re.split(r"\s*,\s*", m.group(3)):
                    out.add((rel, lineno, code))
    return out


def markers(engine: str) -> Set[Marker]:
    """What ``engine`` ("static" or "runtime") reports today: the ``expect`` markers, and the
    known false positives (``todook``: reported, but should not be)."""
    return _all_markers(engine, {"expect", "todook"})


def known_false_positives(engine: str) -> Set[Marker]:
    """``# todook: ACLnnn``: reported today although the code is right (a documented limit)."""
    return _all_markers(engine, {"todook"})


def known_false_negatives(engine: str) -> Set[Marker]:
    """``# todo: ACLnnn``: a real defect not reported today (a documented limit)."""
    return _all_markers(engine, {"todo"})


def marker_counts() -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for _, _, code in _all_markers("static", {"expect"}) | _all_markers("runtime", {"expect"}):
        counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))
