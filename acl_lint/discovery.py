"""Find the files to lint under the paths given on the command line.

- A directory is walked recursively for ``*.py`` and ``*.pyi`` files, in a
  stable (sorted) order; symlinked directories are not followed.
- Skipped while walking: hidden folders, virtual environments (a folder with a
  ``pyvenv.cfg``), and folders or files matching the exclude patterns (by
  default ``DEFAULT_EXCLUDE``).
- A file named explicitly is always linted, whatever its extension (that is
  how pre-commit passes extension-less scripts), unless a user ``exclude`` /
  ``extend-exclude`` pattern matches it. The built-in skips do not apply to
  explicit paths.
- Only regular files are read: a named pipe, socket or device found while
  walking is skipped, one named explicitly is reported (ACL001), as is a
  broken symbolic link.
- A directory whose name ends in ``.py`` is reported (ACL001 "is a
  directory") when named explicitly, and walked like any directory when found.
- Display paths keep the form given: ``src`` gives ``src/pkg/a.py``, ``.``
  gives ``pkg/a.py``, an absolute path stays absolute.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import re
from typing import Iterable, List, Optional, Sequence, Tuple

PYTHON_SUFFIXES = (".py", ".pyi")

DEFAULT_EXCLUDE = (
    ".*",
    "__pycache__",
    "venv",
    ".venv",
    "env",
    "build",
    "dist",
    "*.egg-info",
    "node_modules",
    "site-packages",
)


class DiscoveryError(Exception):
    """A path given on the command line does not exist (a usage error)."""


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def relative_to(path: str, root: Optional[str]) -> str:
    """``path`` relative to ``root`` as a POSIX string (absolute if outside)."""
    absolute = os.path.abspath(path)
    if root:
        try:
            rel = os.path.relpath(absolute, os.path.abspath(root))
        except ValueError:  # another drive on Windows
            return _posix(absolute)
        if not rel.startswith(".."):
            return _posix(rel)
    return _posix(absolute)


def matches(patterns: Iterable[str], path: str, root: Optional[str] = None, parents: bool = True) -> bool:
    """Whether a glob matches ``path``.

    A pattern without ``/`` matches a base name: the file's own or (with
    ``parents``) that of a folder between ``root`` and the file. A pattern
    with ``/`` matches the path relative to ``root`` or one of its parent
    folders. ``*`` also matches ``/``; a trailing ``/`` is ignored.
    """
    patterns = [p for p in patterns if p]
    if not patterns:
        return False
    rel = relative_to(path, root or os.getcwd())
    inside = not os.path.isabs(rel) and not re.match(r"^[A-Za-z]:/", rel)
    parts = rel.split("/")
    names = {parts[-1]}
    paths = {rel}
    if parents and inside:
        names.update(parts[:-1])
        for i in range(1, len(parts)):
            paths.add("/".join(parts[:i]))
    for pattern in patterns:
        pat = pattern.replace("\\", "/").rstrip("/")
        if pat.startswith("./"):
            pat = pat[2:]
        pool = paths if "/" in pat else names
        for cand in pool:
            if fnmatch.fnmatchcase(cand, pat):
                return True
    return False


def _is_venv(dirpath: str) -> bool:
    return os.path.isfile(os.path.join(dirpath, "pyvenv.cfg"))


def _display(base: str, rel: str) -> str:
    return os.path.normpath(os.path.join(base, rel) if rel else base)


def discover(
    paths: Sequence[str],
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    extend_exclude: Sequence[str] = (),
    root: Optional[str] = None,
) -> List[str]:
    """Display paths of the files to lint, deduplicated, in a stable order.

    ``exclude`` replaces the built-in name patterns, ``extend_exclude`` adds to
    them; both are matched relative to ``root`` (the config file's folder).
    Raises DiscoveryError for a path that does not exist.
    """
    user_patterns = list(exclude) + list(extend_exclude)
    explicit_patterns = [p for p in user_patterns if p not in DEFAULT_EXCLUDE]
    out: List[str] = []
    seen = set()

    def add(display: str) -> None:
        key = os.path.normcase(os.path.abspath(display))
        if key not in seen:
            seen.add(key)
            out.append(display)

    for given in paths:
        if not os.path.lexists(given):
            raise DiscoveryError(f"path does not exist: {given}")
        if not os.path.isdir(given) or os.path.basename(os.path.normpath(given)).endswith(PYTHON_SUFFIXES):
            # a file (any extension), or a folder named like a module: the
            # reader reports the latter as ACL001 "is a directory"
            if not matches(explicit_patterns, given, root):
                add(os.path.normpath(given))
            continue
        for rel in _walk(given, user_patterns, root):
            add(_display(given, rel))
    return out


def _walk(top: str, patterns: Sequence[str], root: Optional[str]) -> Iterable[str]:
    """Relative paths of the Python files below ``top``."""
    found: List[Tuple[str, ...]] = []
    for dirpath, dirnames, filenames in os.walk(top):
        keep = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name.endswith(PYTHON_SUFFIXES) and not os.path.islink(full):
                # a folder named x.py: lint it, so the reader says what it is
                if not matches(patterns, full, root, parents=False):
                    found.append(tuple(os.path.relpath(full, top).split(os.sep)))
                continue
            if matches(patterns, full, root, parents=False) or _is_venv(full):
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if not name.endswith(PYTHON_SUFFIXES):
                continue
            full = os.path.join(dirpath, name)
            if matches(patterns, full, root, parents=False) or not _readable_kind(full):
                continue
            found.append(tuple(os.path.relpath(full, top).split(os.sep)))
    for parts in sorted(found):
        yield os.path.join(*parts)


def _readable_kind(path: str) -> bool:
    """A regular file, or a symbolic link to one or to nothing (the reader reports a broken link).
    A named pipe, socket or device found while walking is skipped: reading one can block forever."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return os.path.islink(path)
    except OSError:
        return True  # the reader says what is wrong (permission, a link loop)


def module_name(path: str) -> str:
    """The dotted name a project file is imported by, guessed from its path
    (`pkg/helpers.py` -> `pkg.helpers`, `pkg/__init__.py` -> `pkg`)."""
    p = path.replace("\\", "/")
    if p.endswith(".py"):
        p = p[:-3]
    elif p.endswith(".pyi"):
        p = p[:-4]
    parts = [x for x in p.split("/") if x not in ("", ".", "..")]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


# --- .gitignore ------------------------------------------------------------------


def drop_gitignored(names: Sequence[str], given: Sequence[str]) -> List[str]:
    """``names`` (found by :func:`discover` under ``given``) without the files that
    ``.gitignore`` excludes, as git reads it: the ``.gitignore`` of each folder from the
    repository root (the nearest folder holding ``.git``; without one, the folder
    walked) down to the file, the deepest that has a say deciding, and
    ``.git/info/exclude``. A file named in ``given`` is kept even if ignored, and so
    is what is inside a folder named in ``given`` that is itself ignored, except
    for the ``.gitignore`` files inside that folder (as Ruff does).
    """
    tops = []
    explicit = set()
    for g in given:
        full = os.path.abspath(g)
        if os.path.isdir(g) and not os.path.basename(os.path.normpath(g)).endswith(PYTHON_SUFFIXES):
            tops.append(full)
        else:
            explicit.add(os.path.normcase(full))
    if not tops:
        return list(names)
    ignore = _GitIgnore()
    starts = {}
    for top in tops:
        repo = _repo_root(top)
        start = repo if repo is not None else top
        if repo is not None and ignore.ignored(top, True, start):
            start = top  # a folder named on the command line is linted even if ignored
        starts[top] = start
    out = []
    for name in names:
        full = os.path.abspath(name)
        if os.path.normcase(full) in explicit:
            out.append(name)
            continue
        top = max((t for t in tops if full.startswith(t.rstrip(os.sep) + os.sep)), key=len, default=None)
        if top is None or not ignore.excluded(full, top, starts[top]):
            out.append(name)
    return out


def _repo_root(folder: str) -> Optional[str]:
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class _GitIgnore:
    """The .gitignore files met so far, one spec per folder (pathspec's GitIgnoreSpec)."""

    def __init__(self) -> None:
        self._specs: dict = {}
        self._dirs: dict = {}  # (folder, start) -> excluded, shared by the files of a folder

    def _spec(self, folder: str):
        if folder not in self._specs:
            lines: List[str] = []
            for name in (os.path.join(".git", "info", "exclude"), ".gitignore"):
                try:
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as fh:
                        lines.extend(fh.read().splitlines())
                except OSError:
                    pass
            if lines:
                import pathspec

                self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)
            else:
                self._specs[folder] = None
        return self._specs[folder]

    def ignored(self, path: str, is_dir: bool, start: str) -> bool:
        """Whether ``path`` itself is ignored by the .gitignore files from ``start`` down to it."""
        if path == start or not path.startswith(start.rstrip(os.sep) + os.sep):
            return False
        folders = []
        current = os.path.dirname(path)
        while True:
            folders.append(current)
            if current == start or os.path.dirname(current) == current:
                break
            current = os.path.dirname(current)
        for folder in folders:  # deepest first: the deepest file with a matching pattern decides
            spec = self._spec(folder)
            if spec is None:
                continue
            rel = _posix(os.path.relpath(path, folder)) + ("/" if is_dir else "")
            result = spec.check_file(rel)
            if result.include is not None:
                return bool(result.include)
        return False

    def excluded(self, path: str, top: str, start: str) -> bool:
        """Whether a file found under ``top`` is excluded: it, or a folder between ``top`` and it."""
        return self._folder_excluded(os.path.dirname(path), top, start) or self.ignored(path, False, start)

    def _folder_excluded(self, folder: str, top: str, start: str) -> bool:
        if folder == top or len(folder) <= len(top):
            return False
        key = (folder, start)
        if key not in self._dirs:
            self._dirs[key] = self._folder_excluded(os.path.dirname(folder), top, start) or self.ignored(
                folder, True, start
            )
        return self._dirs[key]
