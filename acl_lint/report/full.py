"""``--format full``: each finding with a code frame and the steps of its path."""

from __future__ import annotations

from typing import List, Optional

from ..findings import Finding, RunResult
from .text import BLUE, BOLD, CYAN, DIM, error_lines, fix_mark, fixable, location, paint, severity_style, summary

CONTEXT = 2
TAB = 4


def _frame(finding: Finding, text: Optional[str], color: bool) -> List[str]:
    if not text:
        return []
    lines = text.splitlines()
    if not 1 <= finding.line <= len(lines):
        return []
    first = max(1, finding.line - CONTEXT)
    last = min(len(lines), finding.line + CONTEXT)
    width = len(str(last))
    gutter = paint(" " * width + " |", BLUE, color)
    out = [gutter]
    for ln in range(first, last + 1):
        src = lines[ln - 1].expandtabs(TAB).rstrip()
        number = paint(f"{ln:>{width}} |", BLUE, color)
        out.append(f"{number} {src}" if src else number)
        if ln == finding.line:
            raw = lines[ln - 1]
            col = max(1, min(finding.column, len(raw) + 1))
            start = len(raw[: col - 1].expandtabs(TAB))
            if finding.end_line == finding.line and finding.end_column > col:
                end = len(raw[: finding.end_column - 1].expandtabs(TAB))
            elif finding.end_line > finding.line:
                end = len(raw.expandtabs(TAB).rstrip())
            else:
                end = start + 1
            marks = "^" * max(1, end - start)
            out.append(f"{gutter} {' ' * start}{paint(marks, severity_style(finding) + BOLD, color)}")
    out.append(gutter)
    return out


def _steps(finding: Finding, color: bool) -> List[str]:
    if not finding.related:
        return []
    title = "leaking path:" if finding.code.startswith("ACL1") else "related:"
    out = [f"  {paint('=', BLUE, color)} {title}"]
    width = len(str(len(finding.related)))
    for i, r in enumerate(finding.related, 1):
        where = f"{r.path}:{r.line}:{r.column}"
        kind = paint(f"[{r.kind}]", DIM, color)
        out.append(f"    {i:>{width}}. {paint(where, CYAN, color)} {kind} {r.message}")
    return out


def _help(finding: Finding, color: bool, unsafe_fixes: bool) -> List[str]:
    """Ruff's ``help:`` line: what the fix does, and whether --fix applies it."""
    if finding.fix is None:
        return []
    label = "help" if fixable(finding, unsafe_fixes) else "help (unsafe fix, --unsafe-fixes)"
    return [f"  {paint('=', BLUE, color)} {paint(label, BOLD, color)}: {finding.fix.get('message', '')}"]


def render(result: RunResult, color: bool = False, unsafe_fixes: bool = False) -> str:
    blocks = []
    for f in result.sorted_findings():
        head = (
            f"{location(f, color)} {paint(f.code, severity_style(f) + BOLD, color)}{fix_mark(f, color, unsafe_fixes)} "
            f"{paint('[' + f.name + ']', DIM, color)} {f.message}"
        )
        block = [head]
        block.extend(_frame(f, result.sources.get(f.path), color))
        block.extend(_steps(f, color))
        block.extend(_help(f, color, unsafe_fixes))
        blocks.append("\n".join(block))
    tail = error_lines(result.errors, color)
    tail.append(summary(result, color, unsafe_fixes))
    parts = blocks + ["\n".join(tail)]
    return "\n\n".join(parts) + "\n"
