"""Analyses cut short: a recursion limit or a file's time limit, reported as ACL003.

The engine runs each function of a file under :class:`FileClock`; when the
file's time is up (``file-time-limit`` seconds, default
:data:`DEFAULT_TIME_LIMIT`) the function being analysed is stopped by
:class:`CutShort`, and it and the functions after it are reported as not
checked. A function whose analysis hits Python's recursion limit (an
expression chained hundreds of terms deep) is reported the same way.

The engine hands these back as :class:`Incomplete` markers (a
:class:`~acl_lint.findings.FileError`, so that old callers see an error, never
a silent "clean"); :func:`incomplete_finding` turns them into ACL003 findings.

The clock interrupts running code with ``SIGALRM`` when it can (the main
thread of a Unix process, with no other user of the signal); elsewhere it
checks between functions only.
"""

from __future__ import annotations

import ast
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from .findings import FileError, Finding

DEFAULT_TIME_LIMIT = 60  # seconds of analysis per file
OPTION = "file-time-limit"


class CutShort(BaseException):
    """Raised into the analysis when its file's time is up. A BaseException: the engine's
    ``except Exception`` clauses (a summary that fails is merely less precise) must not eat it."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"time limit of {limit:g} s reached")
        self.limit = limit


@dataclass
class Incomplete(FileError):
    """A function whose analysis was cut short; becomes ACL003 (never an internal error)."""

    reason: str = ""  # "recursion" | "time"
    skipped: int = 0  # functions of the file after it that were not analysed at all


OWNER_PASS = "<ownership pass>"


def incomplete(path: str, function: str, exc: BaseException, skipped: int = 0) -> Incomplete:
    """The marker for ``function`` of ``path`` stopped by ``exc`` (CutShort or RecursionError)."""
    from .diagnostics import analysis_incomplete

    if function == OWNER_PASS:
        limit = (f"the time limit ({exc.limit:g} s)" if isinstance(exc, CutShort) else "Python's recursion limit")
        d = analysis_incomplete("the ownership check (handles kept on `self` or in globals, and who releases them)",
                                f"stopped at {limit}", "its findings for this file are not reported",
                                f"split the file or raise `{OPTION}`")
        return Incomplete(path, d.message, "<module>", reason="time" if isinstance(exc, CutShort) else "recursion")
    unit = "the module's top-level code" if function == "<module>" else f"`{function}`"
    if isinstance(exc, CutShort):
        rest = f"; {skipped} more function{'s' if skipped != 1 else ''} of the file not analysed" if skipped else ""
        d = analysis_incomplete(unit, f"stopped at the per-file time limit ({exc.limit:g} s){rest}",
                                "its findings are not reported, and it was not checked",
                                f"split the file or raise `{OPTION}`")
        return Incomplete(path, d.message, function, reason="time", skipped=skipped)
    d = analysis_incomplete(unit, "stopped at Python's recursion limit (an expression or call chain nested too "
                                  "deeply to follow)", "its findings are not reported, and it was not checked",
                            "split the expression into steps")
    return Incomplete(path, d.message, function, reason="recursion")


def time_limit(options: Mapping[str, Any]) -> float:
    """The per-file time limit in seconds (0: none)."""
    limit = options.get(OPTION, DEFAULT_TIME_LIMIT)
    return float(limit) if isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0 else 0.0


def incomplete_whole_file(path: str, limit: float) -> Incomplete:
    """A file whose analysis (its parse included) was stopped from outside at the time limit."""
    from .diagnostics import analysis_incomplete

    d = analysis_incomplete("this file", f"did not finish within the time limit ({limit:g} s, and its parse cannot "
                                         "be interrupted) and was stopped", "nothing in it was checked",
                            f"split the file or raise `{OPTION}`")
    return Incomplete(path, d.message, "<module>", reason="time")


def incomplete_finding(marker: Incomplete, text: Optional[str]) -> Finding:
    """ACL003 at the ``def`` line of the marker's function (line 1 for the module or unknown)."""
    line, col = _def_position(text or "", marker.function)
    return Finding(code="ACL003", message=marker.message, path=marker.path, line=line, column=col, end_line=line,
                   end_column=col + 1, function=marker.function or "<module>", resource=marker.reason)


def cuts_as_findings(errors, text_of, reasons=("recursion", "time")):
    """Split ``errors``: the analyses cut short (for ``reasons``) become ACL003 findings, never
    a silent clean; the rest stay errors. ``text_of(path)`` gives a file's text (for the `def`)."""
    findings, kept = [], []
    for e in errors:
        if isinstance(e, Incomplete) and e.reason in reasons:
            findings.append(incomplete_finding(e, text_of(e.path)))
        else:
            kept.append(e)
    return findings, kept


def _def_position(text: str, qualname: str):
    if not qualname or qualname == "<module>" or not text:
        return 1, 1
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return 1, 1
    todo = [(tree, "")]
    while todo:
        node, prefix = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                if name == qualname and not isinstance(child, ast.ClassDef):
                    return child.lineno, child.col_offset + 1
                inner = name + (".<locals>." if not isinstance(child, ast.ClassDef) else ".")
                todo.append((child, inner))
            else:
                todo.append((child, prefix))
    return 1, 1


# --- the clock -----------------------------------------------------------------------------------

_active: Optional["FileClock"] = None
_previous: list = [None]  # the SIGALRM handler before ours (SIG_DFL or SIG_IGN), restored by stop()


def _on_alarm(signum, frame) -> None:  # noqa: ARG001
    clock = _active
    if clock is not None and clock.expired():
        clock.fired = True
        raise CutShort(clock.limit)


class FileClock:
    """The time budget of one file's analysis. ``check()`` between functions; with a signal,
    also in the middle of one."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.deadline = time.monotonic() + limit if limit > 0 else None
        self.fired = False

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def check(self) -> None:
        if self.expired():
            raise CutShort(self.limit)


def _signals_usable() -> bool:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    current = signal.getsignal(signal.SIGALRM)
    return current in (signal.SIG_DFL, signal.SIG_IGN, None, _on_alarm)


def start(options: Mapping[str, Any]) -> FileClock:
    """Start the budget of the next file (called by the engine before its first function)."""
    global _active
    limit = time_limit(options)
    clock = FileClock(limit)
    _active = clock
    if limit > 0 and _signals_usable():
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        if previous is not _on_alarm:
            _previous[0] = previous
        # fire at the deadline, then every half second until the clock is replaced or stopped
        signal.setitimer(signal.ITIMER_REAL, limit, 0.5)
    return clock


def stop() -> None:
    """No file is being analysed: disarm the timer (idempotent)."""
    global _active
    _active = None
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGALRM) is _on_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, _previous[0] if _previous[0] is not None else signal.SIG_DFL)
