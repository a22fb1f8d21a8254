"""Run one analysis in a child process, so that a crash, a hang or a memory blow-up of
one file cannot take the run down.

Used for the files the in-process analysis cannot bound (:data:`ISOLATE_BYTES` and up:
libcst's parse cannot be interrupted, and takes time and memory in proportion), and to
redo the chunks of a process pool whose worker died. The child is forked (Linux: it
inherits the texts and the imported engine); the result comes back pickled through a pipe.
Where fork is not available the call runs in-process (no isolation, same results).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from typing import Any, Callable, Optional, Tuple

#: files at least this big are analysed in a child process with a hard time limit
ISOLATE_BYTES = 256 * 1024
CHILD_NAME = "acl-lint-isolated"  # multiprocessing.current_process().name in the child


def available() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _child(conn, fn: Callable[..., Any], args: Tuple) -> None:
    try:
        result = ("ok", fn(*args))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        result = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=3))
    try:
        conn.send(result)
    finally:
        conn.close()
        os._exit(0)


def run(fn: Callable[..., Any], args: Tuple, timeout: Optional[float]) -> Tuple[str, Any]:
    """``fn(*args)`` in a forked child: ("ok", result), ("error", text) for an exception,
    ("crash", why) for a child that died (a signal, out of memory), ("timeout", seconds)."""
    if not available():
        try:
            return "ok", fn(*args)
        except Exception as exc:  # noqa: BLE001
            return "error", f"{type(exc).__name__}: {exc}"
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True, name=CHILD_NAME)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                msg = parent.recv()
            except (EOFError, OSError):
                msg = None
            if msg is not None:
                proc.join(5)
                return ("ok", msg[1]) if msg[0] == "ok" else ("error", msg[1])
        else:
            proc.kill()
            proc.join()
            return "timeout", timeout
        proc.join(5)
        return "crash", describe_exit(proc.exitcode)
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
            proc.join()


def describe_exit(code: Optional[int]) -> str:
    """"killed by SIGSEGV (a crash in native code)" for a child's exit code."""
    if code is None:
        return "did not exit"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = {"SIGSEGV": " (a crash in native code, e.g. the parser)",
                "SIGKILL": " (killed, often for running out of memory)"}.get(name, "")
        return f"killed by {name}{hint}"
    return f"exited with status {code}"
