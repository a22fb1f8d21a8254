"""No input, file or thread takes a run down or hides a finding (issue 13).

Each test reproduces one way a run used to crash, hang or claim "All checks passed!" for
code it never checked.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from acl_lint import cli, parallel
from acl_lint.static import engine, interp

ROOT = Path(__file__).resolve().parent.parent
LEAKY = textwrap.dedent('''
    import acl


    def leaky(size):
        ptr, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            return
''')


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "acl_lint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


# --- 1. nesting that crashes libcst's native parser ----------------------------------------


@pytest.mark.parametrize("nested", [
    "x = " + "(" * 1300 + "1" + ")" * 1300,  # too many nested parentheses
    "x = " + "not " * 20000 + "1",  # a chain CPython's parser gives up on
    "x = " + "-" * 20000 + "1",
    "x = " + "(" * 1300 + "1" + ")" * 1300 + "\n# padding" * 40000,  # big: checked in its own process
])
def test_nesting_that_crashes_the_parser_is_an_acl001_and_the_run_goes_on(tmp_path, nested):
    (tmp_path / "deep.py").write_text("import acl\n" + nested + "\n")
    (tmp_path / "app.py").write_text(LEAKY)
    proc = run_cli("--no-cache", "--format", "concise", "deep.py", "app.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # was: killed by SIGSEGV, nothing reported
    assert "deep.py:" in proc.stdout and "ACL001 nested too deeply to analyse" in proc.stdout
    assert "app.py:6:" in proc.stdout and "ACL101" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_a_project_module_nested_too_deeply_is_not_parsed_when_a_call_resolves_into_it(tmp_path):
    (tmp_path / "helpers.py").write_text("def check(ret):\n    x = " + "(" * 1300 + "1" + ")" * 1300 + "\n")
    (tmp_path / "app.py").write_text("import acl\nfrom helpers import check\n" + LEAKY + textwrap.dedent('''

        def checked(size):
            ptr, ret = acl.rt.malloc(size, 0)
            check(ret)
            acl.rt.free(ptr)
    '''))
    proc = run_cli("--no-cache", "--format", "concise", "app.py", "helpers.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # was: killed by SIGSEGV parsing helpers.py for check()
    assert "app.py:8:" in proc.stdout and "ACL101" in proc.stdout


def _bomb(monkeypatch, name):
    """Make the analysis of file ``name`` kill its process, as a native crash would."""
    original = engine.Engine.add_file

    def add_file(self, path, text):
        if os.path.basename(path) == name:
            os.kill(os.getpid(), signal.SIGSEGV)
        return original(self, path, text)

    monkeypatch.setattr(engine.Engine, "add_file", add_file)


def test_a_pool_worker_that_dies_loses_only_the_file_that_killed_it(tmp_path, monkeypatch, capsys):
    for i in range(6):
        (tmp_path / f"mod{i}.py").write_text(LEAKY)
    (tmp_path / "bomb.py").write_text(LEAKY)
    monkeypatch.setattr(parallel, "MIN_FILES", 2)
    monkeypatch.setattr(parallel, "MIN_LINES", 10)
    _bomb(monkeypatch, "bomb.py")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["--no-cache", "--format", "concise", "--jobs", "2", "."])
    out, err = capsys.readouterr()
    assert code == 2
    for i in range(6):
        assert f"mod{i}.py:6:" in out  # every other file is still reported
    assert "bomb.py: error: internal error: the analysis process killed by SIGSEGV" in out
    assert "All checks passed" not in out


# --- 2. a recursion limit inside the analysis: ACL003, never "All checks passed!" ----------------

CHAIN = "import acl\n\n\ndef free_all(p):\n    return " + " + ".join(["acl.rt.free(p)"] * 260) + "\n"


def test_recursion_limit_is_acl003_naming_the_function(tmp_path):
    (tmp_path / "chain.py").write_text(CHAIN)
    (tmp_path / "app.py").write_text(LEAKY)
    proc = run_cli("--no-cache", "--format", "concise", "chain.py", "app.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # a finding, not an internal error (was: exit 2)
    assert ("chain.py:4:1: ACL003 the analysis of `free_all` stopped at Python's recursion limit"
            in proc.stdout)
    assert "All checks passed" not in proc.stdout
    assert proc.stdout.rstrip().endswith("Found 2 findings (1 error, 0 warnings, 1 not checked) in 2 files.")


def test_acl003_alone_is_never_all_checks_passed_in_any_format(tmp_path):
    (tmp_path / "chain.py").write_text(CHAIN)
    full = run_cli("--no-cache", "--format", "full", "chain.py", cwd=tmp_path)
    assert full.returncode == 1 and "All checks passed" not in full.stdout
    assert "ACL003 [analysis-incomplete]" in full.stdout
    data = json.loads(run_cli("--no-cache", "--format", "json", "chain.py", cwd=tmp_path).stdout)
    (finding,) = data["findings"]
    assert (finding["code"], finding["severity"], finding["function"]) == ("ACL003", "info", "free_all")
    sarif = json.loads(run_cli("--no-cache", "--format", "sarif", "chain.py", cwd=tmp_path).stdout)
    assert sarif["runs"][0]["results"][0]["level"] == "note"
    github = run_cli("--no-cache", "--format", "github", "chain.py", cwd=tmp_path).stdout
    assert github.startswith("::notice file=chain.py,line=4,") and "ACL003" in github


def test_an_internal_error_alone_is_not_all_checks_passed(tmp_path, monkeypatch, capsys):
    (tmp_path / "app.py").write_text(LEAKY.replace("return", "raise RuntimeError(ret)"))

    def boom(self, node, st):
        raise RuntimeError("simulated analyser bug")

    monkeypatch.setattr(interp.Interpreter, "s_Raise", boom)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["app.py", "--format", "concise", "--no-cache"])
    out = capsys.readouterr().out
    assert code == 2
    assert "All checks passed" not in out
    assert out.rstrip().endswith("No findings in 1 file, but not everything was checked; 1 internal error (above).")


# --- 3. time limits ---------------------------------------------------------------------------

SLOW = textwrap.dedent('''
    import acl


    def first(size):
        ptr, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            raise RuntimeError(ret)
        acl.rt.free(ptr)


    def second(size):
        ptr, ret = acl.rt.malloc(size, 0)
        acl.rt.free(ptr)


    def third(size):
        ptr, ret = acl.rt.malloc(size, 0)
''')


def test_a_function_past_the_file_time_limit_is_acl003_and_the_rest_of_the_file_is_named(
        tmp_path, monkeypatch, capsys):
    (tmp_path / "slow.py").write_text(SLOW)
    (tmp_path / "pyproject.toml").write_text("[tool.acl-lint]\nfile-time-limit = 1\n")
    (tmp_path / "app.py").write_text(LEAKY)

    def crawl(self, node, st):  # an analysis that never ends on its own
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(interp.Interpreter, "s_Raise", crawl)
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code = cli.main(["--no-cache", "--format", "concise", "--jobs", "1", "slow.py", "app.py"])
    out = capsys.readouterr().out
    assert time.monotonic() - started < 20
    assert code == 1
    assert ("slow.py:5:1: ACL003 the analysis of `first` stopped at the per-file time limit (1 s); "
            "2 more functions of the file not analysed") in out
    assert "app.py:6:" in out and "ACL101" in out  # the next file gets its own time


def test_a_file_too_big_to_bound_in_process_is_stopped_at_the_time_limit(tmp_path):
    body = "".join(f"\ndef f{i}(n):\n    p, ret = acl.rt.malloc(n, 0)\n    acl.rt.free(p)\n" for i in range(6000))
    (tmp_path / "big.py").write_text("import acl\n" + body)
    assert (tmp_path / "big.py").stat().st_size > 256 * 1024
    (tmp_path / "pyproject.toml").write_text("[tool.acl-lint]\nfile-time-limit = 0.5\n")
    (tmp_path / "app.py").write_text(LEAKY)
    started = time.monotonic()
    proc = run_cli("--no-cache", "--format", "concise", ".", cwd=tmp_path)
    assert time.monotonic() - started < 60
    assert proc.returncode == 1, proc.stderr
    assert "big.py:1:1: ACL003 the analysis of this file did not finish within the time limit (0.5 s" in proc.stdout
    assert "app.py:6:" in proc.stdout


def test_time_limit_must_be_a_number(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nfile-time-limit = "soon"\n')
    (tmp_path / "app.py").write_text(LEAKY)
    proc = run_cli("--no-cache", "app.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "'file-time-limit' must be a number of seconds" in proc.stderr


# --- 4. only regular files are read -------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@needs_fifo
def test_a_fifo_is_never_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "config.toml")
    (tmp_path / "src").mkdir()
    os.mkfifo(tmp_path / "src" / "found.py")
    (tmp_path / "src" / "app.py").write_text(LEAKY)
    named = run_cli("--no-cache", "--format", "concise", "pipe.py", "src", cwd=tmp_path)  # was: hangs forever
    assert named.returncode == 1
    assert "pipe.py:1:1: ACL001 is a named pipe (FIFO), not a regular file: not read" in named.stdout
    assert "src/app.py:6:" in named.stdout and "found.py" not in named.stdout  # skipped while walking
    config = run_cli("--no-cache", "--config", "config.toml", "src", cwd=tmp_path)
    assert config.returncode == 2 and "config.toml: is a named pipe (FIFO), not a regular file" in config.stderr
    graph = run_cli("graph", "pipe.py", cwd=tmp_path)
    assert graph.returncode == 2 and "pipe.py: is a named pipe (FIFO)" in graph.stderr


# --- 5. a broken pyproject.toml is a configuration error naming it ----------------------------------


@pytest.mark.parametrize("content, words", [
    (b'[tool.acl-lint]\nselect = ["ACL1"]  # caf\xe9\n', "not valid TOML: not UTF-8 (byte 0xe9 at line 2)"),
    (b"[tool.acl-lint]\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n", "cannot read it: arrays or tables nested too deeply"),
])
def test_an_unreadable_pyproject_is_a_configuration_error(tmp_path, content, words):
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "app.py").write_text(LEAKY)
    proc = run_cli("--no-cache", "app.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"pyproject.toml: {words}" in proc.stderr
    assert "internal error" not in proc.stderr


# --- 6. graph of a file that does not parse -----------------------------------------------------


def test_graph_of_a_file_with_a_syntax_error(tmp_path):
    (tmp_path / "bad.py").write_text("import acl\n\ndef f(:\n    pass\n")
    proc = run_cli("graph", "bad.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("acl-lint: error: bad.py: cannot draw a graph: syntax error")
    assert "internal error" not in proc.stderr and "ValueError" not in proc.stderr


# --- 7. selection: an empty code is an error; an empty list selects nothing (as in Ruff) ----------


def test_an_empty_code_in_select_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nselect = [""]\n')
    (tmp_path / "app.py").write_text(LEAKY)
    proc = run_cli("--no-cache", "app.py", cwd=tmp_path)
    assert proc.returncode == 2  # was: every rule silently off, exit 0
    assert "'select': an empty rule code" in proc.stderr


def test_an_empty_select_selects_nothing_but_says_so(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nselect = []\nextend-select = ["ACL501"]\n')
    (tmp_path / "app.py").write_text("import acl\n\n\ndef f():\n    p, ret = acl.rt.malloc(8, 0)\n")
    proc = run_cli("--no-cache", "--format", "concise", "app.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert "ACL501" in proc.stdout and "ACL101" not in proc.stdout  # was: every rule on
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nselect = []\n')
    proc = run_cli("--no-cache", "app.py", cwd=tmp_path)
    assert proc.returncode == 0
    assert "warning: no rule is enabled" in proc.stderr


# --- 8. a symlinked cache folder is never followed; pruning deletes only what acl-lint wrote --------


def test_a_symlinked_cache_folder_is_not_written_through(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.acl-lint]\n")
    (project / "app.py").write_text(LEAKY)
    precious = tmp_path / "precious"
    precious.mkdir()
    for name in ("0123456789abcdef01234567", "89abcdef0123456789abcdef", "fedcba9876543210fedcba98",
                 "00000000000000000000aaaa", "11111111111111111111bbbb"):
        (precious / name).mkdir()  # folders whose names look like cache buckets
        (precious / name / "keep.txt").write_text("mine")
    os.symlink(precious, project / ".acl_lint_cache")
    proc = run_cli("-v", "--format", "concise", "app.py", cwd=project)
    assert proc.returncode == 1 and "ACL101" in proc.stdout
    assert "not used: it is a symbolic link" in proc.stderr
    assert sorted(p.name for p in precious.iterdir()) == sorted(
        ["0123456789abcdef01234567", "89abcdef0123456789abcdef", "fedcba9876543210fedcba98",
         "00000000000000000000aaaa", "11111111111111111111bbbb"])
    assert all((p / "keep.txt").read_text() == "mine" for p in precious.iterdir())


def test_pruning_keeps_folders_acl_lint_did_not_create(tmp_path):
    from acl_lint.cache import KEEP_BUCKETS, Cache

    cache_dir = tmp_path / "cache"
    foreign = cache_dir / ("f" * 24)
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine")
    made = []
    for i in range(KEEP_BUCKETS + 1):
        c = Cache(str(cache_dir), f"{i:024x}")
        assert c._prepare()
        (cache_dir / f"{i:024x}" / "user-file.txt").write_text("mine") if i == 0 else None
        made.append(cache_dir / f"{i:024x}")
        os.utime(made[-1], (i, i))
    Cache(str(cache_dir), "e" * 24)._prepare()
    assert (foreign / "notes.txt").read_text() == "mine"  # no marker: never touched
    assert (made[0] / "user-file.txt").read_text() == "mine"  # pruned, but only acl-lint's files
    assert not (made[0] / "ACL_LINT_BUCKET").exists()
    assert not made[1].exists()  # an old bucket of acl-lint's own: gone


# --- 9. broken symbolic links; where the cache goes without a config file ---------------------------


def test_a_dangling_symlink_is_named_as_such(tmp_path):
    os.symlink(tmp_path / "gone.py", tmp_path / "link.py")
    (tmp_path / "app.py").write_text(LEAKY)
    for args in (["link.py", "app.py"], ["."]):
        proc = run_cli("--no-cache", "--format", "concise", *args, cwd=tmp_path)
        assert "link.py:1:1: ACL001 broken symbolic link: its target" in proc.stdout, args
        assert "vanished" not in proc.stdout


def test_without_a_config_the_cache_goes_to_the_project_root_not_the_current_folder(tmp_path):
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "pkg").mkdir()
    (project / "pkg" / "app.py").write_text(LEAKY)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = run_cli("--format", "concise", str(project / "pkg"), cwd=elsewhere)
    assert proc.returncode == 1
    assert (project / ".acl_lint_cache").is_dir()
    assert not (elsewhere / ".acl_lint_cache").exists() and not (project / "pkg" / ".acl_lint_cache").exists()
    loose = tmp_path / "loose"  # no pyproject.toml or .git above: beside the linted paths
    loose.mkdir()
    (loose / "app.py").write_text(LEAKY)
    from acl_lint.cache import project_root

    assert project_root([str(loose / "app.py")]) in (str(loose), str(tmp_path), "/tmp", "/")


def test_an_analysis_that_explodes_in_the_ownership_pass_is_bounded(tmp_path):
    """A corpus file with its malloc line deleted (found by bench/fuzz.py) made the analysis run
    for minutes and gigabytes in the ownership pass, which no time limit covered."""
    source = (ROOT / "corpus" / "ownership" / "own_desc_first.py").read_text()
    mutated = "\n".join(line for line in source.splitlines() if "= acl.rt.malloc(" not in line) + "\n"
    (tmp_path / "detector.py").write_text(mutated)
    (tmp_path / "pyproject.toml").write_text("[tool.acl-lint]\nfile-time-limit = 1\n")
    started = time.monotonic()
    proc = run_cli("--no-cache", "--format", "concise", "detector.py", cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert proc.returncode in (0, 1), proc.stderr  # findings, never an internal error
    assert "internal error" not in proc.stdout + proc.stderr


# --- 11. runtime audit: threads are told apart by a token Python never reuses -----------------------

POOL = textwrap.dedent('''
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import acl

    acl.init()
    acl.rt.set_device(0)
    ctx, ret = acl.rt.create_context(0)
    idents = []


    def bind():
        acl.rt.set_context(ctx)


    def work(n):
        idents.append(threading.get_ident())
        ptr, ret = acl.rt.malloc(n, 0)
        if ret == 0:
            acl.rt.free(ptr)
        return ret


    for init in (bind, None):  # the second pool's worker forgot set_context
        with ThreadPoolExecutor(max_workers=1, initializer=init, thread_name_prefix="infer") as pool:
            print("status", pool.submit(work, 64).result())
    print("ident reused", len(set(idents)) == 1)
    acl.rt.destroy_context(ctx)
    acl.rt.reset_device(0)
    acl.finalize()
''')


def test_a_pool_worker_that_forgot_set_context_is_acl402_naming_the_thread(tmp_path):
    (tmp_path / "pool.py").write_text(POOL)
    proc = subprocess.run([sys.executable, "-m", "acl_lint.audit", "--sim", "--format", "concise", "pool.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "status 107002" in proc.stdout  # the simulator refused the call, as the real acl does
    assert proc.returncode == 1, proc.stderr  # was: "All checks passed!", exit 0 (the ident was reused)
    line = next(i for i, t in enumerate(POOL.splitlines(), 1) if "= acl.rt.malloc(" in t)
    assert (f"pool.py:{line}:16: ACL402 acl.rt.malloc needs a current context, but this thread (infer_0) has none"
            in proc.stderr)


# --- 12. the simulator never dereferences a pointer it did not hand out -----------------------------


def test_the_simulator_returns_an_error_code_for_an_unknown_pointer():
    code = textwrap.dedent('''
        import numpy as np
        from acl_lint import sim
        sim.install()
        import acl
        acl.init(); acl.rt.set_device(0)
        print(acl.mdl.load_from_mem(65536, 64))
        print(acl.rt.memcpy(0x7f0000001000, 16, 0x500000, 16, 1))
        src = np.arange(16, dtype=np.uint8)
        dst = np.zeros(16, dtype=np.uint8)
        print(acl.rt.memcpy(dst.ctypes.data, 16, src.ctypes.data, 16, 0), dst[3])
    ''')
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr  # was: killed by SIGSEGV
    assert proc.stdout.splitlines() == ["(0, 107000)", "107000", "0 3"]  # real process memory still works
