"""Text edits in Ruff's JSON shape, applied to a source text.

An edit is ``{"content": str, "location": {"row", "column"}, "end_location": {"row", "column"}}``,
rows and columns 1-based, columns in characters; it replaces the text from
``location`` up to (not including) ``end_location``. A fix is
``{"applicability": "safe"|"unsafe", "message": str, "edits": [edit, ...]}``.
"""

from __future__ import annotations

import ast
import difflib
from typing import Dict, Iterable, List, Sequence, Tuple

Fix = Dict  # the JSON shape above


def edit(content: str, start: Tuple[int, int], end: Tuple[int, int]) -> Dict:
    return {
        "content": content,
        "location": {"row": start[0], "column": start[1]},
        "end_location": {"row": end[0], "column": end[1]},
    }


def make_fix(applicability: str, message: str, edits: Sequence[Dict]) -> Fix:
    return {"applicability": applicability, "message": message, "edits": list(edits)}


class _Offsets:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)
        self.size = len(text)

    def __call__(self, point: Dict) -> int:
        row, col = point["row"], point["column"]
        if not 1 <= row <= len(self.starts) + 1:
            raise ValueError(f"row {row} outside the text")
        base = self.starts[row - 1] if row <= len(self.starts) else self.size
        return min(self.size, base + col - 1)


def spans(text: str, fix: Fix) -> List[Tuple[int, int]]:
    """The character ranges a fix replaces."""
    off = _Offsets(text)
    return [(off(e["location"]), off(e["end_location"])) for e in fix["edits"]]


def apply_fixes(text: str, fixes: Iterable[Fix]) -> Tuple[str, List[Fix]]:
    """Apply the fixes that do not overlap one already taken (in the order given).

    Returns the new text and the fixes applied. A fix whose result would not
    parse as Python is left out (and so are the fixes after it that would
    overlap it); the others are still applied.
    """
    off = _Offsets(text)
    taken: List[Tuple[int, int]] = []
    chosen: List[Fix] = []
    for fix in fixes:
        try:
            ranges = [(off(e["location"]), off(e["end_location"])) for e in fix["edits"]]
        except (KeyError, TypeError, ValueError):
            continue
        if any(a > b for a, b in ranges) or any(a < y and x < b for a, b in ranges for x, y in taken):
            continue
        if not _parses(_splice(text, off, [fix])):
            continue
        taken.extend(ranges)
        chosen.append(fix)
    new = _splice(text, off, chosen)
    if chosen and not _parses(new):  # two fixes fine alone, broken together: keep the first ones that parse
        kept: List[Fix] = []
        for fix in chosen:
            if _parses(_splice(text, off, kept + [fix])):
                kept.append(fix)
        chosen, new = kept, _splice(text, off, kept)
    return new, chosen


def _splice(text: str, off: _Offsets, fixes: Sequence[Fix]) -> str:
    parts = sorted(
        ((off(e["location"]), off(e["end_location"]), e["content"]) for f in fixes for e in f["edits"]),
        key=lambda p: (p[0], p[1]),
    )
    out, pos = [], 0
    for start, end, content in parts:
        out.append(text[pos:start])
        out.append(content)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff (``--- a/path``, ``+++ b/path``) as Ruff's ``--diff`` prints it."""
    lines = difflib.unified_diff(
        before.splitlines(True), after.splitlines(True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
