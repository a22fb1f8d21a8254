"""Read the `# expect:` markers of corpus/ (see corpus/README.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MARKER = re.compile(r"#\s*expect(?:\[(static|runtime)\])?\s*:\s*(ACL\d{3}(?:\s*,\s*ACL\d{3})*)")

Marker = Tuple[str, int, str]  # (path relative to corpus/, line, code)


def corpus_files() -> List[Path]:
    return sorted(p for p in CORPUS.rglob("*.py") if "__pycache__" not in p.parts)


def markers(engine: str) -> Set[Marker]:
    """Markers that ``engine`` ("static" or "runtime") must report."""
    out: Set[Marker] = set()
    for path in corpus_files():
        rel = path.relative_to(CORPUS).as_posix()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in MARKER.finditer(line):
                tag = m.group(1)
                if tag is not None and tag != engine:
                    continue
                for code in re.split(r"\s*,\s*", m.group(2)):
                    out.add((rel, lineno, code))
    return out


def marker_counts() -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for _, _, code in markers("static") | markers("runtime"):
        counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))
