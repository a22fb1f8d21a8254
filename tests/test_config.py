"""Configuration: [tool.acl-lint], --config, selection layering, and config errors.

ACL002 (an unused `# noqa: ACL101`) and ACL001 (unreadable file) come from the
command line's own code, so these tests do not depend on the engine.
"""

import json
import textwrap

import pytest

from acl_lint.cli import main
from acl_lint.config import ConfigError, load_settings
from acl_lint.findings import Finding
from acl_lint.static import engine

UNUSED = "x = 1  # noqa: ACL101\n"  # one ACL002 finding


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def lint_json(capsys, *args):
    code = main(["--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "src" / "pkg" / "a.py", UNUSED)
    write(tmp_path / "tests" / "test_a.py", UNUSED)
    return tmp_path


def test_defaults_without_config(project, capsys):
    code, data = lint_json(capsys, ".")
    assert code == 1
    assert data["files_checked"] == 2
    assert sorted(f["path"] for f in data["findings"]) == ["src/pkg/a.py", "tests/test_a.py"]


def test_pyproject_found_upwards_from_the_linted_path(project, capsys, monkeypatch):
    write(project / "pyproject.toml", '[tool.acl-lint]\nignore = ["ACL002"]\n')
    monkeypatch.chdir(project / "src")
    code, data = lint_json(capsys, "pkg")
    assert code == 0 and data["findings"] == []


def test_pyproject_without_our_table_is_skipped(project, capsys):
    write(project / "pyproject.toml", '[tool.acl-lint]\nignore = ["ACL002"]\n')
    write(project / "src" / "pyproject.toml", '[project]\nname = "x"\n')
    code, data = lint_json(capsys, "src")
    assert code == 0


def test_per_file_ignores(project, capsys):
    write(project / "pyproject.toml", '[tool.acl-lint.per-file-ignores]\n"tests/*" = ["ACL002"]\n')
    code, data = lint_json(capsys, ".")
    assert [f["path"] for f in data["findings"]] == ["src/pkg/a.py"]


def test_per_file_ignores_do_not_report_noqa_as_unused(project, capsys):
    # a noqa for a rule that is off for the file is not "unused"
    write(project / "pyproject.toml", '[tool.acl-lint.per-file-ignores]\n"src/**" = ["ACL101"]\n')
    code, data = lint_json(capsys, ".")
    assert [f["path"] for f in data["findings"]] == ["tests/test_a.py"]


def test_exclude_and_extend_exclude(project, capsys):
    write(project / "pyproject.toml", '[tool.acl-lint]\nextend-exclude = ["tests"]\n')
    code, data = lint_json(capsys, ".")
    assert data["files_checked"] == 1
    write(project / "pyproject.toml", '[tool.acl-lint]\nexclude = ["src/pkg"]\n')
    code, data = lint_json(capsys, ".")
    assert [f["path"] for f in data["findings"]] == ["tests/test_a.py"]


def test_default_excludes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for folder in (".git", ".venv", "venv", "env", "__pycache__", "build", "dist", "x.egg-info", "node_modules",
                   "lib/site-packages", "myenv"):
        write(tmp_path / folder / "m.py", UNUSED)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    write(tmp_path / "ok" / "m.py", UNUSED)
    write(tmp_path / "ok" / "stub.pyi", UNUSED)
    write(tmp_path / "ok" / "notes.txt", UNUSED)
    code, data = lint_json(capsys, ".")
    assert sorted(f["path"] for f in data["findings"]) == ["ok/m.py", "ok/stub.pyi"]
    # an explicitly named file is linted whatever its folder or extension
    code, data = lint_json(capsys, "build/m.py", "ok/notes.txt")
    assert sorted(f["path"] for f in data["findings"]) == ["build/m.py", "ok/notes.txt"]


def test_severity_override(project, capsys):
    write(project / "pyproject.toml", '[tool.acl-lint.severity]\nACL002 = "error"\n')
    code, data = lint_json(capsys, "src")
    assert data["findings"][0]["severity"] == "error"
    main(["src", "--format", "concise"])
    assert "(1 error, 0 warnings)" in capsys.readouterr().out


def test_select_in_config_and_cli_layering(project, capsys):
    write(project / "pyproject.toml", '[tool.acl-lint]\nselect = ["ACL1"]\n')
    assert main(["src"]) == 0  # ACL002 not selected
    capsys.readouterr()
    assert main(["src", "--extend-select", "ACL002"]) == 1
    capsys.readouterr()
    write(project / "pyproject.toml", '[tool.acl-lint]\nignore = ["ACL002"]\n')
    assert main(["src", "--select", "ACL0,ACL1"]) == 1  # the command line's select wins over the config
    capsys.readouterr()
    assert main(["src", "--select", "ACL0,ACL1", "--ignore", "ACL002"]) == 0


def test_standalone_config_file(project, capsys):
    cfg = write(project / "ci" / "acl-lint.toml", 'ignore = ["ACL002"]\n')
    assert main(["--config", str(cfg), "."]) == 0
    assert "All checks passed! (2 files)" in capsys.readouterr().out


def test_explicit_pyproject_config(project, capsys):
    cfg = write(project / "other" / "pyproject.toml", '[tool.acl-lint]\nignore = ["ACL0"]\n')
    assert main(["--config", str(cfg), "."]) == 0


@pytest.mark.parametrize(
    "body, expected",
    [
        ('[tool.acl-lint]\nselct = ["ACL1"]\n', "unknown key 'selct' (did you mean 'select'?)"),
        ('[tool.acl-lint]\nselect = ["ACL999"]\n', "'select': unknown rule code or prefix 'ACL999'"),
        ('[tool.acl-lint]\nignore = ["E501"]\n', "'ignore': unknown rule code or prefix 'E501'"),
        ('[tool.acl-lint.per-file-ignores]\n"t/*" = ["ACL9"]\n', "'per-file-ignores.t/*': unknown rule code"),
        ('[tool.acl-lint.severity]\nACL101 = "fatal"\n', "'severity.ACL101' must be \"error\" or \"warning\""),
        ('[tool.acl-lint.severity]\nACL777 = "error"\n', "'severity': unknown rule code or prefix 'ACL777'"),
        ('[tool.acl-lint]\ncheck-release-status = "yes"\n', "'check-release-status' must be true or false"),
        ('[tool.acl-lint]\nmax-file-size = -1\n', "'max-file-size' must be a positive number of bytes"),
        ('[tool.acl-lint]\ncheck-helpers = [1]\n', "'check-helpers' must be a list of names"),
        ("[tool.acl-lint\n", "not valid TOML"),
    ],
)
def test_config_errors_exit_2_and_name_key_and_file(project, capsys, body, expected):
    cfg = write(project / "pyproject.toml", body)
    assert main(["."]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("acl-lint: error: ")
    assert str(cfg) in captured.err
    assert expected in captured.err
    assert "Traceback" not in captured.err


def test_missing_config_file(project, capsys):
    assert main(["--config", "nope.toml", "."]) == 2
    assert "nope.toml: config file does not exist" in capsys.readouterr().err


def test_bad_cli_codes(project, capsys):
    assert main(["--select", "ACL101,BOGUS", "."]) == 2
    err = capsys.readouterr().err
    assert "--select" in err and "'BOGUS'" in err


def test_show_settings(project, capsys):
    write(
        project / "pyproject.toml",
        """\
        [tool.acl-lint]
        ignore = ["ACL5"]
        check-helpers = ["check_ret"]
        buffer-free-order = false
        max-file-size = 1000
        [tool.acl-lint.severity]
        ACL2 = "error"
        [tool.acl-lint.per-file-ignores]
        "tests/*" = ["ACL101"]
        """,
    )
    assert main(["--show-settings", "."]) == 0
    out = capsys.readouterr().out
    assert f"# config file: {project / 'pyproject.toml'}" in out
    assert 'check-helpers = ["check_ret"]' in out
    assert "buffer-free-order = false" in out
    assert "max-file-size = 1000" in out
    assert '"tests/*" = ["ACL101"]' in out
    assert 'ACL201 = "error"' in out
    assert '"ACL501"' not in out.split("enabled = ")[1].splitlines()[0]


def test_engine_receives_rule_options(project, monkeypatch, capsys):
    seen = {}

    def analyze_files(files, options=None):
        seen.update(options)
        return [], []

    monkeypatch.setattr(engine, "analyze_files", analyze_files)
    write(
        project / "pyproject.toml",
        """\
        [tool.acl-lint]
        check-release-status = true
        check-helpers = ["check_ret", "utils.check"]
        release-methods = ["teardown"]
        init-methods = ["setup"]
        report-constructor-raise = true
        buffer-free-order = false
        """,
    )
    main(["."])
    assert seen["check-release-status"] is True
    assert seen["check-helpers"] == ["check_ret", "utils.check"]
    assert seen["release-methods"] == ["teardown"]
    assert seen["init-methods"] == ["setup"]
    assert seen["report-constructor-raise"] is True
    assert seen["buffer-free-order"] is False
    assert seen["max-file-size"] == 2 * 1024 * 1024


def test_max_file_size_option(project, capsys):
    write(project / "pyproject.toml", "[tool.acl-lint]\nmax-file-size = 64\n")
    write(project / "big.py", "x = 1\n" * 20)
    code, data = lint_json(capsys, "big.py")
    assert code == 1
    assert data["findings"][0]["code"] == "ACL001"
    assert "larger than max-file-size (64 bytes)" in data["findings"][0]["message"]


def test_severity_prefix_most_specific_wins(project):
    write(project / "pyproject.toml", '[tool.acl-lint.severity]\nACL2 = "error"\nACL205 = "warning"\n')
    s = load_settings(["."])
    assert s.severity_of("ACL201") == "error"
    assert s.severity_of("ACL205") == "warning"
    assert s.severity_of("ACL101") is None


def test_per_file_ignores_with_fake_findings(project, monkeypatch, capsys):
    def analyze_files(files, options=None):
        return [Finding("ACL101", "leak", p, 1, 1, 1, 2, function="f") for p, _ in files], []

    monkeypatch.setattr(engine, "analyze_files", analyze_files)
    write(project / "src" / "pkg" / "a.py", "x = 1\n")
    write(project / "tests" / "test_a.py", "x = 1\n")
    write(project / "pyproject.toml", '[tool.acl-lint.per-file-ignores]\n"test_*.py" = ["ACL1"]\n')
    code, data = lint_json(capsys, ".")
    assert [f["path"] for f in data["findings"]] == ["src/pkg/a.py"]


def test_load_settings_errors_are_config_errors(project):
    write(project / "pyproject.toml", "[tool.acl-lint]\nexclude = 3\n")
    with pytest.raises(ConfigError, match="'exclude' must be a list of glob patterns"):
        load_settings(["."])
