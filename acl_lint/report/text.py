"""Pieces shared by the text formats: colours, locations, the summary line."""

from __future__ import annotations

from typing import List

from ..findings import FileError, Finding, RunResult

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RED = "\x1b[31m"
YELLOW = "\x1b[33m"
CYAN = "\x1b[36m"
BLUE = "\x1b[34m"
GREEN = "\x1b[32m"


def paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color and text else text


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def severity_style(finding: Finding) -> str:
    return RED if finding.effective_severity == "error" else YELLOW


def location(finding: Finding, color: bool) -> str:
    return (
        paint(finding.path, BOLD, color)
        + paint(":", CYAN, color)
        + str(finding.line)
        + paint(":", CYAN, color)
        + str(finding.column)
        + paint(":", CYAN, color)
    )


def summary(result: RunResult, color: bool) -> str:
    files = plural(result.files_checked, "file")
    if not result.findings:
        line = paint("All checks passed!", GREEN + BOLD, color) + f" ({files})"
    else:
        errors = sum(1 for f in result.findings if f.effective_severity == "error")
        warnings = len(result.findings) - errors
        line = (
            f"Found {plural(len(result.findings), 'finding')} "
            f"({plural(errors, 'error')}, {plural(warnings, 'warning')}) in {files}."
        )
    return line


def error_lines(errors: List[FileError], color: bool) -> List[str]:
    out = []
    for e in errors:
        where = e.path or "acl-lint"
        if e.function:
            where += f" ({e.function})"
        out.append(f"{paint(where, BOLD, color)}: {paint('error', RED + BOLD, color)}: {e.message}")
    return out
