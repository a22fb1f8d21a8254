"""One lint run: discovery -> sources -> (cache) -> engine -> selection -> suppressions -> baseline.

Nothing raised while analysing escapes: an engine crash becomes a FileError
(exit code 2) for the file that caused it, and the other files are still
reported.

Doing less: only files that name ``acl`` are analysed (the engine's own
prefilter, applied here so that the others are not even handed over; they
stay loadable for calls that resolve into them, and hold no finding but an
unused suppression, which needs no parse); with a cache
(:mod:`acl_lint.cache`) only files whose text or dependencies changed are
analysed, and a fully cached run never imports the parser; the files to
analyse go to a process pool (:mod:`acl_lint.parallel`) when there are
enough of them. Each of these gives the findings of one plain in-process
``engine.analyze_files`` call on every file.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .budget import stop as budget_stop
from .budget import CutShort, cuts_as_findings, incomplete
from .config import Settings
from .discovery import discover
from .findings import FileError, Finding, RunResult, registry
from .project_texts import guard_files, guarded_reader
from .sources import SourceError, mentions_acl, open_regular, parse_error_finding, read_source
from .suppress import apply_suppressions

Progress = Callable[[int, int], None]


def _internal(exc: BaseException) -> str:
    """One line naming the exception and where it happened."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {last.filename.replace(chr(92), '/').split('/acl_lint/')[-1]}:{last.lineno})"
    return f"internal error: {type(exc).__name__}: {exc}{where}"


def _with_fixes(findings: Sequence[Finding], files: Sequence[Tuple[str, str]]) -> List[Finding]:
    """The engine's findings with their mechanical fixes (acl_lint.fixes), computed where
    the findings are made (in the worker of a pool) so that the cache keeps them too."""
    from .fixes import attach_fixes

    return attach_fixes(findings, dict(files))


def _failure(path: str, exc: BaseException) -> FileError:
    """The error for a file whose analysis failed as a whole: cut short (ACL003) or a crash."""
    if isinstance(exc, (CutShort, RecursionError)):
        return incomplete(path, "<module>", exc)
    return FileError(path, _internal(exc))


def _analyze(files: List[Tuple[str, str]], options: Dict) -> Tuple[List[Finding], List[FileError]]:
    """Run the engine on all files at once; on a crash, file by file to isolate it."""
    from .static import engine

    try:
        findings, errors = engine.analyze_files(files, options)
        return _with_fixes(findings, files), list(errors)
    except Exception as exc:  # noqa: BLE001 - isolate the file that crashed
        if len(files) == 1:
            return [], [FileError(files[0][0], _internal(exc))]
    findings, errors = [], []
    for item in files:
        try:
            f, e = engine.analyze_files([item], options)
            findings.extend(_with_fixes(f, [item]))
            errors.extend(e)
        except Exception as exc:  # noqa: BLE001
            errors.append(FileError(item[0], _internal(exc)))
    return findings, errors


#: gc thresholds while the engine runs (instead of the default (700, 10, 10))
GC_THRESHOLD = (100_000, 50, 100)
_process_ends_after_run = False


def process_ends_after_run() -> None:
    """Called by the command line when it owns the process: the engine's garbage
    (millions of objects in reference cycles) is then left to the exit instead of
    being collected after the analysis (seconds on a big tree)."""
    global _process_ends_after_run
    _process_ends_after_run = True


@contextmanager
def _gc_for_analysis():
    """Fewer garbage collections while the engine runs.

    The engine builds millions of long-lived objects (syntax trees, states);
    with the default thresholds the collector keeps walking them, about a
    tenth of the run, and collecting the garbage they leave costs about as
    much again. Young objects are collected every 100 000 allocations instead
    (the same peak memory on the pyACL-heavy benchmark tree); the thresholds
    are restored afterwards unless the process ends after this run.
    """
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        if not _process_ends_after_run:
            gc.set_threshold(*old)


