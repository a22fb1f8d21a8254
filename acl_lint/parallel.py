"""Analyse files in a process pool, with the same results as one in-process run.

The files to analyse are cut into chunks that keep each folder's files
together (a module's helpers usually live beside it, and each chunk parses
the project modules it needs lazily). Every chunk is analysed by
``engine.analyze_files`` with ``project_files`` = every project file and a
``read`` that returns the text the parent already decoded, so a chunk sees
exactly what a single run sees. Small runs stay in-process: starting a pool
costs about 0.1 s plus the engine's import in each worker.

On Linux the workers are forked after the parent has imported the engine and
stored the texts in :data:`_STATE` (shared copy-on-write, nothing pickled but
the results); elsewhere they are spawned and receive the texts once each.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import sys
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .discovery import module_name
from .findings import FileError, Finding

MIN_FILES = 8  # fewer files than this: in-process
MIN_LINES = 3000  # fewer lines than this: in-process (the break-even measured on 2 cores)
#: chunks per process: the last ones to finish leave a core idle for at most a small chunk's time
#: (on the real-world corpus 6 gave the same CPU seconds as 3, with chunks of 1-3 s instead of 2-4 s)
CHUNKS_PER_JOB = 6
MIN_CHUNK_LINES = 600  # smaller: a fork and a warm start per few hundred lines
#: a chunk's engine lives (trees, states) until the chunk is done: bigger trees get more chunks,
#: not bigger ones, so that a worker's peak memory does not grow with the tree (the cost of more
#: chunks: each parses again the project modules it loads lazily, rare since a folder and the
#: modules it imports stay together, and big files take their neighbours along). 6000: about the
#: chunks of the real-world corpus (95 kLOC) on 2 cores, each process 80-90 MB; --jobs 1 (the same
#: chunks in-process) took 24.4 CPU s with 6000 and 24.6 with 15000
MAX_CHUNK_LINES = 6000

Batch = Tuple[List[Finding], List[FileError], Dict[str, Set[str]]]
Analyse = Callable[[Sequence[Tuple[str, str]], Dict[str, Any], Sequence[str], Callable[[str], Optional[str]]], Batch]

#: what a worker needs: files (path, text), options, project paths, texts by path
_STATE: Dict[str, Any] = {}


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def worth_a_pool(files: Sequence[Tuple[str, str]], jobs: int) -> bool:
    if jobs <= 1 or len(files) < MIN_FILES:
        return False
    lines = 0
    for _, text in files:
        lines += text.count("\n") + 1
        if lines >= MIN_LINES:
            return True
    return False


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b[ \t]*\(?([\w \t,]*)|import[ \t]+([\w.]+))", re.M)


class _Modules:
    """Which project file an import names, as the engine's index resolves it (static/index.py:
    the files whose module name ends with the dotted name; among several, the one beside the
    importer, then the one whose whole name matches), on the text of the import lines only."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.names = [module_name(p) for p in paths]
        self.dirs = [os.path.dirname(p.replace("\\", "/")) for p in paths]
        self.is_pkg = [p.replace("\\", "/").endswith("__init__.py") for p in paths]
        self.by_last: Dict[str, List[int]] = {}
        for i, name in enumerate(self.names):
            self.by_last.setdefault(name.rsplit(".", 1)[-1], []).append(i)

    def lookup(self, name: str, importer: int) -> Optional[int]:
        parts = [p for p in name.split(".") if p]
        if not parts:
            return None
        cands = [c for c in self.by_last.get(parts[-1], ()) if self.names[c].split(".")[-len(parts):] == parts]
        if len(cands) > 1:
            near = [c for c in cands if self.dirs[c] == self.dirs[importer]]
            exact = [c for c in cands if self.names[c] == name]
            cands = near if len(near) == 1 else exact
        return cands[0] if len(cands) == 1 else None

    def targets(self, i: int, text: str):
        """The project files the import lines of file ``i`` name (modules, and `from pkg import mod`)."""
        for m in _IMPORT.finditer(text):
            spec, names, plain = m.groups()
            if plain is not None:
                yield self.lookup(plain, i)
                continue
            rest = spec.lstrip(".")
            full = rest
            if spec.startswith("."):  # relative: from the importer's package, else as if absolute
                base = self.names[i].split(".")
                keep = max(len(base) - (len(spec) - len(rest)) + self.is_pkg[i], 0)
                full = ".".join(base[:keep] + ([rest] if rest else []))
            found = self.lookup(full, i)
            if found is None and rest and full != rest:
                full, found = rest, self.lookup(rest, i)
            yield found
            for n in re.findall(r"\w+", names or ""):  # `from pkg import mod`
                yield self.lookup(f"{full}.{n}" if full else n, i)


