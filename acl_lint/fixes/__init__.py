"""Mechanical fixes (``--fix``, ``--unsafe-fixes``, ``--diff``, ``--add-noqa``).

Findings that a fixer knows (:mod:`.codemods`) carry a ``fix`` in Ruff's JSON
shape (see :mod:`.edits`): the JSON and SARIF reports show it, the language
server offers it as a code action, and :func:`fix_texts` applies it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ..findings import Finding, RunResult
from .edits import Fix, apply_fixes, make_fix, unified_diff
from .table import fixable_codes

__all__ = ["Fix", "FixOutcome", "WriteError", "attach_fixes", "fix_texts", "make_fix", "unified_diff", "wanted",
           "write_atomically", "write_fixed"]


def attach_fixes(findings: Sequence[Finding], sources: Mapping[str, str]) -> List[Finding]:
    """The findings, each with its fix when one is mechanical (each method or other top-level
    statement holding a finding of a fixable code is parsed once; nothing else is)."""
    codes = fixable_codes()
    todo: Dict[str, List[int]] = {}
    for i, f in enumerate(findings):
        if f.fix is None and f.code in codes and sources.get(f.path) is not None:
            todo.setdefault(f.path, []).append(i)
    if not todo:
        return list(findings)
    from .codemods import SourceIndex, fixer_for  # libcst: only when a finding may have a fix

    out = list(findings)
    for path, indices in todo.items():
        text = sources[path]
        pieces = _fix_spans(text)
        by_piece: Dict[Tuple[int, int], List[int]] = {}
        for i in indices:
            span = next((sp for sp in pieces if sp[0] <= out[i].line <= sp[1]), None)
            if span is not None:
                by_piece.setdefault(span, []).append(i)
        for (first, last), chosen in by_piece.items():
            try:
                index = SourceIndex(text, first, last)
            except Exception:  # noqa: BLE001 - libcst cannot parse it: no fix, never a crash
                continue
            for i in chosen:
                fixer = fixer_for(out[i].code)
                try:
                    fix = fixer(index, out[i]) if fixer is not None else None
                except Exception:  # noqa: BLE001 - a fixer that fails offers no fix
                    fix = None
                if fix is not None:
                    out[i] = replace(out[i], fix=fix)
    return out


def _fix_spans(text: str) -> List[Tuple[int, int]]:
    """(first, last) line of each method of a top-level class, then of each top-level statement,
    decorators included (ast: fast). A fix never reaches outside the function holding its finding,
    and parsing a method alone instead of its whole class is what keeps fixes cheap."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    methods: List[Tuple[int, int]] = []
    spans: List[Tuple[int, int]] = []
    for node in tree.body:
        spans.append(_span(node))
        if isinstance(node, ast.ClassDef):
            methods += [_span(m) for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return methods + spans


def _span(node) -> Tuple[int, int]:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
    return first, node.end_lineno or node.lineno


def wanted(fix: Optional[Fix], unsafe: bool) -> bool:
    return fix is not None and (fix["applicability"] == "safe" or unsafe)


class FixOutcome:
    """What a fix run did: the fixed texts, how many fixes each got, and the final lint result."""

    def __init__(self) -> None:
        self.texts: Dict[str, str] = {}  # path -> fixed text (changed files only)
        self.applied: Dict[str, int] = {}  # path -> fixes applied
        self.result: Optional[RunResult] = None

    @property
    def total(self) -> int:
        return sum(self.applied.values())


#: rounds of fix-and-relint (a fix may expose another, e.g. two order swaps in a row)
MAX_ROUNDS = 10


def fix_texts(
    result: RunResult, relint: Callable[[Dict[str, str]], RunResult], unsafe: bool = False, paths=None
) -> FixOutcome:
    """Apply the wanted fixes of ``result`` to the texts, re-lint, repeat.

    ``relint(texts)`` lints the files again with ``texts`` (path -> text)
    replacing what is on disk. Only files in ``paths`` (default: those of
    ``result``) are changed; nothing is written here.
    """
    outcome = FixOutcome()
    allowed = set(result.sources) if paths is None else set(paths)
    current = dict(result.sources)
    for _ in range(MAX_ROUNDS):
        by_path: Dict[str, List[Fix]] = {}
        for f in result.sorted_findings():
            if f.path in allowed and wanted(f.fix, unsafe) and current.get(f.path) is not None:
                by_path.setdefault(f.path, []).append(f.fix)
        changed = False
        for path, fixes in by_path.items():
            new, applied = apply_fixes(current[path], fixes)
            if applied and new != current[path]:
                current[path] = new
                outcome.texts[path] = new
                outcome.applied[path] = outcome.applied.get(path, 0) + len(applied)
                changed = True
        if not changed:
            break
        result = relint(dict(outcome.texts))
    outcome.result = result
    return outcome


def fixable_counts(findings: Sequence[Finding]) -> Tuple[int, int]:
    """(safe, unsafe) numbers of findings with a fix."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix["applicability"] == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix["applicability"] != "safe")
    return safe, unsafe


class WriteError(Exception):
    """A fixed file could not be written back (changed meanwhile, not UTF-8, read-only)."""


def write_fixed(path: str, before: str, after: str) -> None:
    """Write ``after`` over ``path``, whose text was ``before`` when linted.

    Keeps the file's line endings and UTF-8 byte-order mark; refuses a file that
    changed since it was read or that is not UTF-8 (the fix would re-encode it).
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise WriteError(f"cannot read {path}: {exc.strerror or exc}") from None
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        disk = raw[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:
        raise WriteError(f"{path} is not UTF-8; not rewritten") from None
    newline = "\r\n" if "\r\n" in disk else "\n"
    if disk.replace("\r\n", "\n").replace("\r", "\n") != before:
        raise WriteError(f"{path} changed while acl-lint ran; not rewritten")
    data = (after.replace("\n", newline)).encode("utf-8")
    try:
        write_atomically(os.path.realpath(path), (b"\xef\xbb\xbf" if bom else b"") + data)  # a symlink stays one
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` by ``data`` at once (a temporary file beside it, then a rename),
    keeping the permissions of the file replaced; OSError on failure, the file unchanged."""
    tmp = f"{path}.acl-lint-tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        if os.path.exists(path):
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
