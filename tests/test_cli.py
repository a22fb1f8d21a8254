"""The command line as a user sees it: output, exit codes, files written."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from acl_lint import __version__
from acl_lint.cli import main
from acl_lint.findings import Finding, Related, registry
from acl_lint.static import engine

REPO = Path(__file__).resolve().parents[1]

LEAK = textwrap.dedent(
    """\
    import acl


    def load(size):
        p, ret = acl.rt.malloc(16, 0)
        if ret != 0:
            return None
        return size
    """
)

DOUBLE_FREE = textwrap.dedent(
    """\
    import acl


    def run():
        p, ret = acl.rt.malloc(16, 0)
        if ret != 0:
            return
        acl.rt.free(p)
        acl.rt.free(p)
    """
)

CLEAN = textwrap.dedent(
    """\
    import acl


    def run():
        p, ret = acl.rt.malloc(16, 0)
        if ret != 0:
            return ret
        ret = acl.rt.free(p)
        return ret
    """
)


def cli(cwd, *args, env_extra=None, **kw):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("NO_COLOR", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "acl_lint", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120, **kw
    )


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def fake_engine(monkeypatch):
    """ACL101 on each line containing 'LEAK', with a leaking path in `related`."""

    def analyze_files(files, options=None):
        out = []
        for path, text in files:
            for i, line in enumerate(text.splitlines(), 1):
                if "LEAK" in line:
                    col = line.index("LEAK") + 1
                    out.append(
                        Finding(
                            "ACL101", "`p` is never freed", path, i, col, i, col + 4, function="f", resource="p",
                            related=(
                                Related(path, i, col, "acquired here", "acquire"),
                                Related(path, i + 1, 1, "returns here", "exit"),
                            ),
                        )
                    )
        return out, []

    monkeypatch.setattr(engine, "analyze_files", analyze_files)


# --- basics ---------------------------------------------------------------------


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"acl-lint {__version__}"


def test_help_mentions_subcommands_and_exit_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "acl-lint rule CODE" in out and "acl-lint graph" in out and "exit codes" in out


def test_usage_error_exits_2(capsys):
    assert main(["--format", "xml"]) == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_clean_run_lints_current_folder_by_default(here, capsys):
    (here / "a.py").write_text(CLEAN)
    (here / "sub").mkdir()
    (here / "sub" / "b.py").write_text("x = 1\n")
    assert main([]) == 0
    captured = capsys.readouterr()
    assert captured.out == "All checks passed! (2 files)\n"
    assert captured.err == ""  # no progress line when stderr is not a terminal


def test_python_dash_m_and_no_traceback(here):
    (here / "a.py").write_text(CLEAN)
    proc = cli(here, "a.py")
    assert proc.returncode == 0
    assert proc.stdout == "All checks passed! (1 file)\n"
    assert proc.stderr == ""


def test_leak_is_reported_at_the_malloc_line(here, capsys):
    (here / "leak.py").write_text(LEAK)
    assert main(["leak.py"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("leak.py:5:")
    assert " ACL101 " in out[0]
    assert out[-1] == "Found 1 finding (1 error, 0 warnings) in 1 file."


def test_double_free_is_reported_at_the_second_free(here, capsys):
    (here / "df.py").write_text(DOUBLE_FREE)
    assert main(["df.py", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    codes = [(f["code"], f["line"]) for f in data["findings"]]
    assert ("ACL301", 9) in codes


def test_exit_zero(here, capsys, fake_engine):
    (here / "a.py").write_text("LEAK\n")
    assert main(["--exit-zero", "."]) == 0
    assert "Found 1 finding" in capsys.readouterr().out


def test_select_and_ignore_on_the_command_line(here, capsys, fake_engine):
    (here / "a.py").write_text("LEAK\nx = 1  # noqa: ACL301\n")
    assert main(["--select", "ACL3"]) == 0  # the noqa names a selected rule but no ACL101: ACL002 is off
    assert main(["--select", "ACL1,ACL3", "--extend-select", "ACL002"]) == 1
    out = capsys.readouterr().out
    assert "ACL101" in out and "ACL002" in out
    assert main(["--ignore", "ACL1,ACL0"]) == 0


def test_output_file(here, capsys, fake_engine):
    (here / "a.py").write_text("LEAK\n")
    assert main(["--output", "report.json", "--format", "json", "."]) == 1
    assert capsys.readouterr().out == ""
    data = json.loads((here / "report.json").read_text())
    assert data["findings"][0]["code"] == "ACL101"
    assert main(["--output", "report.txt", "--output-format", "concise", "."]) == 1
    assert (here / "report.txt").read_text().startswith("a.py:1:1: ACL101 `p` is never freed\n")
    assert main(["--output", "full.txt", "."]) == 1  # full by default, also into a file
    assert (here / "full.txt").read_text().startswith("a.py:1:1: ACL101 [resource-leak] `p` is never freed\n  |\n")


def test_output_to_an_unwritable_place(here, capsys, fake_engine):
    (here / "a.py").write_text("x = 1\n")
    assert main(["--output", str(here / "no" / "such" / "dir" / "r.txt"), "."]) == 2
    assert capsys.readouterr().err.startswith("acl-lint: error: cannot write ")


def test_statistics(here, capsys, fake_engine):
    (here / "a.py").write_text("LEAK\nLEAK\nx = 1  # noqa: ACL301\n")
    assert main(["--statistics", "."]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["2", "ACL101", "error", "resource-leak"]
    assert lines[1].split() == ["1", "ACL002", "warning", "unused-suppression"]
    assert lines[2] == "Found 3 findings (2 errors, 1 warning) in 1 file."


def test_full_format_shows_code_frame_and_path(here, capsys, fake_engine):
    (here / "a.py").write_text("import acl\n\np = LEAK\nreturn_here = 1\n")
    assert main(["--format", "full", "."]) == 1
    out = capsys.readouterr().out
    assert "a.py:3:5: ACL101 [resource-leak] `p` is never freed" in out
    assert "3 | p = LEAK\n  |     ^^^^\n" in out
    assert "    1. a.py:3:5 [acquire] acquired here" in out
    assert "    2. a.py:4:1 [exit] returns here" in out


def test_default_format_is_full_when_piped(here):
    """As in Ruff: the code frame and the leaking path also in CI logs and pre-commit runs."""
    (here / "a.py").write_text(LEAK)
    proc = cli(here, ".")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("a.py:5:14: ACL101 [resource-leak] device memory `p` from acl.rt.malloc")
    assert "  = leaking path:\n    1. a.py:5:14 [acquire] device memory acquired by acl.rt.malloc\n" in proc.stdout
    assert "\x1b[" not in proc.stdout
    concise = cli(here, "--output-format", "concise", ".")
    assert concise.stdout.splitlines()[0].startswith("a.py:5:14: ACL101 device memory `p` ")
    assert cli(here, "--format", "concise", ".").stdout == concise.stdout  # --format: the old spelling


def test_force_color_and_no_color(here):
    (here / "a.py").write_text("x = 1  # noqa: ACL101\n")
    forced = cli(here, ".", env_extra={"FORCE_COLOR": "1"})
    assert forced.returncode == 1 and "\x1b[" in forced.stdout
    both = cli(here, ".", env_extra={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout
    assert "\x1b[" not in cli(here, ".", "--no-color", env_extra={"FORCE_COLOR": "1"}).stdout


def test_github_format(here, capsys, fake_engine):
    (here / "a.py").write_text("LEAK\n")
    assert main(["--format", "github", "."]) == 1
    assert capsys.readouterr().out == (
        "::error file=a.py,line=1,col=1,endLine=1,endColumn=5,title=ACL101 resource-leak::`p` is never freed\n"
    )


def test_sarif_format(here, capsys, fake_engine):
    (here / "a.py").write_text("LEAK\n")
    assert main(["--format", "sarif", "."]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["runs"][0]["results"][0]["ruleId"] == "ACL101"


def test_missing_path(here, capsys):
    assert main(["nope"]) == 2
    assert capsys.readouterr().err == "acl-lint: error: path does not exist: nope\n"


def test_check_subcommand_and_paths_named_like_subcommands(here, capsys):
    (here / "rule").mkdir()
    (here / "rule" / "a.py").write_text("x = 1\n")
    assert main(["check", "rule"]) == 0
    assert capsys.readouterr().out == "All checks passed! (1 file)\n"


# --- colour and progress (need a terminal) ---------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_color", [False, True])
def test_colour_only_on_a_terminal_without_no_color(here, no_color):
    import pty

    (here / "a.py").write_text("x = 1  # noqa: ACL101\n")
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "acl_lint", "a.py"], cwd=here, stdout=slave, stderr=subprocess.PIPE, env=env, timeout=120
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = b"".join(chunks).decode()
    assert proc.returncode == 1
    assert "[unused-suppression]" in out  # full format on a terminal
    assert ("\x1b[" in out) is (not no_color)


def test_no_colour_when_piped(here):
    (here / "a.py").write_text("x = 1  # noqa: ACL101\n")
    proc = cli(here, "--format", "full", ".")
    assert proc.returncode == 1 and "\x1b[" not in proc.stdout and proc.stderr == ""


def test_progress_appears_on_a_terminal_for_slow_runs(here, monkeypatch):
    import io
    import time

    import acl_lint.progress as progress_mod

    class TTY(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(progress_mod, "DELAY", 0.05)
    stream = TTY()
    p = progress_mod.Progress(stream)
    p(0, 10)
    time.sleep(0.3)
    p(7, 10)
    p.close()
    text = stream.getvalue()
    assert "acl-lint: checking 7/10 files" in text or "acl-lint: checking 0/10 files" in text
    assert text.endswith("\r\x1b[K")  # erased at the end


# --- subcommands ----------------------------------------------------------------


def test_rule_prints_the_doc(capsys):
    assert main(["rule", "ACL101"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ACL101 resource-leak\n")
    assert registry()["ACL101"].summary in out
    assert "## What it does" in out and "## Why is this bad" in out
    assert "## Example" in out and "## Use instead" in out


def test_rule_is_case_insensitive_and_json(capsys):
    assert main(["rule", "acl301", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "ACL301" and data["name"] == "double-release"
    assert data["sections"]["What it does"]


def test_rule_all(capsys):
    assert main(["rule", "--all"]) == 0
    out = capsys.readouterr().out
    for code, rule in registry().items():
        assert f"{code} {rule.name}\n" in out


def test_rule_unknown(capsys):
    assert main(["rule", "ACL999"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("acl-lint: error: unknown rule code 'ACL999'; known codes: ACL001, ACL002")
    assert main(["rule"]) == 2


def test_graph_unknown_function_lists_the_known_ones(here, capsys):
    (here / "app.py").write_text("import acl\n\ndef a():\n    pass\n\nclass M:\n    def run(self):\n        pass\n")
    assert main(["graph", "app.py:nope"]) == 2
    err = capsys.readouterr().err
    assert err == "acl-lint: error: app.py: no function 'nope'; functions: a, M.run\n"


def test_graph_missing_file(here, capsys):
    assert main(["graph", "missing.py:f"]) == 2
    assert "no such file: missing.py" in capsys.readouterr().err


def test_graph_with_a_fake_graph(here, capsys, monkeypatch):
    import networkx as nx

    seen = {}

    def resource_graph(path, text, function=None):
        seen["args"] = (path, function)
        g = nx.DiGraph()
        g.add_node(1, kind="acquire", label="acl.rt.malloc", line=5)
        g.add_node(2, kind="exit", label="return", line=7)
        g.add_edge(1, 2, kind="flow", label="ret != 0")
        return g

    monkeypatch.setattr(engine, "resource_graph", resource_graph)
    (here / "app.py").write_text(LEAK)
    assert main(["graph", "app.py:M.load", "--format", "mermaid"]) == 0
    assert seen["args"] == ("app.py", "M.load")
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD\n")
    assert "n0 -->|ret != 0| n1" in out
    assert main(["graph", "app.py"]) == 0
    assert seen["args"] == ("app.py", None)
    assert capsys.readouterr().out.startswith('digraph "app.py" {')


def test_graph_of_a_real_function(here, capsys):
    (here / "leak.py").write_text(LEAK)
    assert main(["graph", "leak.py:load", "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "load" {')
    assert "acl.rt.malloc" in out


# --- docs generator ----------------------------------------------------------------


def test_docs_generator_and_check(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    target = tmp_path / "rules.md"
    gen = subprocess.run(
        [sys.executable, "-m", "acl_lint.docs", "--output", str(target)], capture_output=True, text=True, env=env
    )
    assert gen.returncode == 0, gen.stderr
    text = target.read_text()
    assert text.startswith("# acl-lint rules\n")
    for code, rule in registry().items():
        assert f"## {code} {rule.name}" in text
    assert "### What it does" in text
    check = [sys.executable, "-m", "acl_lint.docs", "--check", "--output", str(target)]
    ok = subprocess.run(check, capture_output=True, text=True, env=env)
    missing = [line for line in ok.stderr.splitlines() if "lacks" in line]
    assert ok.returncode == (1 if missing else 0), ok.stderr
    target.write_text(text + "\nedited by hand\n")
    stale = subprocess.run(check, capture_output=True, text=True, env=env)
    assert stale.returncode == 1
    assert "is stale; run: python -m acl_lint.docs" in stale.stderr
