"""The process pool gives exactly the findings of an in-process run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from acl_lint import parallel

REPO = Path(__file__).resolve().parent.parent


def cli_json(*args: str):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "acl_lint", "--format", "json", "--no-cache", "--verbose", *args],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc.stderr


def test_jobs_2_equals_jobs_1_on_the_corpus():
    serial, err1 = cli_json("--jobs", "1", "corpus")
    pooled, err2 = cli_json("--jobs", "2", "corpus")
    assert "in-process" in err1
    assert "in 2 processes" in err2  # the corpus is big enough for the pool
    assert pooled == serial
    assert serial["findings"]


def test_small_runs_stay_in_process():
    files = [(f"d/m{i}.py", "import acl\n" * 10) for i in range(3)]
    assert not parallel.worth_a_pool(files, 8)
    many = [(f"d/m{i}.py", "import acl\n" * 300) for i in range(10)]
    assert parallel.worth_a_pool(many, 2)
    assert not parallel.worth_a_pool(many, 1)


def test_chunks_keep_folders_together_and_cover_every_file():
    files = []
    for d in range(6):
        for m in range(5):
            files.append((f"pkg{d}/mod{m}.py", "x = 1\n" * 100))
    chunks = parallel.plan_chunks(files, 2)
    assert sorted(i for c in chunks for i in c) == list(range(len(files)))
    assert len(chunks) > 1
    for chunk in chunks:
        folders = {os.path.dirname(files[i][0]) for i in chunk}
        for folder in folders:  # a folder of 500 lines fits a chunk: never split
            members = {i for i, (p, _) in enumerate(files) if os.path.dirname(p) == folder}
            assert members <= set(chunk)


def test_an_oversized_folder_is_split():
    files = [(f"big/mod{m}.py", "x = 1\n" * 1000) for m in range(12)]
    chunks = parallel.plan_chunks(files, 2)
    assert len(chunks) > 1
    assert [i for c in chunks for i in c] == list(range(12))


# --- doing less: what is skipped could not have produced a finding ---------------------------

import acl_lint.lint as lint_mod  # noqa: E402
from acl_lint.config import Settings  # noqa: E402
from acl_lint.findings import Finding  # noqa: E402
from acl_lint.report import render  # noqa: E402
from acl_lint.sources import SourceError, read_source  # noqa: E402
from acl_lint.suppress import apply_suppressions  # noqa: E402


def test_prefilter_keeps_every_finding_of_the_corpus(monkeypatch):
    monkeypatch.chdir(REPO)
    filtered = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=1), "json")
    monkeypatch.setattr(lint_mod, "relevant_files", lambda files: {p for p, _ in files})
    everything = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=1), "json")
    assert filtered == everything


def test_relevant_files():
    files = [
        ("pkg/hw.py", "import acl\n\ndef alloc(n):\n    return acl.rt.malloc(n, 0)\n"),
        ("pkg/app.py", "from .hw import alloc\nfrom dataclasses import dataclass\n"),
        ("pkg/far.py", "from pkg.app import (\n    x,\n    y,\n)\n# dataclass\n"),
        ("pkg/meta.py", "class A(metaclass=type):\n    pass\n"),
        ("pkg/rel.py", "from . import thing  # a relative import of the package (macl)\n"),
        ("other/oracle.py", "import os  # oracle\n"),
    ]
    got = lint_mod.relevant_files(files)
    assert got == {"pkg/hw.py", "pkg/app.py", "pkg/far.py"}
    files.append(("pkg/__init__.py", "import acl\n"))
    assert "pkg/rel.py" in lint_mod.relevant_files(files)


SUPPRESSION_TEXTS = [
    "x = 1\n",
    "import os  # noqa: E402\nx = 1\n",
    "x = 1  # noqa\n",
    "x = 1  # NOQA:acl101\n",
    "x = 1  # noqa: E501, ACL101\n",
    "x = 1  # acl-lint: ignore\n",
    "x = 1  # acl-lint: ignore[ACL101]\n",
    "# acl-lint: skip-file\nx = 1\n",
    '"""acl-lint reports things"""\nx = 1  # noqa: F401\n',
    's = "# noqa: ACL101"\n',
    "x = (1,\n     2)  # noqa\n",
]


def test_skipping_apply_suppressions_changes_nothing():
    finding = Finding("ACL101", "leak", "a.py", 1, 1, 1, 2, function="f")
    enabled = frozenset({"ACL101", "ACL002"})
    for text in SUPPRESSION_TEXTS:
        for found in ([], [finding]):
            if not lint_mod._may_suppress(text, bool(found)):
                assert apply_suppressions("a.py", text, list(found), enabled) == found, text


def test_fast_reader_reads_like_read_source(tmp_path):
    cases = {
        "plain.py": b"x = 1\n", "bom.py": b"\xef\xbb\xbfx = 1\n", "crlf.py": b"x = 1\r\ny = 2\r\n",
        "latin.py": b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "second.py": b"#!/bin/py\n# coding: latin-1\nx='\xe9'\n",
        "third.py": b"\n\n# coding: latin-1\n", "nul.py": b"x = 1\x00\n", "bad.py": b"x = '\xff'\n",
        "badcoding.py": b"# coding: nope\nx = 1\n", "empty.py": b"", "big.py": b"x = 1\n" * 50,
    }
    paths = []
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    (tmp_path / "dir.py").mkdir()
    paths += [str(tmp_path / "dir.py"), str(tmp_path / "missing.py")]

    def outcome(fn, path, size):
        try:
            return ("text", fn(path, size))
        except SourceError as exc:
            return ("error", exc.reason, exc.line, exc.column)

    for path in paths:
        for size in (2 * 1024 * 1024, 64):
            assert outcome(lint_mod._read, path, size) == outcome(read_source, path, size), path
