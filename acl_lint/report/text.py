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
    level = finding.effective_severity
    return RED if level == "error" else YELLOW if level == "warning" else CYAN


def location(finding: Finding, color: bool) -> str:
    return (
        paint(finding.path, BOLD, color)
        + paint(":", CYAN, color)
        + str(finding.line)
        + paint(":", CYAN, color)
        + str(finding.column)
        + paint(":", CYAN, color)
    )


def fixable(finding: Finding, unsafe_fixes: bool = False) -> bool:
    fix = finding.fix
    return fix is not None and (unsafe_fixes or fix.get("applicability") == "safe")


def fix_mark(finding: Finding, color: bool, unsafe_fixes: bool = False) -> str:
    """Ruff's ``[*]`` after the code of a finding ``--fix`` would fix."""
    return " " + paint("[*]", CYAN, color) if fixable(finding, unsafe_fixes) else ""


def fix_hint(result: RunResult, unsafe_fixes: bool = False) -> str:
    """``[*] 2 fixable with the `--fix` option (1 hidden fix ...)``, or "" when nothing is fixable."""
    n = sum(1 for f in result.findings if fixable(f, unsafe_fixes))
    hidden = sum(1 for f in result.findings if f.fix is not None and not fixable(f, unsafe_fixes))
    extra = ""
    if hidden:
        fixes = "1 hidden fix" if hidden == 1 else f"{hidden} hidden fixes"
        extra = f"{fixes} can be enabled with the `--unsafe-fixes` option"
    if n:
        how = "`--fix --unsafe-fixes`" if unsafe_fixes else "`--fix`"
        return f"[*] {n} fixable with the {how} option" + (f" ({extra})." if extra else ".")
    return f"No fixes available ({extra})." if extra else ""


def summary(result: RunResult, color: bool, unsafe_fixes: bool = False) -> str:
    """The last line. "All checks passed!" only when everything was checked: never with an
    internal error, nor with code whose analysis was cut short (ACL003)."""
    files = plural(result.files_checked, "file")
    trouble = f"; {plural(len(result.errors), 'internal error')} (above)" if result.errors else ""
    if not result.findings and not result.errors:
        return paint("All checks passed!", GREEN + BOLD, color) + f" ({files})"
    if not result.findings:
        return f"No findings in {files}, but not everything was checked{trouble}."
    levels = [f.effective_severity for f in result.findings]
    counts = [plural(levels.count("error"), "error"), plural(levels.count("warning"), "warning")]
    unchecked = levels.count("info")
    if unchecked:
        counts.append(f"{unchecked} not checked")
    line = f"Found {plural(len(result.findings), 'finding')} ({', '.join(counts)}) in {files}{trouble}."
    hint = fix_hint(result, unsafe_fixes)
    return line + "\n" + hint if hint else line


def error_lines(errors: List[FileError], color: bool) -> List[str]:
    out = []
    for e in errors:
        where = e.path or "acl-lint"
        if e.function:
            where += f" ({e.function})"
        out.append(f"{paint(where, BOLD, color)}: {paint('error', RED + BOLD, color)}: {e.message}")
    return out
