"""``--timings``: how long each file took to analyse, and (when the engine reports it) which function.

While a :func:`recording` is active, the engine's two per-file steps are timed
where they run: ``Engine.add_file`` (the parse and index of one file) and
``Engine.analyse_module`` (the analysis of all its functions, including the
helper modules it loads and the helper summaries it computes first). Nothing
is wrapped when timings are off, so a plain run pays nothing.

Function times come from the engine itself: when it keeps
``engine.function_seconds[(path, qualname)] = seconds`` (the time of each
``analyse_unit`` call), they are taken with the file's and shown as its
slowest function. Times travel with a batch's result (from pool workers too)
as a plain dict ``{path: [wall, cpu, parse_wall, {qualname: seconds}]}``, and
the cache keeps a file's last wall time so that a cached file shows as
"cached" with the time it took when it was analysed.

Work done for a file's sake but not in it is charged where it belongs, through
:func:`aside`: the parse of a project module loaded lazily (because a function of
the file being analysed calls into it) is that module's parse time, its row
marked "parsed N× for other files"; one-time work of a process (reading the
project's call index, the first use of rule tables) is its own "start-up" line
(kept in the times under :data:`STARTUP`). Both are subtracted from the file and
the function that triggered them.

What is not per file (relinking classes, the ownership pass, the pool's
start) is reported as one remainder line.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

DEFAULT_TOP = 10

#: path -> [wall s, cpu s, parse wall s, {function qualname: wall s}, lazy loads, wall s of those]
Times = Dict[str, List[Any]]
#: the pseudo-path under which a process's one-time start-up work is kept in :data:`Times`
STARTUP = "<start-up>"


class Recorder:
    """Times of the files analysed in one process while recording."""

    def __init__(self) -> None:
        self.files: Times = {}
        self.wall = 0.0  # the whole recorded batch (per-file steps and the project-wide passes)
        self.cpu = 0.0
        self.aside_wall = 0.0  # charged elsewhere (lazy parses, start-up) so far: not the running file's
        self.aside_cpu = 0.0
        self._inner: List[List[float]] = []  # per open aside block: the time of the blocks inside it

    def add(self, path: str, wall: float, cpu: float, parse: float = 0.0,
            functions: Optional[Mapping[str, float]] = None, loads: int = 0) -> None:
        entry = _entry(self.files, path)
        entry[0] += wall
        entry[1] += cpu
        entry[2] += parse
        for name, secs in (functions or {}).items():
            entry[3][name] = entry[3].get(name, 0.0) + secs
        entry[4] += loads
        entry[5] += wall if loads else 0.0


def _entry(times: Times, path: str) -> List[Any]:
    entry = times.setdefault(path, [0.0, 0.0, 0.0, {}, 0, 0.0])
    if len(entry) < 6:  # from an older shape (a cache, another version's worker)
        entry.extend([0, 0.0][len(entry) - 4:])
    return entry


_active: Optional[Recorder] = None


@contextmanager
def aside(path: Optional[str] = None) -> Iterator[None]:
    """Charge the work inside to ``path``'s parse (a module loaded lazily for another file's
    sake) or, without a path, to the process's start-up; never to the file being analysed.
    A block inside another is charged to its own target and not to the outer one's."""
    rec = _active
    if rec is None:
        yield
        return
    rec._inner.append([0.0, 0.0])
    w0, c0 = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        gross_wall, gross_cpu = time.perf_counter() - w0, time.process_time() - c0
        inner_wall, inner_cpu = rec._inner.pop()
        wall, cpu = gross_wall - inner_wall, gross_cpu - inner_cpu
        if rec._inner:
            rec._inner[-1][0] += gross_wall
            rec._inner[-1][1] += gross_cpu
        rec.aside_wall += wall
        rec.aside_cpu += cpu
        if path is None:
            rec.add(STARTUP, wall, cpu)
        else:
            rec.add(path, wall, cpu, parse=wall, loads=1)


def aside_seconds() -> float:
    """Wall seconds charged elsewhere so far in this process (0 when not recording): the engine
    subtracts what a function's analysis spent on them from the function's own time."""
    return _active.aside_wall if _active is not None else 0.0


def _timed(method, parse: bool):
    """``method`` (add_file or analyse_module) timed into the active recorder."""

    def wrapper(self, first, *args, **kwargs):
        rec = _active
        if rec is None:
            return method(self, first, *args, **kwargs)
        path = first if parse else getattr(first, "path", "?")
        w0, c0 = time.perf_counter(), time.process_time()
        aw, ac = rec.aside_wall, rec.aside_cpu
        try:
            return method(self, first, *args, **kwargs)
        finally:
            wall = time.perf_counter() - w0 - (rec.aside_wall - aw)
            cpu = time.process_time() - c0 - (rec.aside_cpu - ac)
            if parse:
                rec.add(path, wall, cpu, parse=wall)
            else:
                rec.add(path, wall, cpu, functions=_function_seconds(self, path))

    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    return wrapper


def _function_seconds(engine: Any, path: str) -> Dict[str, float]:
    """The engine's own per-function times for ``path`` (empty when it keeps none)."""
    table = getattr(engine, "function_seconds", None)
    if not isinstance(table, dict):
        return {}
    return {name: secs for (p, name), secs in list(table.items()) if p == path}


