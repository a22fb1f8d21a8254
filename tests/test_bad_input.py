"""Files that cannot be read or parsed: ACL001 with a clear reason, never a crash.

Each case lints the bad file next to a good one: the good file must still be
checked (it holds an unused `# noqa: ACL101`, i.e. one ACL002 finding).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from acl_lint.cli import main
from acl_lint.findings import Finding
from acl_lint.sources import SourceError, describe_syntax_error, read_source, syntax_error_finding
from acl_lint.static import engine

REPO = Path(__file__).resolve().parents[1]
GOOD = "x = 1  # noqa: ACL101\n"


def run_cli(cwd, *args):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "acl_lint", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def check_bad(tmp_path, name, content, *extra_args):
    """Lint `name` (bytes or a callable making it) beside good.py; return the bad file's finding."""
    (tmp_path / "good.py").write_text(GOOD)
    target = tmp_path / name
    if callable(content):
        content(target)
    else:
        target.write_bytes(content)
    proc = run_cli(tmp_path, "--format", "json", *extra_args, ".")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data["errors"] == []
    by_path = {f["path"]: f for f in data["findings"]}
    assert by_path["good.py"]["code"] == "ACL002"  # the other file was still checked
    bad = by_path[name]
    assert bad["code"] == "ACL001"
    assert bad["name"] == "parse-error"
    assert "\n" not in bad["message"]
    # the default (full) report shows the same thing to a person
    text = run_cli(tmp_path, *extra_args, ".")
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert f"{name}:{bad['line']}:{bad['column']}: ACL001 [parse-error] {bad['message']}" in text.stdout
    return bad


def test_syntax_error(tmp_path):
    bad = check_bad(tmp_path, "broken.py", b"import acl\n\ndef f()\n    pass\n")
    assert bad["line"] == 3  # the line with the missing colon, not the next one
    assert "syntax error" in bad["message"]
    if sys.version_info >= (3, 10):  # older parsers just say "invalid syntax"
        assert "expected ':'" in bad["message"]


def test_python2_file(tmp_path):
    bad = check_bad(tmp_path, "old.py", b"import acl\n\nprint 'hello'\n")
    assert bad["line"] == 3
    assert "Python 2" in bad["message"] and "print" in bad["message"]


def test_undecodable_bytes_without_coding_line(tmp_path):
    bad = check_bad(tmp_path, "latin.py", b"x = 1\ny = '\xe9t\xe9'\n")
    assert (bad["line"], bad["column"]) == (2, 6)
    assert bad["message"].startswith("cannot decode as UTF-8: byte 0xe9 at line 2, column 6")
    assert "coding line" in bad["message"]


def test_undecodable_bytes_with_a_coding_line(tmp_path):
    bad = check_bad(tmp_path, "ascii.py", b"# -*- coding: ascii -*-\ny = '\xe9'\n")
    assert bad["line"] == 2
    assert bad["message"].startswith("cannot decode as declared ascii: byte 0xe9 at line 2")


def test_unknown_encoding_in_coding_line(tmp_path):
    bad = check_bad(tmp_path, "klingon.py", b"# coding: klingon\nx = 1\n")
    assert "unknown encoding: klingon" in bad["message"]


def test_coding_line_and_bom_are_honoured(tmp_path):
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\ny = '\xe9'  # noqa: ACL101\n")
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfx = 1  # noqa: ACL101\n")
    proc = run_cli(tmp_path, "--format", "json", ".")
    data = json.loads(proc.stdout)
    assert sorted((f["path"], f["code"], f["line"]) for f in data["findings"]) == [
        ("bom.py", "ACL002", 1),
        ("latin.py", "ACL002", 2),
    ]


def test_nul_byte(tmp_path):
    bad = check_bad(tmp_path, "nul.py", b"x = 1\ny = 2\x00\n")
    assert (bad["line"], bad["column"]) == (2, 6)
    assert "NUL byte" in bad["message"]


def _root_reads_anything(path):
    try:
        with open(path, "rb"):
            return True
    except PermissionError:
        return False


def test_unreadable_file(tmp_path, monkeypatch):
    target = tmp_path / "secret.py"
    target.write_text("x = 1\n")
    target.chmod(0)
    try:
        if not _root_reads_anything(target):
            bad = check_bad(tmp_path, "secret.py", lambda p: None)
            assert bad["message"] == "cannot read: permission denied"
            return
        # root reads a chmod 000 file: make the read fail the way it fails for everyone else
        import builtins

        from acl_lint import lint

        real_open = builtins.open

        def guarded_open(file, *args, **kwargs):
            if str(file) == str(target):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        (tmp_path / "good.py").write_text("import acl\n\n\ndef f():\n    p, ret = acl.rt.malloc(8, 0)\n"
                                         "    if ret != 0:\n        return\n    acl.rt.free(p)\n")
        real_os_open = os.open

        def guarded_os_open(file, *args, **kwargs):  # the readers open with os.open (never blocking on a FIFO)
            if str(file) == str(target):
                raise PermissionError(13, "Permission denied", str(file))
            return real_os_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
        result = lint.lint_paths([str(tmp_path)])
        monkeypatch.setattr(builtins, "open", real_open)
        monkeypatch.setattr(os, "open", real_os_open)
        by_path = {f.path.replace("\\", "/").rsplit("/", 1)[-1]: f for f in result.findings}
        assert by_path["secret.py"].code == "ACL001"
        assert by_path["secret.py"].message == "cannot read: permission denied"
        assert result.files_checked == 2
    finally:
        target.chmod(0o644)


