"""Ruff-like defaults as a user meets them: .gitignore respected, standard input,
malformed suppressions in files with nothing else, codeFlows for every leak."""

import io
import json
import subprocess
import sys

import pytest

from acl_lint.cli import main
from test_cli import LEAK  # a leak at line 5 (acquire) with its exit at line 8

UNUSED = "import acl\nx = 1  # noqa: ACL101\n"  # one ACL002 per file, no engine work

@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def paths(capsys, *args):
    code = main(["--output-format", "json", "--no-cache", *args])
    data = json.loads(capsys.readouterr().out)
    return code, sorted({f["path"] for f in data["findings"]}), data["files_checked"]


def gitignored_tree(root):
    (root / ".gitignore").write_text("generated/\n*_pb2.py\n!keep_pb2.py\n")
    for name in ("app.py", "generated/model.py", "proto/x_pb2.py", "proto/keep_pb2.py", "proto/sub/y.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(UNUSED)
    (root / "proto" / ".gitignore").write_text("sub/\n")


def test_gitignore_is_respected_by_default(here, capsys):
    gitignored_tree(here)
    assert paths(capsys, ".") == (1, ["app.py", "proto/keep_pb2.py"], 2)


def test_gitignore_above_the_linted_folder_counts_inside_a_repository(here, capsys):
    gitignored_tree(here)
    (here / ".git").mkdir()
    (here / "proto" / "x_pb2.py").write_text(UNUSED)
    assert paths(capsys, "proto") == (1, ["proto/keep_pb2.py"], 1)


def test_named_paths_are_linted_even_if_ignored(here, capsys):
    gitignored_tree(here)
    (here / ".git").mkdir()
    assert paths(capsys, "proto/x_pb2.py")[1] == ["proto/x_pb2.py"]
    assert paths(capsys, "generated")[1] == ["generated/model.py"]


def test_no_respect_gitignore(here, capsys):
    gitignored_tree(here)
    everything = ["app.py", "generated/model.py", "proto/keep_pb2.py", "proto/sub/y.py", "proto/x_pb2.py"]
    assert paths(capsys, "--no-respect-gitignore", ".")[1] == everything
    (here / "pyproject.toml").write_text("[tool.acl-lint]\nrespect-gitignore = false\n")
    assert paths(capsys, ".")[1] == everything
    assert main(["--show-settings"]) == 0
    assert "respect-gitignore = false" in capsys.readouterr().out
    (here / "pyproject.toml").write_text("[tool.acl-lint]\nrespect-gitignore = 1\n")
    assert main(["."]) == 2
    assert "'respect-gitignore' must be true or false" in capsys.readouterr().err


def test_stdin_with_a_filename(here, capsys, monkeypatch):
    (here / "pkg").mkdir()
    (here / "pyproject.toml").write_text('[tool.acl-lint.per-file-ignores]\n"pkg/gen_*.py" = ["ACL1"]\n')
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(LEAK.encode())))
    assert main(["-", "--stdin-filename", "pkg/app.py", "--output-format", "concise"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("pkg/app.py:5:14: ACL101 device memory `p`")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(LEAK.encode())))
    # the name decides the per-file-ignores of the config found from it
    assert main(["-", "--stdin-filename", "pkg/gen_app.py"]) == 0
    assert capsys.readouterr().out == "All checks passed! (1 file)\n"


def test_stdin_in_a_subprocess_without_a_name(here):
    proc = subprocess.run([sys.executable, "-m", "acl_lint", "-", "--output-format", "json"], input=LEAK,
                          capture_output=True, text=True, cwd=here, timeout=120)
    assert proc.returncode == 1, proc.stderr
    (finding,) = json.loads(proc.stdout)["findings"]
    assert (finding["path"], finding["code"]) == ("-", "ACL101")
    bad = subprocess.run([sys.executable, "-m", "acl_lint", "-", "."], input="", capture_output=True, text=True,
                         cwd=here, timeout=120)
    assert bad.returncode == 2 and "cannot be combined with other paths" in bad.stderr


def test_stdin_that_does_not_decode_is_acl001(here, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"x = '\xff'\n")))
    assert main(["-", "--stdin-filename", "bad.py", "--output-format", "concise"]) == 1
    assert capsys.readouterr().out.startswith("bad.py:1:")


def test_malformed_noqa_is_reported_in_a_file_without_findings(here, capsys):
    (here / "a.py").write_text("import acl\nx = 1  # noqa: ACL-501\n")
    assert main(["--output-format", "concise", "--no-cache", "a.py"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "a.py:2:8: ACL002 malformed suppression `# noqa: ACL-501`: expected a comma-separated list of codes "
        "such as `# noqa: ACL501`; it suppresses nothing"
    )


def test_every_leak_has_a_code_flow(here, capsys):
    """A leak whose path is just acquire + exit carries its flow too."""
    (here / "leak.py").write_text(LEAK)
    main(["--output-format", "sarif", "--no-cache", "leak.py"])
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    steps = [(s["location"]["physicalLocation"]["region"]["startLine"], s["importance"]) for s in flow]
    assert steps == [(5, "essential"), (8, "essential")]
    assert [s["executionOrder"] for s in flow] == [1, 2]


def test_stdin_fix_without_a_fix_echoes_the_input_unchanged(here):
    data = b"import acl\r\nx = '\xff'\r\n"  # not UTF-8: ACL001, nothing to fix
    proc = subprocess.run([sys.executable, "-m", "acl_lint", "-", "--stdin-filename", "a.py", "--fix"], input=data,
                          capture_output=True, cwd=here, timeout=120)
    assert proc.stdout == data
    assert proc.returncode == 1 and b"a.py:2:" in proc.stderr
