"""``--format concise``: ``path:line:col: CODE message``, one finding a line."""

from __future__ import annotations

from ..findings import RunResult
from .text import BOLD, error_lines, location, paint, severity_style, summary


def render(result: RunResult, color: bool = False) -> str:
    lines = []
    for f in result.sorted_findings():
        lines.append(f"{location(f, color)} {paint(f.code, severity_style(f) + BOLD, color)} {f.message}")
    lines.extend(error_lines(result.errors, color))
    lines.append(summary(result, color))
    return "\n".join(lines) + "\n"
