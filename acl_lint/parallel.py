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
import threading
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .discovery import module_name
from .findings import FileError, Finding

MIN_FILES = 8  # fewer files than this: in-process
MIN_LINES = 3000  # fewer lines than this: in-process (the break-even measured on 2 cores)
CHUNKS_PER_JOB = 3
MIN_CHUNK_LINES = 400
#: a chunk's engine lives (trees, states) until the chunk is done: bigger trees get more chunks,
#: not bigger ones, so that a worker's peak memory does not grow with the tree. Not smaller:
#: each chunk re-parses the project modules it loads lazily (on the real-world corpus 6 000
#: lines cost 5 % more CPU than the ~15 000-line chunks that 91 kLOC on 2 cores gets anyway)
MAX_CHUNK_LINES = 15000

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


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b|import[ \t]+([\w.]+))", re.M)


def _groups(files: Sequence[Tuple[str, str]]) -> List[List[int]]:
    """Files that belong together: one folder, and modules that import each other
    (a cheap look at the import lines), so that a chunk rarely parses another chunk's
    modules again to resolve its calls."""
    parent = list(range(len(files)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_dir: Dict[str, int] = {}
    by_last: Dict[str, List[int]] = {}
    dirs = []
    for i, (path, _) in enumerate(files):
        d = os.path.dirname(path.replace("\\", "/"))
        dirs.append(d)
        if d in by_dir:
            union(i, by_dir[d])
        else:
            by_dir[d] = i
        name = module_name(path)
        by_last.setdefault(name.rsplit(".", 1)[-1], []).append(i)
    for i, (path, text) in enumerate(files):
        for m in _IMPORT.finditer(text):
            spec = m.group(1) if m.group(1) is not None else m.group(2)
            last = spec.strip(".").rsplit(".", 1)[-1]
            cands = by_last.get(last, ())
            if len(cands) == 1:
                union(i, cands[0])
            elif cands:  # several: the one beside the importer, as the engine resolves it
                near = [c for c in cands if dirs[c] == dirs[i]]
                if len(near) == 1:
                    union(i, near[0])
    comps: Dict[int, List[int]] = {}
    for i in range(len(files)):
        comps.setdefault(find(i), []).append(i)
    return list(comps.values())


def plan_chunks(files: Sequence[Tuple[str, str]], jobs: int, target: Optional[int] = None) -> List[List[int]]:
    """Indices of ``files`` in chunks of about equal line counts (``target`` lines, by default
    enough chunks for ``jobs`` processes); files that belong together (a folder, modules that
    import each other) stay together unless the group alone is bigger than a chunk."""
    sizes = [text.count("\n") + 1 for _, text in files]
    total = sum(sizes)
    if target is None:
        target = min(MAX_CHUNK_LINES, max(MIN_CHUNK_LINES, total // max(1, jobs * CHUNKS_PER_JOB) + 1))
    chunks: List[List[int]] = []
    current: List[int] = []
    size = 0
    for members in _groups(files):
        group_size = sum(sizes[i] for i in members)
        if current and size + group_size > target:
            chunks.append(current)
            current, size = [], 0
        for i in members:
            if current and size + sizes[i] > target and group_size > target:
                chunks.append(current)  # an oversized group is split
                current, size = [], 0
            current.append(i)
            size += sizes[i]
    if current:
        chunks.append(current)
    return chunks


def _init_worker(state: Dict[str, Any]) -> None:  # spawn only
    _STATE.update(state)


def _read(path: str) -> Optional[str]:
    read = _STATE.get("read")
    if read is None:
        from .lint import guarded_reader

        read = _STATE["read"] = guarded_reader(_STATE["texts"])
    return read(path)


def _work(indices: List[int]) -> Batch:
    _collect_between_chunks()
    files = [_STATE["files"][i] for i in indices]
    analyse: Analyse = _STATE["analyse"]
    if not _STATE.get("timings"):
        return analyse(files, dict(_STATE["options"]), _STATE["project"], _read)
    return _timed_work(analyse, files)


def _timed_work(analyse: Analyse, files: List[Tuple[str, str]]):
    """--timings: the batch, plus each file's times (acl_lint.timings) and the batch's wall and CPU."""
    from .timings import recording

    with recording() as rec:
        batch = analyse(files, dict(_STATE["options"]), _STATE["project"], _read)
    return tuple(batch) + ((rec.files, rec.wall, rec.cpu),)


def _collect_between_chunks() -> None:
    """A worker collects young objects rarely (the raised thresholds) and, before each chunk
    after its first, the previous chunk's engine: trees and states held in reference cycles,
    which the raised thresholds never reach. The parent froze what the workers inherit (imports,
    texts) before forking, so this walks only what the worker made: no copy-on-write of the
    parent's pages, and no walk over millions of objects that stay alive anyway."""
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
    from .budget import incomplete_whole_file, time_limit
    from .lint import guarded_reader

    limit = time_limit(options)
    timeout = limit * len(files) if limit else None  # the parse included
    status, value = isolate.run(analyse, (list(files), dict(options), list(project), guarded_reader(texts)), timeout)
    if status == "ok":
        return value
    if len(files) > 1:
        findings: List[Finding] = []
        errors: List[FileError] = []
        deps: Dict[str, Set[str]] = {}
        for item in files:
            f, e, d = analyse_isolated([item], options, project, texts, analyse)
            findings += f
            errors += e
            deps.update(d)
        return findings, errors, deps
    path = files[0][0]
    if status == "timeout":
        return [], [incomplete_whole_file(path, limit)], {}
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
) -> Batch:
    """Run ``analyse`` over chunks of ``files`` in ``jobs`` processes; merge as one run would.
    ``timings``: a --timings report (``add_batch(times, wall, cpu)``) that each chunk's times go to."""
    chunks = plan_chunks(files, jobs)
    opts = {k: v for k, v in options.items() if k != "progress" and not callable(v)}
    state = {"files": list(files), "options": opts, "project": list(project), "texts": dict(texts),
             "analyse": analyse, "gc_threshold": gc_threshold, "timings": timings is not None}
    ctx = _context()
    results: Dict[int, Batch] = {}
    done_files = 0
    total = len(files)
    workers = max(1, min(jobs, len(chunks)))
    lock = fork_lock if fork_lock is not None else threading.Lock()
    _STATE.clear()
    _STATE.update(state)
    frozen = ctx.get_start_method() == "fork" and freeze_inherited()
    try:
        if ctx.get_start_method() == "fork":
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)  # forks at the first submit
        else:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                       initargs=(state,))
        failed: List[int] = []
        with pool:
            # biggest chunks first: the pool finishes together
            order = sorted(range(len(chunks)), key=lambda k: -sum(files[i][1].count("\n") for i in chunks[k]))
            with lock, warnings.catch_warnings():
                # Python 3.12+ warns about forking a multi-threaded process: the only other
                # thread is the progress line's, and it is parked on ``lock``
                warnings.simplefilter("ignore", DeprecationWarning)
                futures: Dict[Future, int] = {pool.submit(_work, chunks[k]): k for k in order}
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    k = futures[fut]
                    try:
                        results[k] = fut.result()
                    except Exception:  # noqa: BLE001 - a dead worker: redo that chunk here
                        failed.append(k)
                    done_files += len(chunks[k])
                    if progress is not None:
                        progress(done_files, total)
        for k in failed:  # a worker died: redo its chunk (and the ones lost with it) in isolation
            results[k] = analyse_isolated([files[i] for i in chunks[k]], opts, project, texts, analyse)
    finally:
        _STATE.clear()
        if frozen:
            gc.unfreeze()
    findings: List[Finding] = []
    errors: List[FileError] = []
    deps: Dict[str, Set[str]] = {}
    for k in range(len(chunks)):
        f, e, d = results[k][:3]
        if timings is not None and len(results[k]) > 3:
            timings.add_batch(*results[k][3])
        findings.extend(f)
        errors.extend(e)
        deps.update(d)
    return findings, errors, deps
