"""The process pool gives exactly the findings of an in-process run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_folders_that_import_one_helper_module_are_one_group():
    """Two folders whose files import the same project module (one that never names acl, so not
    analysed itself) are analysed together: the helper is parsed and summarised once. The imports
    resolve as the engine resolves them: beside the importer first, relative to its package."""
    files = [("app1/run.py", "import acl\nfrom common.helpers import check\n"),
             ("app2/main.py", "import acl\nfrom common import helpers\n"),
             ("app3/serve.py", "import acl\nfrom .local import util\n"), ("app3/local/util.py", "import acl\n"),
             ("app4/x.py", "import acl\nimport helpers\n")]
    context = [("common/helpers.py", "def check(ret):\n    pass\n"), ("app4/helpers.py", "y = 1\n")]
    together = sorted(sorted(g) for g in parallel.groups(files, context))
    assert together == [[0, 1], [2, 3], [4]]
    assert sorted(sorted(g) for g in parallel.groups(files)) == [[0], [1], [2, 3], [4]]


def test_groups_are_packed_largest_first_into_equal_chunks():
    sizes = [900, 700, 500, 300, 100] * 2
    files = [(f"pkg{k}/m.py", "x = 1\n" * (n - 1)) for k, n in enumerate(sizes)]
    chunks = parallel.plan_chunks(files, 2, target=1000)
    assert sorted(sum(sizes[i] for i in c) for c in chunks) == [1000] * 5
    assert sorted(i for c in chunks for i in c) == list(range(len(files)))


# --- doing less: what is skipped could not have produced a finding ---------------------------

import acl_lint.lint as lint_mod  # noqa: E402
from acl_lint.config import Settings  # noqa: E402
from acl_lint.findings import Finding  # noqa: E402
from acl_lint.report import render  # noqa: E402
from acl_lint.sources import SourceError, read_source  # noqa: E402
from acl_lint.suppress import apply_suppressions  # noqa: E402


def test_prefilter_is_the_engines():
    from acl_lint.static import engine

    expected = {
        "import acl\n": True, "import acl as pyacl\n": True, "from acl import rt\n": True,
        "x = self.acl.rt.malloc(1)\n": False, "class A(metaclass=M): pass\n": False,
        "acllite_like.x()\n": False, "_acl = 1\n": False, "# acl-lint: ignore\n": True, "acl": True,
        "": False, "obj.acl\n": False, "é acl\n": True, "éacl\n": False, "(acl)\n": True,
    }
    for text, want in expected.items():
        assert lint_mod.mentions_acl(text) is want, text
        assert engine.mentions_acl is lint_mod.mentions_acl  # one prefilter for both


def test_one_engine_call_on_every_file_gives_the_same_report(monkeypatch):
    """The prefilter, the subset with project_files, and the pool change nothing."""
    from acl_lint.static import engine

    monkeypatch.chdir(REPO)
    ours = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=2), "json")
    monkeypatch.setattr(lint_mod, "_incremental_engine", lambda: False)  # the classic call, every file at once
    classic = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=1), "json")
    assert ours == classic
    assert engine.analyze_files  # the real engine ran


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
        "latin.py": b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
        "second.py": b"#!/bin/py\n# coding: latin-1\nx='\xe9'\n",
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


def _fake_analyse(files, options, project, read):
    """Stands in for the engine: one finding per file; a pool worker that meets 'CRASH' dies
    (as a worker killed for memory would; the chunk is redone in an isolated process)."""
    import multiprocessing as _mp
    import os as _os

    out = []
    for path, text in files:
        if "CRASH" in text and _os.getpid() != PARENT_PID and _mp.current_process().name != "acl-lint-isolated":
            _os._exit(3)
        assert read(path) == text
        out.append(Finding("ACL101", f"{len(text)}", path, 1, 1, 1, 2, function="f"))
    return out, [], {path: set() for path, _ in files}


PARENT_PID = os.getpid()


@pytest.mark.skipif(sys.platform == "win32", reason="fork start method")
def test_a_dead_worker_costs_time_not_results():
    files = [(f"d{i % 3}/m{i}.py", ("CRASH\n" if i == 5 else "") + "x = 1\n" * 400) for i in range(12)]
    texts = dict(files)
    findings, errors, deps = parallel.analyse_in_pool(files, {}, list(texts), texts, _fake_analyse, 2)
    assert sorted(f.path for f in findings) == sorted(texts)
    assert errors == [] and set(deps) == set(texts)


def test_big_trees_get_more_chunks_not_bigger_ones():
    files = [(f"pkg{d}/mod{m}.py", "x = 1\n" * 500) for d in range(40) for m in range(4)]  # 80 kLOC
    for jobs in (1, 2, 8):
        chunks = parallel.plan_chunks(files, jobs)
        assert sorted(i for c in chunks for i in c) == list(range(len(files)))
        assert all(sum(501 for _ in c) <= parallel.MAX_CHUNK_LINES for c in chunks)


def test_in_process_chunks_give_the_one_call_report_and_free_each_engine(monkeypatch):
    """--jobs 1 on a big tree: one engine per chunk, each one garbage (trees, states) before the
    next is built, and the report of one engine call on every file."""
    import weakref

    from acl_lint.static import engine

    monkeypatch.chdir(REPO)
    refs, alive = [], []
    original = engine.Engine.__init__

    def init(self, *args, **kwargs):
        alive.append(sum(r() is not None for r in refs))
        refs.append(weakref.ref(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(engine.Engine, "__init__", init)
    monkeypatch.setattr(parallel, "MAX_CHUNK_LINES", 2500)
    chunked = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=1), "json")
    assert len(refs) >= 4 and alive == [0] * len(refs)
    monkeypatch.setattr(lint_mod, "_incremental_engine", lambda: False)  # the classic call, every file at once
    classic = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=1), "json")
    assert chunked == classic


def _sleep_then(seconds, value):
    import time as _time

    _time.sleep(seconds)
    if value == "die":
        os._exit(5)
    return value, os.getpid()


@pytest.mark.skipif(sys.platform == "win32", reason="fork start method")
def test_run_many_forks_a_child_per_call_a_few_at_once():
    """The pool on Linux: one child per call, at most ``jobs`` at once and one heavy one; outcomes in
    the order of the calls, a child that dies or runs out of time named as such."""
    import time

    from acl_lint import isolate

    calls = [isolate.Call(_sleep_then, (0.4, "big1"), heavy=True), isolate.Call(_sleep_then, (0.4, "big2"), heavy=True),
             isolate.Call(_sleep_then, (0.1, "a")), isolate.Call(_sleep_then, (0.1, "die")),
             isolate.Call(_sleep_then, (5, "slow"), timeout=0.3)]
    ended = []
    t0 = time.monotonic()
    out = isolate.run_many(calls, 2, lambda k, outcome: ended.append(k), max_heavy=1)
    assert time.monotonic() - t0 < 3
    assert [o[0] for o in out] == ["ok", "ok", "ok", "crash", "timeout"]
    assert out[0][1][0] == "big1" and out[2][1][0] == "a" and "exited with status 5" in out[3][1]
    assert len({o[1][1] for o in out[:3]} | {os.getpid()}) == 4  # each in a child of its own
    assert ended.index(2) < ended.index(1)  # big2 waited for big1; the small one ran beside it


def test_big_files_run_beside_the_chunks_with_their_times(monkeypatch, tmp_path):
    """Files too big to analyse in-process run in children of their own, beside the pool's
    chunks, those that import each other in one engine: the same findings as in-process, and
    --timings shows them."""
    from acl_lint import isolate
    from acl_lint.timings import Report

    if not isolate.available():
        pytest.skip("fork")
    monkeypatch.chdir(REPO)
    serial = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=1), "json")
    sizes = sorted(len(p.read_text()) for p in (REPO / "corpus").rglob("*.py"))
    monkeypatch.setattr(isolate, "ISOLATE_BYTES", sizes[-3])  # the three biggest files are "big"
    stats = {"timings": Report(top=500)}
    pooled = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=2, stats=stats), "json")
    assert pooled == serial
    big = [p for p in (REPO / "corpus").rglob("*.py") if len(p.read_text()) >= sizes[-3]]
    timed = {os.path.normpath(p) for p in stats["timings"].files}
    assert len(big) >= 3 and all(os.path.normpath(str(p.relative_to(REPO))) in timed for p in big)


def test_small_files_beside_or_importing_a_big_one_go_with_it():
    big = [("pkg/huge.py", "import acl\n" * 50)]
    small = [("pkg/util.py", "x = 1\n"), ("app/main.py", "from pkg.huge import run\n"), ("other/a.py", "y = 2\n")]
    together, rest = parallel.with_companions(big, small)
    assert [p for p, _ in together] == ["pkg/huge.py", "pkg/util.py", "app/main.py"]
    assert rest == [("other/a.py", "y = 2\n")]
    assert parallel.with_companions([], small) == ([], small)


def test_the_call_graphs_word_index_is_built_once_for_the_whole_run(monkeypatch, tmp_path):
    """Which files may call a function (static/callers.py) comes from a word index of every
    project file: the pool builds it once before forking, in-process chunks share it (it used to
    be built again by every chunk, the parse guard included). Same report either way."""
    from acl_lint import isolate
    from acl_lint.static import callers

    monkeypatch.chdir(REPO)
    log = tmp_path / "scans"
    original = callers.words_of

    def logged(text):
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return original(text)

    monkeypatch.setattr(callers, "words_of", logged)
    monkeypatch.setattr(callers, "_FILE_WORDS", {})  # (the per-process memo of earlier tests)
    monkeypatch.setattr(parallel, "MAX_CHUNK_LINES", 2500)  # several chunks, in-process and forked
    files = [p for p in (REPO / "corpus").rglob("*.py") if p.stat().st_size]  # (an empty file has no words)
    serial = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=1), "json")
    scans = log.read_text().split()
    assert set(scans) == {str(os.getpid())} and len(scans) == len(files)
    if not isolate.available():
        return
    log.unlink()
    monkeypatch.setattr(callers, "_FILE_WORDS", {})
    stats = {}
    pooled = render(lint_mod.lint_paths(["corpus"], Settings(), jobs=2, stats=stats), "json")
    assert pooled == serial and stats["workers"] == 2
    scans = log.read_text().split()
    assert set(scans) == {str(os.getpid())} and len(scans) == len(files)  # in the parent, each file once


def test_the_shared_word_index_withholds_what_the_parse_guard_withholds():
    """A file CPython rejects as nested too deeply is no candidate caller (libcst could crash on
    it), with the run's shared word index as without it."""
    from acl_lint import project_texts
    from acl_lint.static import callers
    from acl_lint.static.callers import CallGraph
    from acl_lint.static.engine import Engine
    from acl_lint.static.parse import parse_module

    texts = {"pkg/lib.py": "import acl\ndef run():\n    acl.rt.malloc(1, 0)\n",
             "app/a.py": "from pkg.lib import run\nrun()\n",
             "app/deep.py": "from pkg.lib import run\nrun()\nx = " + "(" * 300 + ")" * 300 + "\n",
             "app/b.py": "import os\n"}
    found = []
    for shared in (False, True):
        reader = project_texts.guarded_reader(texts)
        eng = Engine({})
        eng.index.known(texts)
        eng.project_loader = reader
        eng.project_text = reader.unchecked
        if shared:
            callers._FILE_WORDS.clear()
            reader.words.fill()
        mod = eng.index.add("pkg/lib.py", parse_module(texts["pkg/lib.py"]), texts["pkg/lib.py"])
        found.append(list(CallGraph(eng, [mod])._candidates(mod.functions["run"])))
    assert found == [["app/a.py"], ["app/a.py"]]
