"""``--add-noqa``: a ``# noqa: CODE`` on every line with a finding (Ruff's way to adopt
a linter line by line), merged into an existing ``# noqa: ...`` comment."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, List, Optional, Sequence, Set, Tuple

from ..findings import Finding
from ..suppress import statement_spans
from .edits import edit, make_fix

#: findings a noqa comment is not for: unreadable files, and unused suppressions (remove those instead)
NOT_NOQA = frozenset({"ACL001", "ACL002"})
_NOQA_CODES = re.compile(
    r"(?P<head>#\s*noqa\s*:\s*)(?P<codes>[A-Za-z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Za-z]+[0-9]+)*)", re.IGNORECASE
)


def _blocked_lines(text: str) -> Set[int]:
    """Lines whose end is inside a string or continued by a backslash: no comment can go there."""
    blocked: Set[int] = set()
    for i, line in enumerate(text.splitlines(), 1):
        if line.rstrip().endswith("\\"):
            blocked.add(i)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.start[0] < tok.end[0] and tok.type not in (tokenize.NL, tokenize.NEWLINE):
                blocked.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return blocked


def _comments(text: str) -> Dict[int, Tuple[int, str]]:
    """Line -> (0-based column, text) of its comment."""
    out: Dict[int, Tuple[int, str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = (tok.start[1], tok.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return out


def _target_line(finding: Finding, blocked: Set[int], spans: Dict[int, Tuple[int, int]]) -> int:
    """The line to put the comment on: the finding's, or a later line of its statement (0: none)."""
    first, last = spans.get(finding.line, (finding.line, finding.line))
    for line in [finding.line] + list(range(max(first, finding.line + 1), last + 1)):
        if line not in blocked:
            return line
    return 0


def add_noqa(text: str, findings: Sequence[Finding]) -> Tuple[str, int]:
    """The text with noqa comments for ``findings`` added; and how many lines got one."""
    lines = text.split("\n")
    blocked = _blocked_lines(text)
    spans = statement_spans(text)
    wanted: Dict[int, List[str]] = {}
    for f in findings:
        if f.code in NOT_NOQA:
            continue
        line = _target_line(f, blocked, spans)
        if 1 <= line <= len(lines) and f.code not in wanted.setdefault(line, []):
            wanted[line].append(f.code)
    comments = _comments(text)
    changed = 0
    for line, codes in sorted(wanted.items()):
        src = lines[line - 1]
        col, comment = comments.get(line, (-1, ""))
        m = _NOQA_CODES.search(comment)
        if m:
            have = [c.upper() for c in re.split(r"[\s,]+", m.group("codes")) if c]
            merged = have + [c for c in codes if c not in have]
            if merged == have:
                continue
            start = col + m.start("codes")
            end = col + m.end("codes")
            lines[line - 1] = src[:start] + ", ".join(merged) + src[end:]
        else:
            lines[line - 1] = src.rstrip() + "  # noqa: " + ", ".join(codes)
        changed += 1
    return "\n".join(lines), changed


def noqa_fix(text: str, finding: Finding) -> Optional[Dict]:
    """The ``--add-noqa`` change for one finding as a fix (Ruff's shape: one edit replacing
    the line that gets the comment), e.g. for an editor's "suppress" code action; None when
    no comment can be placed (ACL001/ACL002, or every line of the statement ends in a string)."""
    new, changed = add_noqa(text, [finding])
    if not changed:
        return None
    old_lines, new_lines = text.split("\n"), new.split("\n")
    row = next(i for i, (a, b) in enumerate(zip(old_lines, new_lines), 1) if a != b)
    return make_fix(
        "safe",
        f"Suppress with `# noqa: {finding.code}`",
        [edit(new_lines[row - 1], (row, 1), (row, len(old_lines[row - 1]) + 1))],
    )
