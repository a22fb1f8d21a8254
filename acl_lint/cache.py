"""The result cache: raw engine findings per file, reused while nothing they depend on changed.

Layout (``.acl_lint_cache`` by default, see :func:`default_dir`)::

    .acl_lint_cache/
      .gitignore              "*": never committed
      CACHEDIR.TAG            backup tools skip it
      <run key>/              one bucket per (tool, rules, engine options)
        <path key>.json       one entry per linted file

The run key hashes everything that changes what the engine reports for the
same text: the acl-lint version and the source of the package's analysing
modules (so an edited engine never serves stale results), every file under
``rules/`` as shipped, the libcst installation, the Python version and the
engine options (``[tool.acl-lint]`` rule options). Selection, severities and
suppressions are applied after the cache, so they are not part of it.

An entry holds the findings of one file *before* selection and suppression,
and is valid only while

- the file's text hashes the same,
- every project file its findings depend on (the engine's ``deps_out``:
  helpers whose summaries it used, base classes, imported constants, the
  files read to find who calls its functions) hashes the same and is still
  part of the run,
- when its findings depend on who calls its functions (``CALLERS_DEP``: a
  leak that only ends the process is not reported), the same project files
  name its module or a dependency's (a new script may be the caller that
  decides it), and
- the set of project modules its imports could resolve to is the same (a
  new ``helpers.py`` can change what ``import helpers`` means). Checked
  cheaply as "the same set of project files as last time"; only when that
  differs, precisely, by the module names the file and its dependencies
  mention.

Writes are atomic (temporary file + ``os.replace``); an unreadable or corrupt
entry is a miss, never an error. Nothing here imports libcst: a fully cached
run never loads the parser.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import fields
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from . import __version__
from .findings import CALLERS_DEP, Finding, Related

CACHE_DIRNAME = ".acl_lint_cache"
FORMAT = 1
KEEP_BUCKETS = 4  # run keys kept side by side (e.g. two configurations, a tool upgrade)

#: top-level modules that do not change what the engine reports for a text (they run
#: after the cache or not at all in a lint run); everything else is fingerprinted
_NOT_ENGINE = frozenset({
    "__main__.py", "audit.py", "budget.py", "isolate.py", "baseline.py", "cli.py", "config.py", "discovery.py",
    "docs.py", "lint.py", "parallel.py", "progress.py", "pytest_plugin.py", "ruledoc.py", "suppress.py",
    "server.py", "workspace.py", "timings.py",
})

_WORD = re.compile(r"[^\W\d]\w*")
_BUCKET = re.compile(r"^[0-9a-f]{24}$")
_ENTRY = re.compile(r"^(?:[0-9a-f]{24}\.json|\.tmp-.*\.part)$")
MARKER = "ACL_LINT_BUCKET"  # in every bucket acl-lint creates: only those are ever pruned
_ENTRY_FIELDS = ("v", "path", "hash", "deps", "project", "relevant", "findings")


def default_dir(root: str) -> str:
    """``.acl_lint_cache`` in the project root (see :func:`project_root`)."""
    return os.path.join(root, CACHE_DIRNAME)


def project_root(paths: Sequence[str], config_file: Optional[str] = None) -> str:
    """Where the cache of a run goes: the config file's folder; else the nearest folder at or
    above the linted paths holding a ``pyproject.toml`` or ``.git``; else the deepest folder
    holding all the paths (never just the current folder: ``acl-lint ~/proj`` run from
    elsewhere keeps its cache in ``~/proj``)."""
    if config_file:
        return os.path.dirname(os.path.abspath(config_file))
    absolute = [os.path.abspath(p) for p in (paths or ["."])]
    try:
        start = os.path.commonpath(absolute)
    except ValueError:  # different drives
        return os.getcwd()
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    current = start
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in ("pyproject.toml", ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return start
        current = parent


def content_hash(text: str) -> str:
    """Hash of a decoded source text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _hash_tree(h, root: str, pattern_ok) -> None:
    entries: List[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in filenames:
            if pattern_ok(name):
                entries.append(os.path.join(dirpath, name))
    for path in sorted(entries):
        h.update(os.path.relpath(path, root).replace(os.sep, "/").encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as fh:
                h.update(fh.read())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")


@lru_cache(maxsize=None)
def tool_fingerprint() -> str:
    """What the engine is: version, its own source, the rules as shipped, libcst, Python."""
    from .ruledata import rules_dir

    h = hashlib.blake2b(digest_size=16)
    h.update(f"acl-lint {__version__} format {FORMAT} {sys.implementation.name} {sys.version_info[:3]}".encode())
    pkg = os.path.dirname(os.path.abspath(__file__))
    for sub in ("", "static", "fixes"):  # what decides the findings and their fixes (not runtime/, sim/, report/)
        folder = os.path.join(pkg, sub)
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".py") and (sub or n not in _NOT_ENGINE))
        except OSError:
            continue
        for name in names:
            h.update(f"{sub}/{name}\0".encode())
            try:
                with open(os.path.join(folder, name), "rb") as fh:
                    h.update(fh.read())
            except OSError:
                h.update(b"<unreadable>")
    _hash_tree(h, str(rules_dir()), lambda n: not n.endswith((".pyc", ".pyo")))
    h.update(_libcst_stamp().encode())
    return h.hexdigest()


