"""Shared pieces of the real-world evaluation (bench/realworld/*.py).

The manifest, where a repository's git directory is, which files of a pinned
commit are pyACL code, and the findings snapshot's format. Only the standard
library and git are used, so the scripts run in any environment that has
acl-lint installed.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - acl-lint depends on tomli there
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.toml"
SNAPSHOT = HERE / "snapshot.tsv"
JUDGMENTS = HERE / "judgments"
SNAPSHOT_HEADER = ("code", "path", "line", "message")
CORPUS_HEADER = ("repo", "path", "lines", "role")
JUDGMENT_HEADER = ("code", "path", "line", "message", "verdict", "reason")
VERDICTS = ("TP", "NOISE", "FP")

# `acl` as a word (not `self.acl`, not `aclnn`) and a call of an acl.* API
ACL_WORD = re.compile(r"(?<![\w.])acl(?!\w)")
ACL_CALL = re.compile(r"(?<![\w.])acl\.[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\s*\(")


def is_pyacl_source(text: str) -> bool:
    """The selection rule: the file names ``acl`` and calls an ``acl.*`` API."""
    return bool(ACL_WORD.search(text) and ACL_CALL.search(text))


@dataclass(frozen=True)
class Repo:
    name: str  # owner/name
    commit: str
    kind: str = ""
    include: Tuple[str, ...] = ("*",)
    exclude: Tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        """The corpus folder and the mirror's directory name: owner+name."""
        return self.name.replace("/", "+")

    def wants(self, path: str) -> bool:
        if not path.endswith(".py"):
            return False
        if not any(fnmatch.fnmatchcase(path, g) for g in self.include):
            return False
        return not any(fnmatch.fnmatchcase(path, g) for g in self.exclude)


@dataclass
class Manifest:
    mirror: str
    out: str
    repos: List[Repo] = field(default_factory=list)

    def git_dir(self, repo: Repo, mirror_root: Optional[str] = None) -> Optional[Path]:
        """The git directory of ``repo`` if it was fetched, else None."""
        if mirror_root:
            base = Path(mirror_root) / repo.folder / "repo"
        else:
            base = Path(self.mirror.format(repo=repo.folder))
        for cand in (base / ".git", base):
            if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
                return cand
        return None


def load_manifest(path: Path = MANIFEST) -> Manifest:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    corpus = data.get("corpus", {})
    repos = []
    for entry in data.get("repo", []):
        repos.append(Repo(
            name=entry["name"],
            commit=entry["commit"],
            kind=entry.get("kind", ""),
            include=tuple(entry.get("include", ["*"])),
            exclude=tuple(entry.get("exclude", [])),
        ))
    names = [r.name for r in repos]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SystemExit(f"{path}: repositories listed twice: {', '.join(dupes)}")
    return Manifest(mirror=corpus.get("mirror", "/work/.mirror/{repo}/repo"),
                    out=corpus.get("out", "/work/rw/corpus"), repos=repos)


def git(git_dir: Path, *args: str, input_: Optional[bytes] = None) -> bytes:
    proc = subprocess.run(["git", "--git-dir", str(git_dir), *args], input=input_,
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def has_commit(git_dir: Path, commit: str) -> bool:
    try:
        git(git_dir, "cat-file", "-e", f"{commit}^{{commit}}")
    except RuntimeError:
        return False
    return True


def _blobs(git_dir: Path, repo: Repo) -> List[Tuple[str, str]]:
    """(path, blob sha) of every file of the pinned commit the manifest's globs want."""
    listing = git(git_dir, "ls-tree", "-r", "-z", repo.commit).split(b"\0")
    blobs: List[Tuple[str, str]] = []
    for row in listing:
        if not row:
            continue
        meta, _, raw_path = row.partition(b"\t")
        mode, kind, sha = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode != b"120000" and repo.wants(path):
            blobs.append((path, sha.decode()))
    return blobs


def _read_blobs(git_dir: Path, repo: Repo, blobs: List[Tuple[str, str]]) -> Iterator[Tuple[str, bytes]]:
    if not blobs:
        return
    proc = subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin and proc.stdout
    try:
        for path, sha in blobs:
            proc.stdin.write(sha.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3:  # "<sha> missing": the snapshot lacks big files
                print(f"  {repo.name}: {path} is not in the snapshot (skipped)", file=sys.stderr)
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)
            yield path, data
    finally:
        proc.stdin.close()
        proc.wait()


def selected_files(git_dir: Path, repo: Repo) -> Iterator[Tuple[str, bytes, str]]:
    """(path, content, role) of every file of the pinned commit the corpus takes: role
    ``pyacl`` for the files the selection rule takes, ``context`` for the other ``.py``
    files in their folders and in every folder above them up to the repository's root: the
    scripts that import and run the pyACL code. Without them, whether an error path ends the
    process cannot be told, as it can on a user's checkout. Not sibling folders: whole small
    repositories (1,311 files) cost more than they told."""
    blobs = _blobs(git_dir, repo)
    picked = set()
    for path, data in _read_blobs(git_dir, repo, blobs):
        if is_pyacl_source(data.decode("utf-8", "replace")):
            picked.add(path)
            yield path, data, "pyacl"
    near = set()
    for p in picked:  # each folder holding pyACL code and every folder above it, to the root
        d = posixpath.dirname(p)
        while d not in near:
            near.add(d)
            if not d:
                break
            d = posixpath.dirname(d)
    context = [(p, sha) for p, sha in blobs if p not in picked and posixpath.dirname(p) in near]
    for path, data in _read_blobs(git_dir, repo, context):
        yield path, data, "context"


def count_lines(data: bytes) -> int:
    """Physical lines, as `wc -l` counts them plus an unterminated last line."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def corpus_files(root: Path) -> List[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


# --- TSV (tab-separated, one finding per row; tabs/newlines in text escaped) --

def _esc(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unesc(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append({"t": "\t", "n": "\n", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def write_tsv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(header) + "\n")
        for row in rows:
            fh.write("\t".join(_esc(v) for v in row) + "\n")


def read_tsv(path: Path, header: Sequence[str]) -> List[Dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    if not lines or tuple(lines[0].split("\t")) != tuple(header):
        raise SystemExit(f"{path}: expected the header {' '.join(header)}")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = [_unesc(c) for c in line.split("\t")]
        if len(cells) != len(header):
            raise SystemExit(f"{path}:{n}: expected {len(header)} tab-separated columns, got {len(cells)}")
        rows.append(dict(zip(header, cells)))
    return rows


def read_snapshot(path: Path = SNAPSHOT) -> List[Tuple[str, str, int, str]]:
    if not path.exists():
        return []
    return [(r["code"], r["path"], int(r["line"]), r["message"]) for r in read_tsv(path, SNAPSHOT_HEADER)]
