"""``--format concise``: ``path:line:col: CODE message``, one finding a line."""

from __future__ import annotations

from ..findings import RunResult
from .text import BOLD, error_lines, fix_mark, location, paint, severity_style, summary


def render(result: RunResult, color: bool = False, unsafe_fixes: bool = False) -> str:
    lines = []
    for f in result.sorted_findings():
        code = paint(f.code, severity_style(f) + BOLD, color) + fix_mark(f, color, unsafe_fixes)
        lines.append(f"{location(f, color)} {code} {f.message}")
    lines.extend(error_lines(result.errors, color))
    lines.append(summary(result, color, unsafe_fixes))
    return "\n".join(lines) + "\n"