def groups(files: Sequence[Tuple[str, str]], context: Sequence[Tuple[str, str]] = ()) -> List[List[int]]:
    """Files that belong together: one folder, and modules that import each other
    (a cheap look at the import lines), so that a chunk rarely parses another chunk's
    modules again to resolve its calls. ``context``: the project's other files, which join
    the files that import them (a helper module two folders share) but are in no group."""
    every = list(files) + list(context)
    parent = list(range(len(every)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    modules = _Modules([p for p, _ in every])
    by_dir: Dict[str, int] = {}
    for i in range(len(files)):  # a folder's analysed files; context files join through imports only
        union(i, by_dir.setdefault(modules.dirs[i], i))
    for i, (_, text) in enumerate(every):
        for target in modules.targets(i, text):
            if target is not None:
                union(i, target)
    comps: Dict[int, List[int]] = {}
    for i in range(len(files)):
        comps.setdefault(find(i), []).append(i)
    return list(comps.values())


def with_companions(big: Sequence[Tuple[str, str]], small: Sequence[Tuple[str, str]]
                    ) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """(big files and the small files of their groups, the other small files): a small file beside
    a big one, or importing it, is analysed with it, so that the big module is parsed once (a
    chunk resolving a call into it would parse it again, and hold its tree too)."""
    if not big:
        return list(big), list(small)
    files = list(big) + list(small)
    joined: Set[int] = set()
    for members in groups(files):
        if any(i < len(big) for i in members):
            joined.update(i for i in members if i >= len(big))
    return list(big) + [files[i] for i in sorted(joined)], [f for i, f in enumerate(files) if i >= len(big)
                                                           and i not in joined]


def plan_chunks(files: Sequence[Tuple[str, str]], jobs: int, target: Optional[int] = None,
                context: Sequence[Tuple[str, str]] = ()) -> List[List[int]]:
    """Indices of ``files`` in chunks of at most ``target`` lines (by default enough chunks for
    ``jobs`` processes): the groups of :func:`groups` (a folder, the modules it imports, directly
    or through ``context`` files), largest first, each into the fullest chunk it fits in (a
    group bigger than a chunk is cut in pieces, in the files' order), so that few modules are
    parsed again by a second chunk and the chunks are about equal."""
    sizes = [text.count("\n") + 1 for _, text in files]
    total = sum(sizes)
    if target is None:
        target = min(MAX_CHUNK_LINES, max(MIN_CHUNK_LINES, total // max(1, jobs * CHUNKS_PER_JOB) + 1))
    pieces: List[List[int]] = []
    for members in groups(files, context):
        piece: List[int] = []
        size = 0
        for i in members:  # an oversized group is split
            if piece and size + sizes[i] > target:
                pieces.append(piece)
                piece, size = [], 0
            piece.append(i)
            size += sizes[i]
        pieces.append(piece)
    pieces.sort(key=lambda p: (-sum(sizes[i] for i in p), p[0]))
    chunks: List[List[int]] = []
    room: List[Tuple[int, int]] = []  # (lines left, chunk number); best fit: the least room that fits
    for piece in pieces:
        size = sum(sizes[i] for i in piece)
        fits = sorted(r for r in room if r[0] >= size)
        if fits:
            left, k = fits[0]
            room.remove(fits[0])
            chunks[k].extend(piece)
        else:
            left, k = target, len(chunks)
            chunks.append(list(piece))
        if left - size > 0:
            room.append((left - size, k))
    for chunk in chunks:
        chunk.sort()
    return chunks


def context_of(files: Sequence[Tuple[str, str]], texts: Mapping[str, str]) -> List[Tuple[str, str]]:
    """The project's files that are not among ``files`` (for :func:`groups`)."""
    mine = {p for p, _ in files}
    return [(p, t) for p, t in texts.items() if p not in mine]


def _init_worker(state: Dict[str, Any]) -> None:  # spawn only
    _STATE.update(state)


def _reader() -> Callable[[str], Optional[str]]:
    """The run's ``project_texts.ProjectReader`` (made before forking; in a spawned worker, on first use)."""
    read = _STATE.get("read")
    if read is None:
        from .project_texts import guarded_reader

        read = _STATE["read"] = guarded_reader(_STATE["texts"])
    return read


def _work(indices: List[int]) -> Batch:
    _collect_between_chunks()
    files = [_STATE["files"][i] for i in indices]
    analyse: Analyse = _STATE["analyse"]
    if not _STATE.get("timings"):
        return analyse(files, dict(_STATE["options"]), _STATE["project"], _reader())
    return _timed_work(analyse, files)


def _work_big(indices: List[int]) -> Batch:
    """Big files (in a child of their own, which ends after them): one engine for those that
    import each other, so that a big module is parsed once, not once per importer."""
    files = [_STATE["files"][i] for i in indices]
    return _STATE["isolated"](files, dict(_STATE["options"]), _STATE["project"], _reader())


def _timed_work(analyse: Analyse, files: List[Tuple[str, str]]):
    return timed_batch(analyse, files, dict(_STATE["options"]), _STATE["project"], _reader())


def timed_batch(analyse: Analyse, files: Sequence[Tuple[str, str]], options: Dict[str, Any],
                project: Sequence[str], read: Callable[[str], Optional[str]]) -> Tuple:
    """--timings: the batch, plus each file's times (acl_lint.timings) and the batch's wall and CPU."""
    from .timings import recording

    with recording() as rec:
        batch = analyse(files, options, project, read)
    return tuple(batch) + ((rec.files, rec.wall, rec.cpu),)


def isolated_batch(analyse: Analyse, gc_threshold: Tuple[int, int, int], timed: bool,
                   files: Sequence[Tuple[str, str]], options: Dict[str, Any], project: Sequence[str],
                   read: Callable[[str], Optional[str]]) -> Tuple:
    """``analyse`` for big files in a child process of their own (which ends after it, so the
    raised gc thresholds need no restoring); ``timed``: with its --timings times (4th)."""
    from . import isolate

    if multiprocessing.current_process().name == isolate.CHILD_NAME:
        gc.set_threshold(*gc_threshold)
    if not timed:
        return analyse(files, options, project, read)
    return timed_batch(analyse, files, options, project, read)


def warm_up(options: Mapping[str, Any]) -> None:
    """What every engine loads first (the protocol, the fix tables), loaded once before forking
    instead of once per child."""
    from .fixes.table import fixable_codes
    from .static import engine

    engine.Engine(options)
    fixable_codes()


def _collect_between_chunks() -> None:
    """A pool worker (where chunks are not forked one by one) collects young objects rarely (the
    raised thresholds) and, before each chunk after its first, the previous chunk's engine: trees
    and states held in reference cycles, which the raised thresholds never reach."""
    if _STATE.get("worked"):
        gc.collect()
    else:
        _STATE["worked"] = True
        gc.set_threshold(*_STATE["gc_threshold"])


def freeze_inherited() -> bool:
    """Before forking (or analysing chunk by chunk): what exists now (imports, texts) goes to the
    permanent generation, never walked by a collection (see :func:`_collect_between_chunks`);
    the caller undoes it with ``gc.unfreeze()`` when this returns True."""
    if gc.get_freeze_count():
        return False  # someone else froze: leave it to them
    gc.freeze()
    return True


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def analyse_isolated(files: Sequence[Tuple[str, str]], options: Mapping[str, Any], project: Sequence[str],
                     texts: Mapping[str, str], analyse: Analyse) -> Batch:
    """``analyse`` in a child process; when the child dies, file by file, so that only the
    file that kills it is lost (reported as an internal error naming how it died), or that
    runs out of time (ACL003)."""
    from . import isolate
    from .project_texts import guarded_reader

    args = (list(files), dict(options), list(project), guarded_reader(texts))
    status, value = isolate.run(analyse, args, _timeout(options, len(files)))
    return _outcome(status, value, files, options, project, texts, analyse)


def _timeout(options: Mapping[str, Any], n_files: int) -> Optional[float]:
    from .budget import time_limit

    limit = time_limit(options)
    return limit * n_files if limit else None  # the parse included


def _outcome(status: str, value: Any, files: Sequence[Tuple[str, str]], options: Mapping[str, Any],
             project: Sequence[str], texts: Mapping[str, str], analyse: Analyse) -> Batch:
    """The batch of a child's outcome (see :func:`analyse_isolated`)."""
    from .budget import incomplete_whole_file, time_limit

    if status == "ok":
        return value
    if len(files) > 1:
        findings: List[Finding] = []
        errors: List[FileError] = []
        deps: Dict[str, Set[str]] = {}
        for item in files:
            f, e, d = analyse_isolated([item], options, project, texts, analyse)[:3]
            findings += f
            errors += e
            deps.update(d)
        return findings, errors, deps
    path = files[0][0]
    if status == "timeout":
        return [], [incomplete_whole_file(path, time_limit(options))], {}
    why = f"the analysis process {value}" if status == "crash" else str(value)
    return [], [FileError(path, f"internal error: {why} while analysing this file; it was not checked")], {}


def analyse_in_pool(
    files: Sequence[Tuple[str, str]],
    options: Mapping[str, Any],
    project: Sequence[str],
    texts: Mapping[str, str],
    analyse: Analyse,
    jobs: int,
    progress: Optional[Callable[[int, int], None]] = None,
    fork_lock: Optional[Any] = None,
    gc_threshold: Tuple[int, int, int] = (700, 10, 10),
    timings: Any = None,
    isolated: Sequence[Tuple[str, str]] = (),
    isolated_analyse: Optional[Analyse] = None,
    chunks: Optional[List[List[int]]] = None,
) -> Batch:
    """Run ``analyse`` over chunks of ``files`` in ``jobs`` processes; merge as one run would.
    ``timings``: a --timings report (``add_batch(times, wall, cpu)``) that each chunk's times go to.
    ``isolated``: big files for ``isolated_analyse`` in children with the time limit (Linux),
    started first, beside the chunks, at most ``jobs - 1`` at once (their memory). ``chunks``: the
    plan (:func:`plan_chunks`) when the caller made it already."""
    chunks = list(chunks) if chunks is not None else plan_chunks(files, jobs, context=context_of(files, texts))
    n_small = len(chunks)
    chunks += [[len(files) + i for i in group] for group in groups(isolated)]
    files = list(files) + list(isolated)
    opts = {k: v for k, v in options.items() if k != "progress" and not callable(v)}
    state = {"files": files, "options": opts, "project": list(project), "texts": dict(texts),
             "analyse": analyse, "gc_threshold": gc_threshold, "timings": timings is not None,
             "isolated": isolated_analyse or analyse}
    # the big files, then the biggest chunks first: the pool finishes together
    order = list(range(n_small, len(chunks))) + sorted(
        range(n_small), key=lambda k: -sum(files[i][1].count("\n") for i in chunks[k]))
    counted = _Counted(progress, len(files))
    _STATE.clear()
    _STATE.update(state)
    forked = _context().get_start_method() == "fork"
    if forked:  # the call graph's word index of every project file: once here, not once per chunk
        from .project_texts import guarded_reader

        _STATE["read"] = guarded_reader(state["texts"])
        _STATE["read"].words.fill()
    frozen = forked and freeze_inherited()
    try:
        if forked:
            results = _forked(chunks, order, n_small, jobs, counted, fork_lock)
        else:
            results = _pooled(chunks, order, jobs, state, counted)
        for k, outcome in results.items():
            chunk = [files[i] for i in chunks[k]]
            if outcome[0] != "ok" and k < n_small:  # a worker died: its chunk again, isolated
                results[k] = ("ok", analyse_isolated(chunk, opts, project, texts, analyse))
            elif outcome[0] != "ok":  # big files, isolated already: one by one, then named
                results[k] = ("ok", _outcome(*outcome, chunk, opts, project, texts, state["isolated"]))
    finally:
        _STATE.clear()
        if frozen:
            gc.unfreeze()
    findings: List[Finding] = []
    errors: List[FileError] = []
    deps: Dict[str, Set[str]] = {}
    for k in range(len(chunks)):
        batch = results[k][1]
        if timings is not None and len(batch) > 3:
            timings.add_batch(*batch[3])
        findings.extend(batch[0])
        errors.extend(batch[1])
        deps.update(batch[2])
    return findings, errors, deps


class _Counted:
    """The progress callback, counting the files of the chunks done."""

    def __init__(self, progress: Optional[Callable[[int, int], None]], total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, n_files: int) -> None:
        self.done += n_files
        if self.progress is not None:
            self.progress(self.done, self.total)


WORKER_NAME = "acl-lint-worker"


def _forked(chunks: List[List[int]], order: List[int], n_small: int, jobs: int, counted: _Counted,
            fork_lock: Any) -> Dict[int, Tuple[str, Any]]:
    """Linux: every chunk in a child forked for it (the parent's imports and texts shared, no
    collection between chunks, nothing freed piece by piece: the child just ends)."""
    from . import isolate

    opts = _STATE["options"]
    calls = [isolate.Call(_work, (chunks[k],), name=WORKER_NAME) if k < n_small else
             isolate.Call(_work_big, (chunks[k],), _timeout(opts, len(chunks[k])), heavy=True)
             for k in order]
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a multi-threaded process: the only other thread is
        # the progress line's, and it is parked on ``fork_lock`` while a child is forked
        warnings.simplefilter("ignore", DeprecationWarning)
        outcomes = isolate.run_many(calls, jobs, lambda j, _out: counted(len(chunks[order[j]])),
                                    max_heavy=max(1, jobs - 1), fork_lock=fork_lock)
    return {k: outcomes[j] for j, k in enumerate(order)}


def _pooled(chunks: List[List[int]], order: List[int], jobs: int, state: Dict[str, Any], counted: _Counted
            ) -> Dict[int, Tuple[str, Any]]:
    """Elsewhere (spawn): a process pool whose workers receive the texts once each."""
    ctx = _context()
    results: Dict[int, Tuple[str, Any]] = {}
    workers = max(1, min(jobs, len(chunks)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(state,)) as pool:
        futures: Dict[Future, int] = {pool.submit(_work, chunks[k]): k for k in order}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                k = futures[fut]
                try:
                    results[k] = ("ok", fut.result())
                except Exception as exc:  # noqa: BLE001 - a dead worker: redone in isolation
                    results[k] = ("error", str(exc))
                counted(len(chunks[k]))
    return results