def _analyze_batch(
    files: Sequence[Tuple[str, str]], options: Dict, project: Sequence[str], read: Callable[[str], Optional[str]]
) -> Tuple[List[Finding], List[FileError], Dict[str, Set[str]]]:
    """Like _analyze, for a subset of the project: calls resolve lazily into ``project``
    (texts from ``read``); also returns each file's dependencies."""
    from .static import engine

    deps: Dict[str, Set[str]] = {}
    try:
        findings, errors = engine.analyze_files(files, options, project_files=project, read=read, deps_out=deps)
        return _with_fixes(findings, files), list(errors), deps
    except (Exception, CutShort) as exc:  # noqa: BLE001 - isolate the file that crashed
        if len(files) == 1:
            return [], [_failure(files[0][0], exc)], {}
    findings, errors, deps = [], [], {}
    for item in files:
        try:
            one: Dict[str, Set[str]] = {}
            f, e = engine.analyze_files([item], options, project_files=project, read=read, deps_out=one)
            findings.extend(_with_fixes(f, [item]))
            errors.extend(e)
            deps.update(one)
        except (Exception, CutShort) as exc:  # noqa: BLE001
            errors.append(_failure(item[0], exc))
    return findings, errors, deps


_INCREMENTAL: Dict[int, bool] = {}


def _incremental_engine() -> bool:
    """Whether the engine takes project_files/read/deps_out (the real one does; a
    stand-in installed by a test or a plugin may not: it is called the classic way,
    with every file, in-process and without the cache). Never imports the engine."""
    mod = sys.modules.get("acl_lint.static.engine")
    if mod is None:
        return True  # not imported yet, so not replaced
    fn = getattr(mod, "analyze_files", None)
    if fn is None:
        return False
    known = _INCREMENTAL.get(id(fn))
    if known is None:
        import inspect

        try:
            params = inspect.signature(fn).parameters
            known = all(k in params for k in ("project_files", "read", "deps_out"))
        except (TypeError, ValueError):
            known = False
        _INCREMENTAL[id(fn)] = known
    return known




def _may_suppress(text: str, has_findings: bool) -> bool:
    """False when apply_suppressions would return the findings unchanged: no
    ``acl-lint`` directive, no ``noqa`` naming an ACL code, and no bare ``noqa``
    while there are findings. Cheaper than its tokenizing (most files here carry
    ``# noqa: E402`` or nothing), and errs towards True."""
    if _NOQA is None:
        return True
    if text.isascii():
        low = text.lower()
        if "noqa" not in low and "acl-lint" not in low:
            return False
    elif not _QUICK.search(text):
        return False
    if "acl-lint" in text and _DIRECTIVE.search(text):
        return True
    for m in _NOQA.finditer(text):
        codes = m.group("codes")
        if codes is None:
            if has_findings or _MALFORMED.match(text, m.end()):
                return True
        elif any(c.startswith("ACL") for c in _split_codes(codes)):
            return True
    return False


try:  # the patterns apply_suppressions uses, to decide when it can be skipped
    from .suppress import _DIRECTIVE, _MALFORMED, _NOQA, _QUICK, _split_codes
except ImportError:  # pragma: no cover - suppress.py changed: always apply
    _NOQA = None  # type: ignore[assignment]


class _LazyHashes(Mapping):
    """Content hash of every project file, computed when first asked for (a cached run
    needs the hashes of the files it analyses and of their dependencies only)."""

    def __init__(self, texts: Dict[str, str]) -> None:
        self._texts = texts
        self._hashes: Dict[str, str] = {}

    def __getitem__(self, path: str) -> str:
        h = self._hashes.get(path)
        if h is None:
            from .cache import content_hash

            h = self._hashes[path] = content_hash(self._texts[path])
        return h

    def __contains__(self, path: object) -> bool:
        return path in self._texts

    def __iter__(self):
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def _isolate_bytes() -> Optional[int]:
    from . import isolate

    return isolate.ISOLATE_BYTES if isolate.available() else None


def _guarded_batch(files: Sequence[Tuple[str, str]], options: Dict, project: Sequence[str],
                   read: Callable[[str], Optional[str]]) -> Tuple[List[Finding], List[FileError], Dict[str, Set[str]]]:
    """:func:`_analyze_batch` after the parse guard (for a big file, in its own process: the guard's
    syntax tree of a 2 MB file takes hundreds of MB, better not in the parent)."""
    files, rejected = guard_files(list(files))
    findings, errors, deps = _analyze_batch(files, options, project, read) if files else ([], [], {})
    return rejected + findings, errors, deps