@contextmanager
def recording(enabled: bool = True) -> Iterator[Optional[Recorder]]:
    """Time the engine's per-file steps in this process (yields None when not enabled)."""
    global _active
    if not enabled:
        yield None
        return
    from .static import engine

    cls = engine.Engine
    saved = {name: cls.__dict__.get(name) for name in ("add_file", "analyse_module")}
    rec = Recorder()
    previous, _active = _active, rec
    for name, original in saved.items():
        if original is not None:
            setattr(cls, name, _timed(original, parse=name == "add_file"))
    w0, c0 = time.perf_counter(), time.process_time()
    try:
        yield rec
    finally:
        rec.wall, rec.cpu = time.perf_counter() - w0, time.process_time() - c0
        for name, original in saved.items():
            if original is not None:
                setattr(cls, name, original)
        _active = previous


def merge(into: Times, more: Optional[Mapping[str, List[Any]]]) -> None:
    for path, times in (more or {}).items():
        entry = _entry(into, path)
        for i, value in enumerate(times):
            if i == 3:
                for name, secs in value.items():
                    entry[3][name] = entry[3].get(name, 0.0) + secs
            else:
                entry[i] += value


class Report:
    """What ``--timings`` shows: filled by :func:`acl_lint.lint.lint_paths` (through its ``stats``)."""

    def __init__(self, top: int = DEFAULT_TOP) -> None:
        self.top = top
        self.files: Times = {}
        self.cached: Dict[str, Optional[float]] = {}  # path -> wall s when last analysed (None: unknown)
        self.batch_wall = 0.0  # summed over the processes that analysed
        self.batch_cpu = 0.0

    def add_batch(self, times: Optional[Mapping[str, List[Any]]], wall: float = 0.0, cpu: float = 0.0) -> None:
        merge(self.files, times)
        self.batch_wall += wall
        self.batch_cpu += cpu

    def analysed(self) -> Dict[str, List[Any]]:
        """The files analysed (not those only parsed for other files' calls, nor start-up)."""
        return {p: t for p, t in self.files.items() if p != STARTUP and t[0] > t[5]}

    def file_seconds(self) -> Dict[str, float]:
        """Each analysed file's own wall time (without its parses for other files), for the cache."""
        return {p: t[0] - t[5] for p, t in self.analysed().items()}

    def slowest(self) -> List[Tuple[str, Optional[List[Any]], Optional[float]]]:
        """(path, times or None when cached, last wall time of a cached file), slowest first."""
        rows: List[Tuple[float, str, Optional[List[Any]], Optional[float]]] = [
            (t[0], p, t, None) for p, t in self.files.items() if p != STARTUP]
        rows += [(s or 0.0, p, None, s) for p, s in self.cached.items() if p not in self.files]
        rows.sort(key=lambda r: (-r[0], r[1]))
        return [(p, t, s) for _, p, t, s in rows[: self.top]]

    def render(self) -> str:
        rows = self.slowest()
        n = len(self.analysed())
        head = (f"Slowest files (of {n} analysed" + (f", {len(self.cached)} cached" if self.cached else "")
                + "): seconds of parse + analysis, each in the process that analysed it")
        if not rows:
            return head + "\n  (no file was analysed)\n"
        with_fn = any(t is not None and t[3] for _, t, _ in rows)
        table: List[List[str]] = [["wall s", "CPU s", "parse s", "file"] + (["slowest function (wall s)"] if with_fn
                                                                           else [])]
        for path, t, last in rows:
            if t is None:
                when = f" (took {last:.2f} s when last analysed)" if last is not None else ""
                table.append(["cached", "", "", path + when] + ([""] if with_fn else []))
                continue
            cells = [f"{t[0]:.2f}", f"{t[1]:.2f}", f"{t[2]:.2f}", path + _loaded_note(t)]
            if with_fn:
                cells.append(_slowest_function(t[3]))
            table.append(cells)
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
        lines = [head]
        for r in table:
            cells = [c.rjust(w) if i < 3 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
            lines.append("  " + "  ".join(cells).rstrip())
        start = self.files.get(STARTUP)
        if start is not None:
            lines.append(f"  start-up (once per process: the rule tables; per run: the project's call index): "
                         f"{start[0]:.2f} s wall, {start[1]:.2f} s CPU")
        per_file = sum(t[0] for t in self.files.values())
        if self.batch_wall > per_file + 0.005:
            cpu = max(0.0, self.batch_cpu - sum(t[1] for t in self.files.values()))
            lines.append(f"  not per file (relinking classes, the ownership pass, fixes): "
                         f"{self.batch_wall - per_file:.2f} s wall, {cpu:.2f} s CPU")
        if self.cached and not self.files:
            lines.append("  every file came from the cache: --no-cache analyses (and times) them again")
        return "\n".join(lines) + "\n"


def _loaded_note(t: List[Any]) -> str:
    """A file parsed for other files' calls: how often, and whether it was analysed too."""
    if not t[4]:
        return ""
    times = "once" if t[4] == 1 else f"{t[4]}x"
    if t[0] <= t[5]:
        return f" (not analysed: parsed {times} for other files' calls)"
    return f" (incl. {t[5]:.2f} s parsed {times} for other files' calls)"


def _slowest_function(functions: Mapping[str, float]) -> str:
    if not functions:
        return ""
    name, secs = max(functions.items(), key=lambda kv: (kv[1], kv[0]))
    return f"{name} ({secs:.2f})"
