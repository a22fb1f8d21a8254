"""The result cache: a warm run reports exactly what a cold one does without analysing
anything; edits to a helper re-check the files that depend on it; a broken cache is
only a slower run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import acl_lint.lint
from acl_lint.cache import CACHE_DIRNAME
from acl_lint.cli import main

REPO = Path(__file__).resolve().parent.parent

APP = """\
import acl
from helpers import release


def run():
    ptr, ret = acl.rt.malloc(1024, 0)
    if ret != 0:
        return
    release(ptr)
"""

HELPER_RELEASES = """\
import acl


def release(ptr):
    acl.rt.free(ptr)
"""

HELPER_KEEPS = """\
import acl


def release(ptr):
    print("not freed", ptr)
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "app.py", APP)
    write(tmp_path / "helpers.py", HELPER_RELEASES)
    return tmp_path


def run_json(capsys, *args):
    code = main(["--format", "json", "--verbose", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def codes_at(data, path):
    return sorted(f["code"] for f in data["findings"] if f["path"] == path)


def no_engine(monkeypatch):
    """Make any analysis fail loudly: a warm run must not need it."""

    def refuse(*args, **kwargs):
        raise AssertionError("the engine was called on a warm run")

    monkeypatch.setattr(acl_lint.lint, "_analyze_batch", refuse)


def test_warm_run_is_identical_and_analyses_nothing(project, capsys, monkeypatch):
    code1, cold, err1 = run_json(capsys, ".")
    assert "0 hits, 2 misses, 2 written" in err1
    no_engine(monkeypatch)
    code2, warm, err2 = run_json(capsys, ".")
    assert "2 hits, 0 misses" in err2
    assert "0 analysed" in err2
    assert (code2, warm) == (code1, cold)
    # and the same as a run without any cache
    monkeypatch.undo()
    monkeypatch.chdir(project)
    code3, uncached, err3 = run_json(capsys, "--no-cache", ".")
    assert "cache off" in err3
    assert (code3, uncached) == (code1, cold)


def test_warm_run_on_the_corpus_matches_the_cold_one(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    cache = str(tmp_path / "cache")
    code1, cold, _ = run_json(capsys, "--cache-dir", cache, "--jobs", "1", "corpus")
    no_engine(monkeypatch)
    code2, warm, err = run_json(capsys, "--cache-dir", cache, "corpus")
    assert " 0 misses" in err
    assert (code2, warm) == (code1, cold)
    assert cold["findings"]


def test_editing_a_helper_rechecks_the_files_that_use_it(project, capsys):
    code, data, _ = run_json(capsys, ".")
    assert "ACL101" not in codes_at(data, "app.py")  # the helper frees it
    write(project / "helpers.py", HELPER_KEEPS)
    code, data, err = run_json(capsys, ".")
    assert "0 hits, 2 misses" in err  # helpers.py changed, app.py depends on it
    assert "ACL101" in codes_at(data, "app.py")
    leak = next(f for f in data["findings"] if f["code"] == "ACL101")
    assert leak["line"] == 6
    # and back: the finding goes away again
    write(project / "helpers.py", HELPER_RELEASES)
    code, data, _ = run_json(capsys, ".")
    assert "ACL101" not in codes_at(data, "app.py")


def test_unrelated_edit_keeps_the_other_entries(project, capsys):
    write(project / "other.py", "import acl\n\nacl.init()\n")
    run_json(capsys, ".")
    write(project / "other.py", "import acl\n\n\nacl.init()\n")
    _, _, err = run_json(capsys, ".")
    assert "2 hits, 1 miss," in err


def test_a_new_module_changes_what_an_import_means(project, capsys):
    (project / "helpers.py").unlink()
    run_json(capsys, ".")
    write(project / "helpers.py", HELPER_KEEPS)
    code, data, err = run_json(capsys, ".")
    _, fresh, _ = run_json(capsys, "--no-cache", ".")
    assert data == fresh
    assert "ACL101" in codes_at(data, "app.py")


def test_deleting_a_helper_rechecks_its_users(project, capsys):
    write(project / "helpers.py", HELPER_KEEPS)
    _, before, _ = run_json(capsys, ".")
    assert "ACL101" in codes_at(before, "app.py")
    (project / "helpers.py").unlink()
    _, after, _ = run_json(capsys, ".")
    _, fresh, _ = run_json(capsys, "--no-cache", ".")
    assert after == fresh


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"\x00\xff" * 10, b'{"v": 1}', b"[]",
                                     b'{"v":1,"path":"app.py","hash":"x","deps":{},"project":"","relevant":[],'
                                     b'"findings":[{"code": 1}]}'])
def test_corrupt_entries_are_ignored(project, capsys, garbage):
    code1, cold, _ = run_json(capsys, ".")
    entries = list((project / CACHE_DIRNAME).rglob("*.json"))
    assert len(entries) == 2
    for entry in entries:
        entry.write_bytes(garbage)
    code2, again, err = run_json(capsys, ".")
    assert (code2, again) == (code1, cold)
    assert "Traceback" not in err
    assert "2 misses, 2 written" in err  # and repaired
    _, _, err = run_json(capsys, ".")
    assert "2 hits" in err


def test_a_tampered_entry_for_another_text_is_not_used(project, capsys):
    run_json(capsys, ".")
    write(project / "app.py", APP.replace("1024", "2048"))
    _, data, err = run_json(capsys, ".")
    assert "1 hit, 1 miss" in err


def test_cache_directory_layout(project, capsys):
    run_json(capsys, ".")
    cache = project / CACHE_DIRNAME
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert not list(cache.rglob("*.part"))  # no temporary files left behind


def test_no_cache_writes_nothing(project, capsys):
    before = sorted(os.listdir(project))
    run_json(capsys, "--no-cache", ".")
    assert sorted(os.listdir(project)) == before


def test_cache_dir_option(project, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "c"
    run_json(capsys, "--cache-dir", str(elsewhere), ".")
    assert (elsewhere / ".gitignore").is_file()
    assert not (project / CACHE_DIRNAME).exists()
    _, _, err = run_json(capsys, "--cache-dir", str(elsewhere), ".")
    assert "2 hits" in err


def test_default_cache_is_beside_the_config_file(tmp_path, monkeypatch, capsys):
    write(tmp_path / "pyproject.toml", "[tool.acl-lint]\n")
    write(tmp_path / "src" / "app.py", APP)
    write(tmp_path / "src" / "helpers.py", HELPER_RELEASES)
    monkeypatch.chdir(tmp_path / "src")
    run_json(capsys, ".")
    assert (tmp_path / CACHE_DIRNAME).is_dir()
    assert not (tmp_path / "src" / CACHE_DIRNAME).exists()


def test_unwritable_cache_is_only_slower(project, capsys):
    blocker = project / "blocked"
    blocker.write_text("a file, not a folder")
    code1, data1, _ = run_json(capsys, "--no-cache", ".")
    code2, data2, err = run_json(capsys, "--cache-dir", str(blocker / "cache"), ".")
    assert (code2, data2) == (code1, data1)
    assert "not writable" in err


def test_rule_options_are_part_of_the_key(project, capsys):
    run_json(capsys, ".")
    write(project / "pyproject.toml", "[tool.acl-lint]\ncheck-release-status = true\n")
    _, _, err = run_json(capsys, ".")
    assert "0 hits" in err


def test_selection_is_applied_after_the_cache(project, capsys):
    write(project / "helpers.py", HELPER_KEEPS)
    _, full, _ = run_json(capsys, ".")
    assert [f["code"] for f in full["findings"]] == ["ACL101"]
    _, none, err = run_json(capsys, "--select", "ACL2", ".")
    assert "2 hits" in err
    assert none["findings"] == []
    _, again, err = run_json(capsys, ".")
    assert "2 hits" in err
    assert again == full


def test_suppressions_are_applied_after_the_cache(project, capsys):
    write(project / "helpers.py", HELPER_KEEPS)
    _, data, _ = run_json(capsys, ".")
    assert "ACL101" in codes_at(data, "app.py")
    write(project / "app.py", APP.replace("acl.rt.malloc(1024, 0)", "acl.rt.malloc(1024, 0)  # noqa: ACL101"))
    _, data, _ = run_json(capsys, ".")
    assert "ACL101" not in codes_at(data, "app.py")


def test_a_fully_cached_run_does_not_import_libcst(project, capsys):
    run_json(capsys, ".")
    probe = (
        "import sys\n"
        "from acl_lint.cli import main\n"
        "code = main(['--format', 'json', '-o', 'out.json', '.'])\n"
        "print(code, 'libcst' in sys.modules)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[1] == "False"


MODEL = """\
import acl


class Model:
    def __init__(self, size):
        dataset = acl.mdl.create_dataset()
        buf, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            raise RuntimeError(ret)
        self.dataset = dataset
        self.buf = buf

    def release(self):
        acl.rt.free(self.buf)
        acl.mdl.destroy_dataset(self.dataset)
"""

SCRIPT_ONCE = """\
from model import Model


def main():
    m = Model(64)
    m.release()


if __name__ == "__main__":
    main()
"""

SCRIPT_SERVING = """\
from model import Model


def serve(sizes):
    for size in sizes:
        try:
            m = Model(size)
        except RuntimeError as e:
            print("skipped", e)
            continue
        m.release()


if __name__ == "__main__":
    serve([64, 128])
"""


@pytest.fixture
def library(tmp_path, monkeypatch):
    """A model class whose constructor leaks when it raises: a finding only if some caller
    survives the exception (the process-exit policy asks who calls it)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "model.py", MODEL)
    write(tmp_path / "main.py", SCRIPT_ONCE)
    return tmp_path


def test_a_new_caller_rechecks_the_library_it_calls(library, capsys):
    _, data, _ = run_json(capsys, ".")
    assert codes_at(data, "model.py") == []  # the only caller is start-up code: the process ends
    write(library / "notes.py", "import json\n\nprint(json.dumps({}))\n")  # names no module of it
    _, _, err = run_json(capsys, ".")
    assert "1 hit, 0 misses" in err
    write(library / "serve.py", SCRIPT_SERVING)  # a serving loop that survives the exception
    _, data, _ = run_json(capsys, ".")
    _, fresh, _ = run_json(capsys, "--no-cache", ".")
    assert data == fresh
    assert codes_at(data, "model.py") == ["ACL102"]


def test_editing_a_caller_rechecks_the_library_it_calls(library, capsys):
    run_json(capsys, ".")
    write(library / "main.py", SCRIPT_SERVING)  # the same file now catches inside a loop
    _, data, err = run_json(capsys, ".")
    assert "0 hits, 1 miss" in err  # main.py names no acl (not analysed); model.py depends on it
    assert codes_at(data, "model.py") == ["ACL102"]


def test_an_unrelated_new_file_keeps_the_entries_that_ask_no_caller(project, capsys):
    run_json(capsys, ".")
    write(project / "notes.py", "print('release notes')\n")
    _, _, err = run_json(capsys, ".")
    assert "2 hits, 0 misses" in err