def _analyse_todo(todo: List[Tuple[str, str]], options: Dict[str, Any], project: List[str],
                  by_path: Dict[str, str], progress: Optional[Progress], total: int, jobs: int,
                  stats: Dict[str, Any]) -> Tuple[List[Finding], List[FileError], Dict[str, Set[str]]]:
    """Analyse the files: in a pool or in-process; a file too big to bound in-process (its parse
    cannot be interrupted) in a child process that is stopped at the time limit (with a pool:
    first, beside the chunks); big files that import each other in one child, one engine."""
    from functools import partial

    from . import isolate, parallel

    big = [item for item in todo if len(item[1]) >= isolate.ISOLATE_BYTES] if isolate.available() else []
    if big:
        big, todo = parallel.with_companions(big, [item for item in todo if len(item[1]) < isolate.ISOLATE_BYTES])
    report = stats.get("timings")
    isolated = partial(parallel.isolated_batch, _guarded_batch, GC_THRESHOLD, report is not None)
    findings: List[Finding] = []
    errors: List[FileError] = []
    deps: Dict[str, Set[str]] = {}
    if jobs > 1 and (big or parallel.worth_a_pool(todo, jobs)):
        parallel.warm_up(options)
        chunks = parallel.plan_chunks(todo, jobs, context=parallel.context_of(todo, by_path))
        stats["workers"] = min(jobs, len(chunks) + len(parallel.groups(big)))
        findings, errors, deps = parallel.analyse_in_pool(
            todo, options, project, by_path, _analyze_batch, jobs,
            progress=(lambda done, _n: progress(total - len(todo) - len(big) + done, total)) if progress else None,
            fork_lock=getattr(progress, "_lock", None), gc_threshold=GC_THRESHOLD, timings=report,
            isolated=big, isolated_analyse=isolated, chunks=chunks,
        )
        return findings, errors, deps
    # the big files first, in a child forked while this process is still small (forked after the
    # in-process chunks, it would add this process's grown heap to its own)
    plain = {k: v for k, v in options.items() if not callable(v)}
    if big:
        from .static import engine  # noqa: F401,F811 - imported once, before forking
    for group in parallel.groups(big):  # those that import each other: one engine, each parsed once
        batch = parallel.analyse_isolated([big[i] for i in group], plain, project, by_path, isolated)
        findings += batch[0]
        errors += batch[1]
        deps.update(batch[2])
        if report is not None and len(batch) > 3:
            report.add_batch(*batch[3])
    if todo:
        opts = dict(options)
        if progress is not None:
            opts["progress"] = progress
        with _gc_for_analysis():
            try:
                f, e, d = _in_chunks(report, todo, opts, project, guarded_reader(by_path))
            finally:
                budget_stop()
        findings += f
        errors += e
        deps.update(d)
    return findings, errors, deps


def _timed_batch(report: Any, files: Sequence[Tuple[str, str]], options: Dict, project: Sequence[str],
                 read: Callable[[str], Optional[str]]) -> Tuple[List[Finding], List[FileError], Dict[str, Set[str]]]:
    """_analyze_batch; with a ``--timings`` report, each file's parse and analysis timed into it."""
    if report is None:
        return _analyze_batch(files, options, project, read)
    from .timings import recording

    with recording() as rec:
        out = _analyze_batch(files, options, project, read)
    report.add_batch(rec.files, rec.wall, rec.cpu)
    return out


def _in_chunks(report: Any, files: Sequence[Tuple[str, str]], options: Dict, project: Sequence[str],
               read: Callable[[str], Optional[str]]) -> Tuple[List[Finding], List[FileError], Dict[str, Set[str]]]:
    """In-process, a big run is analysed in the pool's chunks (at most MAX_CHUNK_LINES lines, a
    folder and the modules it imports together), one engine per chunk, and each chunk's trees and
    states are collected before the next: peak memory stays that of one chunk, not of the tree."""
    from .parallel import MAX_CHUNK_LINES, context_of, freeze_inherited, plan_chunks

    chunks = plan_chunks(files, 1, target=MAX_CHUNK_LINES, context=context_of(files, getattr(read, "texts", {})))
    if len(chunks) == 1:
        return _timed_batch(report, files, options, project, read)
    findings: List[Finding] = []
    errors: List[FileError] = []
    deps: Dict[str, Set[str]] = {}
    frozen = freeze_inherited()  # what lives on (imports, texts) is not walked by each collection
    try:
        for n, chunk in enumerate(chunks):
            if n:
                gc.collect()  # the previous chunk's engine: reference cycles the raised thresholds never reach
            f, e, d = _timed_batch(report, [files[i] for i in chunk], options, project, read)
            findings += f
            errors += e
            deps.update(d)
    finally:
        if frozen:
            gc.unfreeze()
    findings.sort(key=Finding.sort_key)
    return findings, errors, deps


