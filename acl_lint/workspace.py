"""What the language server keeps warm per project: settings, texts, raw findings.

A :class:`Project` is one configuration root (the folder of the ``pyproject.toml``
holding ``[tool.acl-lint]``, else the editor's workspace folder). It knows every
Python file of the project (so calls resolve into helpers and wrapper classes as
on the command line), reads them from disk lazily, lets the editor's open,
unsaved documents override them, and keeps each analysed file's raw engine
findings with what they depend on. Re-linting a document analyses only the files
whose own text or a dependency's text changed (the document and the open
documents whose findings used it); the others are served from memory.

No LSP types here: :mod:`acl_lint.server` turns the results into diagnostics.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .budget import cuts_as_findings
from .config import Settings, load_settings
from .discovery import DEFAULT_EXCLUDE, DiscoveryError, discover, matches
from .findings import FileError, Finding
from .lint import _analyze_batch, settle
from .sources import SourceError, parse_error_finding, read_source


@dataclass
class _Entry:
    """Raw findings of one analysed file, valid while ``key`` still holds."""

    key: Tuple[Tuple[str, int], ...]
    findings: List[Finding]
    errors: List[FileError]
    deps: Set[str] = field(default_factory=set)


class Project:
    """One project's settings, file list, text overlay and warm results (thread-safe)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.root
        self.overlay: Dict[str, str] = {}  # open documents: path -> unsaved text
        self._disk: Dict[str, Tuple[int, int, Optional[str]]] = {}  # path -> (mtime_ns, size, text)
        self._files: Optional[List[str]] = None
        self._results: Dict[str, _Entry] = {}
        self._lock = threading.RLock()
        self.analysed = 0  # files handed to the engine so far (for tests and the log)
        self.config_stamp: Optional[int] = None  # the config file's mtime when the settings were read

    # --- texts -----------------------------------------------------------------

    def files(self) -> List[str]:
        """Every Python file of the project (absolute paths), discovered once."""
        if self._files is None:
            try:
                found = discover([self.root], self.settings.exclude, self.settings.extend_exclude, self.root)
            except DiscoveryError:
                found = []
            self._files = [os.path.abspath(p) for p in found]
        return self._files

    def excluded(self, path: str) -> bool:
        """Whether the user's own exclude patterns name the file (as for a file named on
        the command line: the built-in patterns such as ``build`` do not apply)."""
        patterns = [p for p in [*self.settings.exclude, *self.settings.extend_exclude] if p not in DEFAULT_EXCLUDE]
        return matches(patterns, path, self.root)

    def forget_files(self) -> None:
        """A file was created or deleted: imports may resolve elsewhere now."""
        with self._lock:
            self._files = None
            self._results.clear()

    def text(self, path: str) -> Optional[str]:
        """The open document's text, else the file on disk (re-read when it changed)."""
        if path in self.overlay:
            return self.overlay[path]
        try:
            st = os.stat(path)
        except OSError:
            return None
        known = self._disk.get(path)
        if known is not None and known[:2] == (st.st_mtime_ns, st.st_size):
            return known[2]
        try:
            text: Optional[str] = read_source(path, self.settings.max_file_size)
        except SourceError:
            text = None
        self._disk[path] = (st.st_mtime_ns, st.st_size, text)
        return text

    def _key(self, path: str, deps: Iterable[str]) -> Tuple[Tuple[str, int], ...]:
        return tuple((p, hash(self.text(p))) for p in [path, *sorted(deps)])

    # --- linting ------------------------------------------------------------------

    def dependents(self, path: str) -> List[str]:
        """Open documents whose last findings depended on ``path``."""
        return [p for p, e in self._results.items() if path in e.deps and p in self.overlay and p != path]

    def lint(self, paths: Sequence[str]) -> Dict[str, Tuple[List[Finding], List[FileError]]]:
        """Findings a user sees (selection, severities, suppressions applied) for each
        path, analysing only those whose text or dependencies changed."""
        with self._lock:
            todo: List[Tuple[str, str]] = []
            out: Dict[str, Tuple[List[Finding], List[FileError]]] = {}
            for path in paths:
                text = self.text(path)
                if text is None:
                    out[path] = (self._unreadable(path), [])
                    continue
                entry = self._results.get(path)
                if entry is None or entry.key != self._key(path, entry.deps):
                    todo.append((path, text))
            if todo:
                self._analyse(todo)
            for path in paths:
                if path in out:
                    continue
                entry = self._results[path]
                seen: Set[Tuple] = set()
                raw = []
                for f in entry.findings:
                    k = (f.code, f.line, f.column, f.message)
                    if k not in seen:
                        seen.add(k)
                        raw.append(f)
                out[path] = (settle(path, self.text(path), raw, self.settings), list(entry.errors))
            return out

    def _analyse(self, todo: List[Tuple[str, str]]) -> None:
        project = self.files()
        extra = [p for p, _ in todo if p not in project]  # an open file outside the tree
        deps: Dict[str, Set[str]] = {}
        findings, errors, deps = _analyze_batch(todo, self.settings.engine_options(), project + extra, self.text)
        # an analysis cut short is a finding (ACL003) in the editor too, never a silent clean
        cut, errors = cuts_as_findings(errors, self.text)
        findings = list(findings) + cut
        self.analysed += len(todo)
        for path, _ in todo:
            mine = [f for f in findings if f.path == path]
            self._results[path] = _Entry(
                key=self._key(path, deps.get(path, ())),
                findings=mine,
                errors=[e for e in errors if e.path == path],
                deps=set(deps.get(path, ())) - {path},
            )

    def _unreadable(self, path: str) -> List[Finding]:
        try:
            read_source(path, self.settings.max_file_size)
        except SourceError as exc:
            return [parse_error_finding(path, exc.reason, exc.line, exc.column)]
        return []


