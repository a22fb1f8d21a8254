"""One lint run: discovery -> sources -> engine -> selection -> suppressions -> baseline.

Nothing raised while analysing escapes: an engine crash becomes a FileError
(exit code 2) for the file that caused it, and the other files are still
reported.
"""

from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .baseline import new_findings
from .config import Settings
from .discovery import discover
from .findings import FileError, Finding, RunResult, registry
from .sources import SourceError, parse_error_finding, read_source
from .suppress import apply_suppressions

Progress = Callable[[int, int], None]


def _internal(exc: BaseException) -> str:
    """One line naming the exception and where it happened."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {last.filename.replace(chr(92), '/').split('/acl_lint/')[-1]}:{last.lineno})"
    return f"internal error: {type(exc).__name__}: {exc}{where}"


def _analyze(files: List[Tuple[str, str]], options: Dict) -> Tuple[List[Finding], List[FileError]]:
    """Run the engine on all files at once; on a crash, file by file to isolate it."""
    from .static import engine

    try:
        findings, errors = engine.analyze_files(files, options)
        return list(findings), list(errors)
    except Exception as exc:  # noqa: BLE001 - isolate the file that crashed
        if len(files) == 1:
            return [], [FileError(files[0][0], _internal(exc))]
    findings, errors = [], []
    for item in files:
        try:
            f, e = engine.analyze_files([item], options)
            findings.extend(f)
            errors.extend(e)
        except Exception as exc:  # noqa: BLE001
            errors.append(FileError(item[0], _internal(exc)))
    return findings, errors


def lint_sources(
    files: Sequence[Tuple[str, Optional[str]]],
    settings: Optional[Settings] = None,
    baseline: Optional[Counter] = None,
    read_errors: Sequence[Finding] = (),
    progress: Optional[Progress] = None,
) -> RunResult:
    """Lint decoded sources: (display_path, text) pairs; text None = unreadable
    (its ACL001 is in ``read_errors``)."""
    settings = settings or Settings()
    result = RunResult(files_checked=len(files))
    texts = [(p, t) for p, t in files if t is not None]
    result.sources = dict(texts)
    options = settings.engine_options()
    if progress is not None:
        options["progress"] = progress
        progress(0, len(texts))
    raw, errors = _analyze(texts, options) if texts else ([], [])
    result.errors.extend(errors)
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
    enabled_cache: Dict[str, frozenset] = {}
    for path, found in by_path.items():
        enabled = enabled_cache.get(path)
        if enabled is None:
            enabled = enabled_cache[path] = settings.enabled_for(path)
        kept = []
        for f in found:
            if f.code not in enabled:
                continue
            level = settings.severity_of(f.code)
            if level:
                f = replace(f, severity=level)
            kept.append(f)
        kept = apply_suppressions(path, result.sources.get(path), kept, enabled)
        for f in kept:
            if f.code == "ACL002":
                level = settings.severity_of(f.code)
                if level:
                    f = replace(f, severity=level)
            result.findings.append(f)
    if baseline is not None:
        result.findings = new_findings(result.findings, baseline)
    result.findings.sort(key=Finding.sort_key)
    return result


def lint_paths(
    paths: Sequence[str],
    settings: Optional[Settings] = None,
    baseline: Optional[Counter] = None,
    progress: Optional[Progress] = None,
) -> RunResult:
    """Lint files and directories (the command line's entry point).

    Raises discovery.DiscoveryError for a path that does not exist; every
    problem with a file's content is an ACL001 finding, every crash a FileError.
    """
    settings = settings or Settings()
    names = discover(paths or ["."], settings.exclude, settings.extend_exclude, settings.root)
    files: List[Tuple[str, Optional[str]]] = []
    read_errors: List[Finding] = []
    for name in names:
        try:
            files.append((name, read_source(name, settings.max_file_size)))
        except SourceError as exc:
            files.append((name, None))
            read_errors.append(parse_error_finding(name, exc.reason, exc.line, exc.column))
        except Exception as exc:  # noqa: BLE001 - never let one file stop the run
            files.append((name, None))
            read_errors.append(parse_error_finding(name, f"cannot read: {exc}"))
    return lint_sources(files, settings, baseline=baseline, read_errors=read_errors, progress=progress)
