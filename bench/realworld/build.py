"""Rebuild the real-world corpus from fetched git directories, outside the repository.

    python bench/realworld/build.py                  # -> /work/rw/corpus (manifest's `out`)
    python bench/realworld/build.py --out DIR        # elsewhere
    python bench/realworld/build.py --mirror-root D  # git dirs at D/owner+name/repo
    python bench/realworld/build.py --repo Ascend/samples   # only these (repeatable)

One folder per repository (`owner+name/`), holding only the selected files
of the pinned commit, read with `git cat-file` (no checkout). The output
folder is replaced as a whole (only if it is empty or was made by this
script), and a `CORPUS.tsv` index (repo, path, lines) is written next to the
folders. Repositories that were not fetched, or whose mirror lacks the pinned
commit, are listed with how to fetch them; the exit status is 1 then (the
corpus is still built from the others), 0 when every repository is there.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rwlib  # noqa: E402

MARK = ".acl-lint-realworld"
REPO_ROOT = Path(__file__).resolve().parents[2]


def _prepare(out: Path) -> None:
    out = out.resolve()
    if out == REPO_ROOT or REPO_ROOT in out.parents:
        raise SystemExit(f"refusing to build inside the repository ({out}): third-party code stays outside it")
    if out.exists():
        if not (out / MARK).exists() and any(out.iterdir()):
            raise SystemExit(f"{out} exists and was not made by build.py: choose another --out or empty it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARK).write_text("built by bench/realworld/build.py; replaced on every build\n")


def how_to_fetch(name: str, mirror: str) -> str:
    return (f"fetch it with the search tool (`fetch github:{name}`), or "
            f"`git clone --bare https://github.com/{name} {mirror}`")


def build(manifest: rwlib.Manifest, out: Path, mirror_root: str, only: List[str]) -> int:
    repos = [r for r in manifest.repos if not only or r.name in only]
    unknown = sorted(set(only) - {r.name for r in manifest.repos})
    if unknown:
        raise SystemExit(f"not in the manifest: {', '.join(unknown)}")
    _prepare(out)
    index: List[Tuple[str, str, int, str]] = []
    missing: List[str] = []
    for repo in repos:
        git_dir = manifest.git_dir(repo, mirror_root)
        where = (f"{mirror_root}/{repo.folder}/repo" if mirror_root
                 else manifest.mirror.format(repo=repo.folder))
        if git_dir is None:
            missing.append(f"  {repo.name}: not fetched (no git directory at {where}); "
                           + how_to_fetch(repo.name, where))
            continue
        if not rwlib.has_commit(git_dir, repo.commit):
            head = rwlib.git(git_dir, "rev-parse", "HEAD").decode().strip()
            missing.append(f"  {repo.name}: the mirror at {git_dir} (HEAD {head[:12]}) lacks the pinned "
                           f"commit {repo.commit[:12]}; fetch a newer snapshot or a full clone")
            continue
        count = lines = context = 0
        for path, data, role in rwlib.selected_files(git_dir, repo):
            target = out / repo.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            n = rwlib.count_lines(data)
            index.append((repo.name, f"{repo.folder}/{path}", n, role))
            if role == "pyacl":
                count += 1
                lines += n
            else:
                context += 1
        print(f"{repo.name:45} {repo.commit[:12]}  {count:4d} files  {lines:7d} lines  "
              f"(+{context} context files)")
    rwlib.write_tsv(out / "CORPUS.tsv", rwlib.CORPUS_HEADER, sorted(index))
    present = len(repos) - len(missing)
    pyacl = [n for _, _, n, role in index if role == "pyacl"]
    print(f"\n{out}: {present} of {len(repos)} repositories, {len(pyacl)} files, "
          f"{sum(pyacl) / 1000:.1f} kLOC of pyACL code (+{len(index) - len(pyacl)} context files "
          f"beside them, {(sum(n for _, _, n, _ in index) - sum(pyacl)) / 1000:.1f} kLOC)")
    if missing:
        print(f"\nmissing ({len(missing)}), the corpus lacks them:", file=sys.stderr)
        print("\n".join(missing), file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", default=str(rwlib.MANIFEST), help="manifest (default: manifest.toml here)")
    ap.add_argument("--out", help="corpus folder (default: the manifest's `out`)")
    ap.add_argument("--mirror-root", default="",
                    help="folder holding owner+name/repo git directories (default: the manifest's `mirror`)")
    ap.add_argument("--repo", action="append", default=[], help="only this repository (owner/name)")
    args = ap.parse_args(argv)
    manifest = rwlib.load_manifest(Path(args.manifest))
    return build(manifest, Path(args.out or manifest.out), args.mirror_root, args.repo)


if __name__ == "__main__":
    sys.exit(main())
