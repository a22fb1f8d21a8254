"""bench/realworld end to end, on a synthetic git repository (no third-party code):
the corpus is rebuilt from a pinned commit with only the pyACL files, missing
repositories are named with how to fetch them, run.py writes and diffs the
snapshot, sample.py draws a seeded sample, precision.py prints the table and
api_coverage.py the catalogue coverage."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RW = REPO / "bench" / "realworld"
sys.path.insert(0, str(RW))

import rwlib  # noqa: E402

LEAK = "import acl\n\n\ndef f():\n    buf, ret = acl.rt.malloc(64, 0)\n    return ret\n"
FIXED = "import acl\n\n\ndef f():\n    buf, ret = acl.rt.malloc(64, 0)\n    acl.rt.free(buf)\n    return ret\n"
PINNED_LATER = "import acl\n\nacl.init()\n# changed after the pinned commit\n"


def script(name, *args, cwd=REPO):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, str(RW / name), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=120)


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


@pytest.fixture()
def mirror(tmp_path):
    """A mirror with one fetched repository (owner/app) at a pinned commit, and a manifest
    that also lists one repository that was never fetched."""
    repo = tmp_path / "mirror" / "owner+app" / "repo"
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    files = {
        "src/leak.py": LEAK,
        "src/sub/init.py": "import acl\nacl.init()\n",
        "src/plain.py": "print('no pyACL here')\n",
        "src/word_only.py": "# acl is mentioned, nothing is called\n",
        "src/attr_only.py": "self.acl.rt.malloc(1, 0)\n",
        "vendor/leak.py": LEAK,
        "README.md": "import acl\nacl.init()\n",
    }
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "pinned")
    pinned = git(repo, "rev-parse", "HEAD")
    (repo / "src/sub/init.py").write_text(PINNED_LATER)
    git(repo, "commit", "-qam", "later")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f'[corpus]\nmirror = "{tmp_path}/mirror/{{repo}}/repo"\nout = "{tmp_path}/corpus"\n\n'
        f'[[repo]]\nname = "owner/app"\ncommit = "{pinned}"\nexclude = ["vendor/*"]\n\n'
        f'[[repo]]\nname = "someone/never-fetched"\ncommit = "{"0" * 40}"\n')
    return tmp_path, manifest


def test_build_takes_the_pinned_pyacl_files_and_names_missing_repositories(mirror):
    tmp, manifest = mirror
    proc = script("build.py", "--manifest", manifest)
    assert proc.returncode == 1, proc.stderr
    corpus = tmp / "corpus"
    got = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.py"))
    # the pyACL files, and as context the other .py files of their folders and the folders
    # just above them (src/ for both; the repository root for src/sub): never vendor/ (excluded)
    assert got == ["owner+app/src/attr_only.py", "owner+app/src/leak.py", "owner+app/src/plain.py",
                   "owner+app/src/sub/init.py", "owner+app/src/word_only.py"]
    assert (corpus / "owner+app/src/sub/init.py").read_text() == "import acl\nacl.init()\n"  # the pinned commit
    assert "someone/never-fetched: not fetched" in proc.stderr
    assert "fetch github:someone/never-fetched" in proc.stderr
    assert "1 of 2 repositories, 2 files" in proc.stdout and "+3 context files" in proc.stdout
    index = rwlib.read_tsv(corpus / "CORPUS.tsv", ("repo", "path", "lines", "role"))
    assert [(r["path"], r["lines"], r["role"]) for r in index] == [
        ("owner+app/src/attr_only.py", "1", "context"), ("owner+app/src/leak.py", "6", "pyacl"),
        ("owner+app/src/plain.py", "1", "context"), ("owner+app/src/sub/init.py", "2", "pyacl"),
        ("owner+app/src/word_only.py", "1", "context")]
    # a rebuild replaces the folder it made; a folder it did not make is refused
    assert script("build.py", "--manifest", manifest, "--repo", "owner/app").returncode == 0
    foreign = tmp / "mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    proc = script("build.py", "--manifest", manifest, "--out", foreign)
    assert proc.returncode != 0 and "was not made by build.py" in proc.stderr
    assert (foreign / "keep.txt").exists()
    proc = script("build.py", "--manifest", manifest, "--out", REPO / "corpus-tmp")
    assert proc.returncode != 0 and "inside the repository" in proc.stderr


def test_build_reports_a_mirror_without_the_pinned_commit(mirror):
    tmp, manifest = mirror
    text = manifest.read_text().replace('name = "someone/never-fetched"\ncommit = "' + "0" * 40,
                                        'name = "owner/app2"\ncommit = "' + "1" * 40)
    manifest.write_text(text)
    (tmp / "mirror" / "owner+app2").symlink_to(tmp / "mirror" / "owner+app")
    proc = script("build.py", "--manifest", manifest)
    assert proc.returncode == 1
    assert "owner/app2: the mirror at" in proc.stderr and "lacks the pinned commit 111111111111" in proc.stderr


def test_run_writes_the_snapshot_and_diffs_it(mirror):
    tmp, manifest = mirror
    script("build.py", "--manifest", manifest)
    corpus, snap = tmp / "corpus", tmp / "snapshot.tsv"
    acl_lint = f"{sys.executable} -m acl_lint"
    proc = script("run.py", "--corpus", corpus, "--snapshot", snap, "--acl-lint", acl_lint)
    assert proc.returncode == 0, proc.stderr
    rows = rwlib.read_snapshot(snap)
    assert ("ACL101", "owner+app/src/leak.py", 5) in {r[:3] for r in rows}
    assert "pyACL code: 2 files, 8 lines (0.0 kLOC); acl-lint checked 5 files" in proc.stdout
    assert "distinct file contents (vendored copies once): 2 files" in proc.stdout
    assert "+ ACL101 owner+app/src/leak.py:5:" in proc.stdout
    again = script("run.py", "--corpus", corpus, "--snapshot", snap, "--acl-lint", acl_lint, "--check")
    assert "no change against the committed snapshot" in again.stdout
    (corpus / "owner+app/src/leak.py").write_text(FIXED)
    fixed = script("run.py", "--corpus", corpus, "--snapshot", snap, "--acl-lint", acl_lint)
    assert "ACL101 +0 -1" in fixed.stdout and "- ACL101 owner+app/src/leak.py:5:" in fixed.stdout
    assert ("ACL101", "owner+app/src/leak.py", 5) not in {r[:3] for r in rwlib.read_snapshot(snap)}
    # a saved report (paths as acl-lint prints them from the corpus root) instead of a run
    report = tmp / "report.json"
    report.write_text('{"version": "x", "files_checked": 2, "errors": [], "findings": [{"code": "ACL101", '
                      '"path": "./owner+app/src/leak.py", "line": 5, "message": "leaked"}]}')
    saved = script("run.py", "--corpus", corpus, "--snapshot", snap, "--report", report, "--check")
    assert saved.returncode == 0, saved.stderr
    assert "from --report" in saved.stdout and "+ ACL101 owner+app/src/leak.py:5: leaked" in saved.stdout


def test_sample_is_seeded_and_precision_prints_the_table(tmp_path):
    snap = tmp_path / "snapshot.tsv"
    rows = [(f"ACL10{i % 3 + 1}", f"r/f{i}.py", i + 1, f"message {i}") for i in range(20)]
    rwlib.write_tsv(snap, rwlib.SNAPSHOT_HEADER, rows)
    a, b, c = tmp_path / "a.tsv", tmp_path / "b.tsv", tmp_path / "c.tsv"
    for out, seed in ((a, 7), (b, 7), (c, 8)):
        assert script("sample.py", "--seed", seed, "--size", 6, "--snapshot", snap, "--out", out).returncode == 0
    assert a.read_text() == b.read_text() != c.read_text()
    again = script("sample.py", "--seed", 7, "--size", 6, "--snapshot", snap, "--out", a)
    assert again.returncode == 2 and "not overwritten" in again.stderr
    assert script("sample.py", "--seed", 1, "--size", 99, "--snapshot", snap, "--out", tmp_path / "d.tsv").returncode

    picked = rwlib.read_tsv(a, rwlib.JUDGMENT_HEADER)
    verdicts = ["TP", "TP", "NOISE", "FP", "TP", ""]
    judged = [(r["code"], r["path"], r["line"], r["message"], v, "why") for r, v in zip(picked, verdicts)]
    rwlib.write_tsv(a, rwlib.JUDGMENT_HEADER, judged)
    proc = script("precision.py", a, "--reasons")
    assert proc.returncode == 1  # one row is not judged yet
    total = [line for line in proc.stdout.splitlines() if line.startswith("all ")][0]
    assert total.split()[:7] == ["all", "6", "3", "1", "1", "60.0%", "20.0%"]
    assert "(1 unjudged)" in total
    assert "FP    " in proc.stdout and "NOISE " in proc.stdout
    judged[-1] = judged[-1][:4] + ("TP", "why")
    rwlib.write_tsv(a, rwlib.JUDGMENT_HEADER, judged)
    other = [judged[0][:4] + ("TP", "same"), ("ACL101", "r/new.py", "9", "m", "FP", "no")]
    rwlib.write_tsv(c, rwlib.JUDGMENT_HEADER, other)
    both = script("precision.py", a, c)
    assert both.returncode == 0, both.stderr
    union = both.stdout.split("each distinct finding once: ")[1]
    assert union.startswith("7 findings")  # the shared row counts once
    assert [line.split()[:5] for line in union.splitlines() if line.startswith("all ")] == [
        ["all", "7", "4", "1", "2"]]
    rwlib.write_tsv(c, rwlib.JUDGMENT_HEADER, [judged[0][:4] + ("FP", "changed my mind")])
    clash = script("precision.py", a, c)
    assert clash.returncode == 2 and "conflict:" in clash.stderr
    judged[-1] = judged[-1][:4] + ("MAYBE", "?")
    rwlib.write_tsv(a, rwlib.JUDGMENT_HEADER, judged)
    bad = script("precision.py", a)
    assert bad.returncode == 2 and "TP, NOISE, FP" in bad.stderr


def test_api_coverage_counts_call_sites_against_the_catalogue(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "r").mkdir(parents=True)
    (corpus / "r" / "a.py").write_text(
        "import acl\nacl.init()\nacl.rt.malloc(1, 0)\nacl.rt.malloc(2, 0)\n"
        "acl.mdl.destroy_model(1)\nacl.op.cast(1)\nself.acl.rt.free(0)\n")
    (corpus / "r" / "py2.py").write_text("import acl\nprint 'x'\nacl.op.cast(2)\n")
    rules = tmp_path / "rules"
    (rules / "api").mkdir(parents=True)
    (rules / "api" / "x.toml").write_text('[[api]]\ncall = "init"\n\n[[api]]\ncall = "rt.malloc"\n')
    (rules / "unknown_api.toml").write_text('[[unknown]]\nname = "mdl.destroy_model"\n')
    names, missing = tmp_path / "names.tsv", tmp_path / "missing.tsv"
    proc = script("api_coverage.py", "--corpus", corpus, "--rules", rules, "--out", names,
                  "--uncatalogued", missing)
    assert proc.returncode == 0, proc.stderr
    assert "4 acl.* names, 6 call sites" in proc.stdout
    assert "coverage: 66.7% of call sites" in proc.stdout
    assert "1 files not parseable by ast" in proc.stdout
    table = {r["name"]: (r["call_sites"], r["catalogued"]) for r in
             rwlib.read_tsv(names, ("name", "call_sites", "files", "catalogued"))}
    assert table == {"rt.malloc": ("2", "yes"), "op.cast": ("2", "no"), "init": ("1", "yes"),
                     "mdl.destroy_model": ("1", "invented")}
    assert rwlib.read_tsv(missing, ("name", "call_sites", "files")) == [
        {"name": "acl.op.cast", "call_sites": "2", "files": "2"}]


def test_the_committed_manifest_snapshot_and_judgments_are_well_formed():
    manifest = rwlib.load_manifest()
    assert len(manifest.repos) >= 15
    assert all(len(r.commit) == 40 for r in manifest.repos)
    rows = rwlib.read_snapshot()
    assert rows == sorted(rows) and rows
    for path in rwlib.JUDGMENTS.glob("*.tsv"):
        judged = rwlib.read_tsv(path, rwlib.JUDGMENT_HEADER)
        assert len(judged) >= 60
        assert all(r["verdict"] in rwlib.VERDICTS and r["reason"] for r in judged)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d-seed\d+\.tsv", path.name)