def _libcst_stamp() -> str:
    """Which libcst is installed, without importing it (about 0.3 s)."""
    try:
        from importlib.util import find_spec

        spec = find_spec("libcst")
        origin = spec.origin if spec is not None else None
        if not origin:
            return "libcst:none"
        folder = os.path.dirname(origin)
        parts = [origin]
        for name in sorted(os.listdir(folder)):
            if name.startswith(("__init__", "_version", "native")):
                st = os.stat(os.path.join(folder, name))
                parts.append(f"{name}:{st.st_size}:{int(st.st_mtime)}")
        return "libcst:" + "|".join(parts)
    except Exception:  # noqa: BLE001 - a fingerprint, never fatal
        return "libcst:?"


def run_key(options: Mapping[str, Any]) -> str:
    """The bucket for one (tool, rules, engine options) combination."""
    # the time limit changes results only when it is hit, and those are never cached
    opts = {k: v for k, v in options.items() if k not in ("progress", "file-time-limit") and not callable(v)}
    basis = tool_fingerprint() + json.dumps(opts, sort_keys=True, default=repr)
    return hashlib.blake2b(basis.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


# --- module names: the dotted name a project file is imported by ---

from .discovery import module_name  # noqa: E402


def short_name(path: str) -> str:
    return module_name(path).rsplit(".", 1)[-1]


def project_fingerprint(paths: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(paths):
        h.update(p.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


# --- (de)serialising findings ---------------------------------------------------------


@lru_cache(maxsize=None)
def _field_names(cls) -> Tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def finding_to_json(f: Finding) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name in _field_names(Finding):
        value = getattr(f, name)
        if name == "related":
            value = [[getattr(r, n) for n in _field_names(Related)] for r in value]
        out[name] = value
    return out


def finding_from_json(data: Mapping[str, Any]) -> Finding:
    kw = {}
    related_fields = _field_names(Related)
    for name in _field_names(Finding):
        if name not in data:
            continue  # a field with a default added since: its default
        value = data[name]
        if name == "related":
            value = tuple(Related(**dict(zip(related_fields, r))) for r in value)
        elif isinstance(value, list):
            value = tuple(value)
        kw[name] = value
    return Finding(**kw)


# --- the cache ---------------------------------------------------------------------


class Cache:
    """One run's view of the cache: a bucket for its run key, statistics, lazy writes."""

    def __init__(self, directory: str, key: str) -> None:
        self.directory = directory
        self.key = key
        self.bucket = os.path.join(directory, key)
        self.stats: Dict[str, int] = {"hits": 0, "misses": 0, "written": 0, "invalid": 0, "write_errors": 0}
        self._ready = False
        self._disabled = False
        self._refused = self._refuses()
        #: the hits of lookup: path -> wall seconds of its analysis when stored (None: not recorded)
        self.seconds: Dict[str, Optional[float]] = {}

    @classmethod
    def open(cls, directory: str, options: Mapping[str, Any]) -> "Cache":
        return cls(directory, run_key(options))

    # ---- entries

    def _entry_path(self, path: str) -> str:
        ident = os.path.abspath(path) + "\0" + path
        name = hashlib.blake2b(ident.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        return os.path.join(self.bucket, name + ".json")

    def _read(self, path: str) -> Optional[Dict[str, Any]]:
        if self._refused:
            return None
        try:
            with open(self._entry_path(path), "rb") as fh:
                data = json.loads(fh.read())
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - corrupt or unreadable: a miss
            self.stats["invalid"] += 1
            return None
        if not isinstance(data, dict) or data.get("v") != FORMAT or data.get("path") != path:
            self.stats["invalid"] += 1
            return None
        if not all(k in data for k in _ENTRY_FIELDS):
            self.stats["invalid"] += 1
            return None
        return data

    def lookup(
        self,
        files: Sequence[Tuple[str, str]],
        hashes: Mapping[str, str],
        texts: Mapping[str, str],
    ) -> Tuple[List[Tuple[str, str]], List[Finding]]:
        """Split ``files`` into misses (to analyse) and the cached findings of the hits.

        ``hashes``: content hash of every project file (path -> hash);
        ``texts``: their texts (for the precise module-name check). A hit
        whose only change is the project's file set gets its stamp refreshed.
        """
        project = project_fingerprint(hashes)
        index: Optional[Dict[str, List[str]]] = None
        words: Dict[str, Set[str]] = {}
        misses: List[Tuple[str, str]] = []
        found: List[Finding] = []
        refresh: List[Tuple[str, Dict[str, Any]]] = []
        for path, text in files:
            entry = self._read(path)
            ok = entry is not None and entry["hash"] == hashes.get(path)
            if ok:
                deps = entry["deps"]
                ok = isinstance(deps, dict) and all(hashes.get(d) == h for d, h in deps.items())
            if ok and entry["project"] != project and entry.get("callers") is not None:
                # a file added or removed that names the module may call its functions
                ok = mentioners(path, list(entry["deps"]), texts, words) == entry["callers"]
            if ok and entry["project"] != project:
                if index is None:
                    index = names_index(hashes)
                rel = relevant(path, list(entry["deps"]), texts, index, words)
                ok = rel == entry["relevant"]
                if ok:
                    refresh.append((path, entry))
            if ok:
                try:
                    found.extend(finding_from_json(f) for f in entry["findings"])
                except Exception:  # noqa: BLE001 - corrupt entry: a miss
                    self.stats["invalid"] += 1
                    ok = False
            if ok:
                self.stats["hits"] += 1
                secs = entry.get("seconds")
                self.seconds[path] = float(secs) if isinstance(secs, (int, float)) else None
            else:
                self.stats["misses"] += 1
                misses.append((path, text))
        for path, entry in refresh:
            entry["project"] = project
            self._write(path, entry)
        return misses, found

    def store(
        self,
        analysed: Sequence[str],
        findings: Sequence[Finding],
        errors: Sequence[Any],
        deps: Mapping[str, Iterable[str]],
        hashes: Mapping[str, str],
        texts: Mapping[str, str],
        seconds: Optional[Mapping[str, float]] = None,
    ) -> None:
        """Record the findings of freshly analysed files (not those with internal errors);
        ``seconds``: their analysis times when measured (--timings), shown when they are hits."""
        analysed_set = set(analysed)
        by_path: Dict[str, List[Finding]] = {p: [] for p in analysed}
        for f in findings:
            if f.path not in analysed_set:
                return  # a finding outside the analysed files: this engine is not per-file; cache nothing
            by_path[f.path].append(f)
        failed = {getattr(e, "path", None) for e in errors}
        if failed - analysed_set:
            return  # a project-wide internal error: cache nothing
        project = project_fingerprint(hashes)
        index = names_index(hashes)
        words: Dict[str, Set[str]] = {}
        for path in analysed:
            if path in failed or path not in hashes:
                continue
            dep_paths = sorted(set(deps.get(path, ())) - {path, CALLERS_DEP})
            if any(d not in hashes for d in dep_paths):
                continue  # depends on something outside the run: do not trust it later
            try:
                entry = {
                    "v": FORMAT,
                    "path": path,
                    "hash": hashes[path],
                    "deps": {d: hashes[d] for d in dep_paths},
                    "project": project,
                    "relevant": relevant(path, dep_paths, texts, index, words),
                    "findings": [finding_to_json(f) for f in by_path[path]],
                    "callers": mentioners(path, dep_paths, texts, words)
                    if CALLERS_DEP in deps.get(path, ()) else None,
                }
            except Exception:  # noqa: BLE001 - not serialisable: just not cached
                continue
            if seconds and path in seconds:
                entry["seconds"] = round(seconds[path], 4)
            if not self._write(path, entry):
                return

    # ---- writing

    def _refuses(self) -> bool:
        """A cache folder (or bucket) that is a symbolic link is never used: a repository could ship
        ``.acl_lint_cache`` pointing anywhere, and acl-lint would write (and prune) there."""
        return os.path.islink(self.directory) or os.path.islink(self.bucket)

    def _prepare(self) -> bool:
        if self._ready or self._disabled:
            return self._ready
        if self._refused:
            self._disabled = True
            return False
        try:
            os.makedirs(self.bucket, exist_ok=True)
            marker = os.path.join(self.bucket, MARKER)
            if not os.path.exists(marker):
                _atomic_write(marker, b"created by acl-lint: this folder and its entries may be pruned\n")
            for name, content in ((".gitignore", "# created by acl-lint\n*\n"),
                                  ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                                                   "# This file is a cache directory tag created by acl-lint.\n")):
                target = os.path.join(self.directory, name)
                if not os.path.exists(target):
                    _atomic_write(target, content.encode())
            self._prune()
            self._ready = True
        except OSError:
            self._disabled = True
            self.stats["write_errors"] += 1
        return self._ready

    def _prune(self) -> None:
        """Keep the most recently used buckets only. A bucket is removed only if acl-lint made it
        (it holds the marker file), and only the files acl-lint writes are deleted from it."""
        try:
            os.utime(self.bucket)
            buckets = []
            for name in os.listdir(self.directory):
                full = os.path.join(self.directory, name)
                if (_BUCKET.match(name) and name != self.key and not os.path.islink(full) and os.path.isdir(full)
                        and os.path.isfile(os.path.join(full, MARKER))):
                    buckets.append((os.stat(full).st_mtime, full))
            buckets.sort(reverse=True)
            if len(buckets) >= KEEP_BUCKETS:
                for _, full in buckets[KEEP_BUCKETS - 1:]:
                    _remove_bucket(full)
        except OSError:
            pass

    def _write(self, path: str, entry: Dict[str, Any]) -> bool:
        if not self._prepare():
            return False
        try:
            data = json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
        except (TypeError, ValueError):
            return True  # this entry only
        try:
            _atomic_write(self._entry_path(path), data)
        except OSError:
            self.stats["write_errors"] += 1
            self._disabled = True
            self._ready = False
            return False
        self.stats["written"] += 1
        return True

    def describe(self) -> str:
        s = self.stats
        return (f"cache {self.directory}: {s['hits']} hit{'s' if s['hits'] != 1 else ''}, "
                f"{s['misses']} miss{'es' if s['misses'] != 1 else ''}, {s['written']} written"
                + (f", {s['invalid']} invalid" if s["invalid"] else "")
                + (", not writable" if s["write_errors"] else "")
                + (", not used: it is a symbolic link" if self._refused else ""))


def _remove_bucket(folder: str) -> None:
    """Delete the entries, temporary files and marker acl-lint wrote; the folder if nothing else is left."""
    for name in os.listdir(folder):
        full = os.path.join(folder, name)
        if (_ENTRY.match(name) or name == MARKER) and not os.path.islink(full) and os.path.isfile(full):
            try:
                os.unlink(full)
            except OSError:
                pass
    try:
        os.rmdir(folder)
    except OSError:
        pass  # something acl-lint did not write is in it: leave it


def _atomic_write(target: str, data: bytes) -> None:
    import tempfile

    folder = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@lru_cache(maxsize=None)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- which project modules a file's imports could resolve to ------------------------------


def names_index(paths: Iterable[str]) -> Dict[str, List[str]]:
    """Short module name -> project paths (``pkg/helpers.py`` and ``helpers/__init__.py`` -> helpers)."""
    out: Dict[str, List[str]] = {}
    for p in paths:
        out.setdefault(short_name(p), []).append(p)
    return out


def _words(path: str, texts: Mapping[str, str], memo: Dict[str, Set[str]]) -> Set[str]:
    w = memo.get(path)
    if w is None:
        text = texts.get(path) or ""
        w = set(_WORD.findall(text))
        # relative imports resolve against the file's own package names
        w.update(module_name(path).split("."))
        memo[path] = w
    return w


def mentioners(path: str, deps: Sequence[str], texts: Mapping[str, str], memo: Dict[str, Set[str]]) -> List[str]:
    """The other project files that name the module of the file or of a dependency: who may
    call their functions (sorted)."""
    names = {short_name(p) for p in [path, *deps]}
    return sorted(p for p in texts if p != path and not names.isdisjoint(_words(p, texts, memo)))


def relevant(path: str, deps: Sequence[str], texts: Mapping[str, str], index: Mapping[str, List[str]],
             memo: Dict[str, Set[str]]) -> List[str]:
    """The project files whose module name the file or its dependencies mention (sorted)."""
    names: Set[str] = set()
    for p in [path, *deps]:
        names |= _words(p, texts, memo)
    out: Set[str] = set()
    for n in names & index.keys():
        out.update(index[n])
    return sorted(out)
