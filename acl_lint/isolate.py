"""Run one analysis in a child process, so that a crash, a hang or a memory blow-up of
one file cannot take the run down.

:func:`run_many` runs several such calls, a few at once: the process pool of
:mod:`acl_lint.parallel` on Linux (a fresh child per chunk).

Used for the files the in-process analysis cannot bound (:data:`ISOLATE_BYTES` and up:
libcst's parse cannot be interrupted, and takes time and memory in proportion), and to
redo the chunks of a process pool whose worker died. The child is forked (Linux: it
inherits the texts and the imported engine); the result comes back pickled through a pipe.
Where fork is not available the call runs in-process (no isolation, same results).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection as mp_connection
import os
import signal
import sys
import time
import traceback
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

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
    return run_many([Call(fn, args, timeout)], 1)[0]


class Call(NamedTuple):
    fn: Callable[..., Any]
    args: Tuple
    timeout: Optional[float] = None
    heavy: bool = False  # at most ``max_heavy`` heavy calls run at once
    name: str = CHILD_NAME  # the child's multiprocessing name


def run_many(calls: Sequence[Call], jobs: int, done: Optional[Callable[[int, Tuple[str, Any]], None]] = None,
             max_heavy: int = 1, fork_lock: Any = None) -> List[Tuple[str, Any]]:
    """Each call in its own forked child, at most ``jobs`` at once, started in the order given
    (a heavy one waits while ``max_heavy`` run); outcomes as :func:`run`, in the order of
    ``calls``; ``done(k, outcome)`` as each ends. A child ends with ``os._exit``: what it built
    is never collected nor freed piece by piece. ``fork_lock`` is held while forking (another
    thread, a progress line, must not hold a lock the child would need). Linux (fork) only."""
    ctx = multiprocessing.get_context("fork")
    out: List[Tuple[str, Any]] = [("crash", "not started")] * len(calls)
    waiting = list(range(len(calls)))
    running: Dict[Any, Tuple[int, Any, Optional[float]]] = {}  # pipe -> (k, process, deadline)
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                heavy = sum(calls[k].heavy for k, _, _ in running.values())
                k = next((k for k in waiting if not calls[k].heavy or heavy < max_heavy), None)
                if k is None:
                    break
                waiting.remove(k)
                with fork_lock if fork_lock is not None else contextlib.nullcontext():
                    conn, proc = _start(ctx, calls[k])
                running[conn] = (k, proc, _deadline(calls[k].timeout))
            deadlines = [d for _, _, d in running.values() if d is not None]
            ready = mp_connection.wait(list(running), None if not deadlines else
                                       max(0.0, min(deadlines) - time.monotonic()))
            for conn in list(running):
                k, proc, deadline = running[conn]
                if conn in ready:
                    out[k] = _finish(conn, proc)
                elif deadline is not None and deadline <= time.monotonic():
                    out[k] = ("timeout", calls[k].timeout)
                else:
                    continue
                del running[conn]
                _reap(conn, proc)
                if done is not None:
                    done(k, out[k])
    finally:
        for conn, (_, proc, _) in running.items():
            _reap(conn, proc)
    return out


def _start(ctx, call: Call):
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, call.fn, call.args), daemon=True, name=call.name)
    proc.start()
    child.close()
    return parent, proc


def _deadline(timeout: Optional[float]) -> Optional[float]:
    return time.monotonic() + timeout if timeout else None


def _finish(conn, proc) -> Tuple[str, Any]:
    """The outcome of a child whose pipe is readable: its message, or how it died."""
    try:
        msg = conn.recv()
    except (EOFError, OSError):
        msg = None
    proc.join(5)
    if msg is None:
        return "crash", describe_exit(proc.exitcode)
    return ("ok", msg[1]) if msg[0] == "ok" else ("error", msg[1])


def _reap(conn, proc) -> None:
    conn.close()
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