class Projects:
    """The projects of one editor session, by configuration root."""

    def __init__(self, folders: Sequence[str] = ()) -> None:
        self.folders = [os.path.abspath(f) for f in folders]
        self._by_root: Dict[Tuple[Optional[str], str], Project] = {}
        self._lock = threading.Lock()

    def for_path(self, path: str) -> Project:
        """The project of a file; raises ConfigError for a broken configuration."""
        settings = load_settings([path])
        if settings.config_file is None:
            settings = replace(settings, root=self._folder_of(path))
        key = (settings.config_file, settings.root)
        stamp = _mtime(settings.config_file)
        with self._lock:
            project = self._by_root.get(key)
            if project is None or project.config_stamp != stamp:  # new, or its config file changed
                project = self._by_root[key] = Project(settings)
                project.config_stamp = stamp
            return project

    def _folder_of(self, path: str) -> str:
        """The deepest workspace folder holding ``path``, else the file's own folder."""
        best = None
        for folder in self.folders:
            if path == folder or path.startswith(folder.rstrip(os.sep) + os.sep):
                if best is None or len(folder) > len(best):
                    best = folder
        return best or os.path.dirname(path)

    def all(self) -> List[Project]:
        with self._lock:
            return list(self._by_root.values())

    def reset(self) -> None:
        """A configuration file changed: settings are read again on the next lint."""
        with self._lock:
            self._by_root.clear()


def _mtime(path: Optional[str]) -> Optional[int]:
    try:
        return os.stat(path).st_mtime_ns if path else None
    except OSError:
        return None


# --- suppression comments --------------------------------------------------------


def noqa_line(text: str, line: int, code: str) -> Tuple[int, str]:
    """Where and how to suppress ``code`` reported at 1-based ``line``: (1-based line to
    change, its new text), as ``acl-lint --add-noqa`` would write it (acl_lint.fixes.noqa)."""
    from .findings import Finding
    from .fixes.noqa import add_noqa

    new_text, _ = add_noqa(text, [Finding(code, "", "<document>", line, 1, line, 2)])
    old_lines, new_lines = text.split("\n"), new_text.split("\n")
    for i, (a, b) in enumerate(zip(old_lines, new_lines)):
        if a != b:
            return i + 1, b
    return line, old_lines[line - 1] if 0 < line <= len(old_lines) else ""