def _note_cached(report: Any, cache: Any) -> None:
    """--timings: the files the cache answered, with their time when last analysed."""
    if report is not None:
        report.cached.update(cache.seconds)


def _file_seconds(report: Any) -> Optional[Dict[str, float]]:
    """--timings: each analysed file's wall time, for the cache to keep."""
    return report.file_seconds() if report is not None else None


def _run_engine(
    texts: List[Tuple[str, str]],
    options: Dict[str, Any],
    progress: Optional[Progress],
    cache_dir: Optional[str],
    jobs: int,
    stats: Dict[str, Any],
) -> Tuple[List[Finding], List[FileError]]:
    """Raw engine findings for ``texts``: from the cache, the pool or in-process."""
    total = len(texts)
    stats.update(files=total, acl_files=0, hits=0, analysed=0, workers=1)
    if not _incremental_engine():
        if progress is not None:
            options["progress"] = progress
            progress(0, total)
        stats.update(acl_files=total, analysed=total)
        return _analyze(texts, options)
    # the prefilter: the engine analyses the files that name acl; every file of the run
    # stays loadable for calls that resolve into it (check helpers, wrapper classes)
    by_path = dict(texts)
    project = list(by_path)
    todo = [(p, t) for p, t in texts if mentions_acl(t)]
    stats["acl_files"] = len(todo)
    if progress is not None:
        progress(total - len(todo), total)
    cached: List[Finding] = []
    cache = hashes = None
    if cache_dir is not None and todo:
        from .cache import Cache

        t0 = time.perf_counter()
        cache = Cache.open(cache_dir, options)
        hashes = _LazyHashes(by_path)  # entries may depend on any file of the run
        relevant_count = len(todo)
        todo, cached = cache.lookup(todo, hashes, by_path)
        stats["cache"] = cache
        _note_cached(stats.get("timings"), cache)
        stats["hits"] = relevant_count - len(todo)
        stats["t_cache"] = time.perf_counter() - t0
        if progress is not None:
            progress(total - len(todo), total)
    todo, rejected = guard_files(todo, below=_isolate_bytes())  # big files: guarded in their own process
    cached += rejected
    if not todo:
        return cached, []
    t0 = time.perf_counter()
    stats["analysed"] = len(todo)
    findings, errors, deps = _analyse_todo(todo, options, project, by_path, progress, total, jobs, stats)
    findings, errors = _deterministic_cuts(findings, errors, dict(todo))
    stats["t_analyse"] = time.perf_counter() - t0
    if cache is not None and hashes is not None:
        t0 = time.perf_counter()
        cache.store([p for p, _ in todo], findings, errors, deps, hashes, by_path,
                    seconds=_file_seconds(stats.get("timings")))
        stats["t_cache"] = stats.get("t_cache", 0.0) + time.perf_counter() - t0
    return cached + findings, errors


def _deterministic_cuts(findings: List[Finding], errors: List[FileError], texts: Dict[str, str]):
    """A cut at Python's recursion limit happens again on the same text: its ACL003 is a finding
    like any other (cached with the file). A time-limit cut depends on the machine: it stays an
    error, so that the file is analysed again next time."""
    cut, kept = cuts_as_findings(errors, texts.get, reasons=("recursion",))
    return list(findings) + cut, kept