def test_directory_named_like_a_module(tmp_path):
    bad = check_bad(tmp_path, "pkg.py", lambda p: p.mkdir())
    assert bad["message"] == "is a directory, not a Python file"
    # and when named on the command line
    proc = run_cli(tmp_path, "pkg.py", "good.py")
    assert proc.returncode == 1
    assert "pkg.py:1:1: ACL001 [parse-error] is a directory, not a Python file" in proc.stdout


def test_huge_file(tmp_path):
    line = b"x = 1  # " + b"a" * 90 + b"\n"
    bad = check_bad(tmp_path, "huge.py", line * (2 * 1024 * 1024 // len(line) + 10))
    assert "larger than max-file-size (2.0 MiB)" in bad["message"]
    assert bad["message"].startswith("file is 2.0 MiB")


def test_missing_path_is_a_usage_error(tmp_path):
    proc = run_cli(tmp_path, "nope.py")
    assert proc.returncode == 2
    assert proc.stderr == "acl-lint: error: path does not exist: nope.py\n"


def test_vanished_file_reason(tmp_path):
    with pytest.raises(SourceError, match="vanished"):
        read_source(str(tmp_path / "gone.py"))


def test_engine_crash_is_an_error_not_a_traceback(tmp_path, monkeypatch, capsys):
    """A crash on one file: exit 2, the file named, the other files still reported."""

    def analyze_files(files, options=None):
        out = []
        for path, text in files:
            if "BOOM" in text:
                raise RuntimeError("exploded")
            out.append(Finding("ACL101", "leak", path, 1, 1, 1, 2, function="f"))
        return out, []

    monkeypatch.setattr(engine, "analyze_files", analyze_files)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("BOOM = 1\n")
    (tmp_path / "b.py").write_text("x = 1\n")
    assert main(["."]) == 2
    captured = capsys.readouterr()
    assert "b.py:1:1: ACL101 [resource-leak] leak" in captured.out
    assert "a.py: error: internal error: RuntimeError: exploded" in captured.out
    assert "Traceback" not in captured.out + captured.err
    assert main(["--format", "json", "."]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["errors"][0]["path"] == "a.py"
    assert data["errors"][0]["message"].startswith("internal error: RuntimeError: exploded")


def test_unexpected_crash_outside_the_engine(tmp_path, monkeypatch, capsys):
    import acl_lint.lint

    def boom(*a, **k):
        raise ValueError("bad state")

    monkeypatch.setattr(acl_lint.lint, "lint_sources", boom)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("acl-lint: internal error: ValueError: bad state")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "source, line, expected",
    [
        ("print 'hi'\n", 1, "print statement"),
        ("x = 1\nprint x, y\n", 2, "print statement"),
        ("print >>sys.stderr, 'x'\n", 1, "print >>file"),
        ("try:\n    pass\nexcept ValueError, e:\n    pass\n", 3, "'except X, e:'"),
        ("try:\n    pass\nexcept (A, B), e:\n    pass\n", 3, "'except X, e:'"),
        ("x = `y`\n", 1, "backtick"),
        ("os.chmod(p, 0777)\n", 1, "octal literal"),
        ("s = ur'abc'\n", 1, "ur'' string prefix"),
        ("if a <> b:\n    pass\n", 1, "'<>'"),
        ("n = 10L\n", 1, "long integer"),
        ("exec 'code'\n", 1, "exec statement"),
        ("raise ValueError, 'bad'\n", 1, "'raise E, msg'"),
    ],
)
def test_describe_python2(source, line, expected):
    reason = describe_syntax_error(source, line)
    assert reason.startswith("Python 2 code: ")
    assert expected in reason and f"on line {line}" in reason
    assert reason.endswith("acl-lint checks Python 3")


def test_describe_is_empty_for_python3_errors():
    assert describe_syntax_error("def f(:\n", 1) == ""
    # a string or comment mentioning print is not Python 2
    assert describe_syntax_error("s = 'print x' (\n", 1) == ""
    assert describe_syntax_error("f(x  # print x\n", 1) == ""


def test_syntax_error_finding_uses_cpython_position_and_words():
    text = "import acl\n\ndef f()\n    pass\n"
    f = syntax_error_finding("a.py", text, 4, 1, "parser error: error at 4:4: expected one of ->, :")
    assert (f.code, f.line, f.column) == ("ACL001", 3, 8)
    expected = "expected ':'" if sys.version_info >= (3, 10) else "invalid syntax"
    assert f.message == f"syntax error: {expected}"
    f = syntax_error_finding("a.py", "import acl\n\nprint 'x'\n", 3, 1, "parser error")
    assert f.message == "Python 2 code: print statement on line 3 (use print(...)); acl-lint checks Python 3"
