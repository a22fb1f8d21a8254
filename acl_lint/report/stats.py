"""``--statistics``: how many findings per rule, most frequent first."""

from __future__ import annotations

import json
from collections import Counter

from ..findings import RunResult, rule
from .text import BOLD, RED, YELLOW, error_lines, paint, summary


def rows(result: RunResult):
    counts = Counter(f.code for f in result.findings)
    levels = {}
    for f in result.findings:
        if f.effective_severity == "error" or f.code not in levels:
            levels[f.code] = f.effective_severity
    return [
        {"code": code, "name": rule(code).name, "severity": levels[code], "count": n}
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def render(result: RunResult, fmt: str = "concise", color: bool = False) -> str:
    table = rows(result)
    if fmt in ("json", "sarif"):
        return json.dumps(table, indent=2) + "\n"
    width = max([len(str(r["count"])) for r in table] + [1])
    lines = []
    for r in table:
        style = RED if r["severity"] == "error" else YELLOW
        code = paint(r["code"], style + BOLD, color)
        lines.append(f"{r['count']:>{width}}  {code}  {r['severity']:<7}  {r['name']}")
    lines.extend(error_lines(result.errors, color))
    lines.append(summary(result, color))
    return "\n".join(lines) + "\n"