def lint_sources(
    files: Sequence[Tuple[str, Optional[str]]],
    settings: Optional[Settings] = None,
    baseline: Optional[Counter] = None,
    read_errors: Sequence[Finding] = (),
    progress: Optional[Progress] = None,
    cache_dir: Optional[str] = None,
    jobs: int = 1,
    stats: Optional[Dict[str, Any]] = None,
) -> RunResult:
    """Lint decoded sources: (display_path, text) pairs; text None = unreadable
    (its ACL001 is in ``read_errors``).

    ``cache_dir``: reuse and record results there (None: no cache). ``jobs``:
    processes to analyse in (1: in-process). ``stats`` receives counts and
    timings (for ``--verbose``).
    """
    settings = settings or Settings()
    stats = {} if stats is None else stats
    result = RunResult(files_checked=len(files))
    texts = [(p, t) for p, t in files if t is not None]
    result.sources = dict(texts)
    options = settings.engine_options()
    raw, errors = _run_engine(texts, options, progress, cache_dir, jobs, stats) if texts else ([], [])
    cut, kept = cuts_as_findings(errors, result.sources.get)  # ACL003, never a silent clean
    raw.extend(cut)
    result.errors.extend(kept)
    known = registry()
    by_path: Dict[str, List[Finding]] = {}
    seen = set()
    for f in list(read_errors) + raw:
        if f.code not in known:
            result.errors.append(FileError(f.path, f"internal error: engine reported unknown code {f.code}"))
            continue
        key = (f.code, f.path, f.line, f.column, f.message)
        if key in seen:
            continue
        seen.add(key)
        by_path.setdefault(f.path, []).append(f)
    # files with suppression comments but no findings still need ACL002
    for path, _ in texts:
        by_path.setdefault(path, [])
    for path, found in by_path.items():
        if not found and "acl" not in (result.sources.get(path) or "").lower():
            continue  # no finding, and no acl-lint suppression comment that could be unused
        result.findings.extend(settle(path, result.sources.get(path), found, settings))
    if baseline is not None:
        from .baseline import new_findings

        result.findings = new_findings(result.findings, baseline)
    result.findings.sort(key=Finding.sort_key)
    return result


def settle(path: str, text: Optional[str], found: Sequence[Finding], settings: Settings) -> List[Finding]:
    """What a user sees of one file's raw engine findings: the rules enabled for it
    (per-file-ignores), configured severities, then its suppression comments (ACL002)."""
    enabled = settings.enabled_for(path)
    kept = []
    for f in found:
        if f.code not in enabled:
            continue
        level = settings.severity_of(f.code)
        if level:
            f = replace(f, severity=level)
        kept.append(f)
    if text is not None and _may_suppress(text, bool(kept)):
        kept = apply_suppressions(path, text, kept, enabled)
    out = []
    for f in kept:
        if f.code == "ACL002":
            level = settings.severity_of(f.code)
            if level:
                f = replace(f, severity=level)
        out.append(f)
    return out


_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def _read(path: str, max_size: int) -> str:
    """read_source, with one fast path: a plain UTF-8 file (no BOM, no coding line,
    no NUL, within max-file-size) is read with one open and decoded directly.
    Anything else (or any error) goes to read_source, which words the ACL001."""
    try:
        with open_regular(path) as fh:
            if max_size and os.fstat(fh.fileno()).st_size > max_size:
                return read_source(path, max_size)
            data = fh.read()
    except (OSError, SourceError):
        return read_source(path, max_size)
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    head = data if second < 0 else data[:second]  # a coding line can only be one of the first two
    if (data.startswith(b"\xef\xbb\xbf") or b"\0" in data or (max_size and len(data) > max_size)
            or (b"coding" in head and _CODING.search(head))):
        return read_source(path, max_size)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return read_source(path, max_size)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def lint_paths(
    paths: Sequence[str],
    settings: Optional[Settings] = None,
    baseline: Optional[Counter] = None,
    progress: Optional[Progress] = None,
    cache_dir: Optional[str] = None,
    jobs: int = 1,
    stats: Optional[Dict[str, Any]] = None,
) -> RunResult:
    """Lint files and directories (the command line's entry point).

    Raises discovery.DiscoveryError for a path that does not exist; every
    problem with a file's content is an ACL001 finding, every crash a FileError.
    ``cache_dir``, ``jobs``, ``stats``: see :func:`lint_sources`.
    """
    settings = settings or Settings()
    stats = {} if stats is None else stats
    t0 = time.perf_counter()
    names = discover(paths or ["."], settings.exclude, settings.extend_exclude, settings.root)
    if settings.respect_gitignore:
        from .discovery import drop_gitignored

        names = drop_gitignored(names, paths or ["."])
    files: List[Tuple[str, Optional[str]]] = []
    read_errors: List[Finding] = []
    for name in names:
        try:
            files.append((name, _read(name, settings.max_file_size)))
        except SourceError as exc:
            files.append((name, None))
            read_errors.append(parse_error_finding(name, exc.reason, exc.line, exc.column))
        except Exception as exc:  # noqa: BLE001 - never let one file stop the run
            files.append((name, None))
            read_errors.append(parse_error_finding(name, f"cannot read: {exc}"))
    stats["t_read"] = time.perf_counter() - t0
    return lint_sources(files, settings, baseline=baseline, read_errors=read_errors, progress=progress,
                        cache_dir=cache_dir, jobs=jobs, stats=stats)
