"""The language server's pieces in-process: warm results, noqa placement, fixes as edits."""

from __future__ import annotations

import os
import textwrap

import pytest

from acl_lint.config import load_settings
from acl_lint.findings import Finding
from acl_lint.workspace import Project, noqa_line

lsp = pytest.importorskip("lsprotocol.types")
server = pytest.importorskip("acl_lint.server")

CALLER = textwrap.dedent("""\
    import acl
    from helpers import release


    def run(size):
        ptr, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            return None
        release(ptr)
        return 1
""")
RELEASES = "import acl\n\n\ndef release(ptr):\n    acl.rt.free(ptr)\n"
KEEPS = "import acl\n\n\ndef release(ptr):\n    pass\n"


def test_project_reanalyses_only_what_changed(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.acl-lint]\n", encoding="utf-8")
    (tmp_path / "helpers.py").write_text(RELEASES, encoding="utf-8")
    (tmp_path / "caller.py").write_text(CALLER, encoding="utf-8")
    (tmp_path / "other.py").write_text("import acl\nacl.init()\n", encoding="utf-8")
    caller, helpers = str(tmp_path / "caller.py"), str(tmp_path / "helpers.py")
    project = Project(load_settings([caller]))
    project.overlay[caller] = CALLER
    assert project.lint([caller])[caller] == ([], [])
    assert project.analysed == 1
    assert project.lint([caller])[caller] == ([], [])
    assert project.analysed == 1  # served warm
    project.overlay[helpers] = KEEPS  # unsaved edit of the helper the caller depends on
    assert project.dependents(helpers) == [caller]
    findings, _ = project.lint([caller])[caller]
    assert [(f.code, f.line) for f in findings] == [("ACL101", 6)]
    assert project.analysed == 2


def test_exclude_applies_to_documents_as_to_named_files(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nextend-exclude = ["generated"]\n', encoding="utf-8")
    project = Project(load_settings([str(tmp_path / "x.py")]))
    assert project.excluded(str(tmp_path / "generated" / "x.py"))
    assert not project.excluded(str(tmp_path / "build" / "x.py"))  # built-in patterns: only while walking
    assert not project.excluded(str(tmp_path / "src" / "x.py"))


def test_a_changed_config_file_is_read_again(tmp_path):
    from acl_lint.workspace import Projects

    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.acl-lint]\nignore = []\n", encoding="utf-8")
    projects = Projects([str(tmp_path)])
    first = projects.for_path(str(tmp_path / "a.py"))
    assert projects.for_path(str(tmp_path / "b.py")) is first
    config.write_text("[tool.acl-lint]\nignore = ['ACL101']\n", encoding="utf-8")
    os.utime(config, ns=(first.config_stamp + 10**9, first.config_stamp + 10**9))
    second = projects.for_path(str(tmp_path / "a.py"))
    assert second is not first and "ACL101" not in second.settings.enabled


@pytest.mark.parametrize("source, line, expected_line, expected", [
    ("x = acl.rt.malloc(1, 0)\n", 1, 1, "x = acl.rt.malloc(1, 0)  # noqa: ACL101"),
    ("x = acl.rt.malloc(1, 0)  # noqa: E501\n", 1, 1, "x = acl.rt.malloc(1, 0)  # noqa: E501, ACL101"),
    ("x = acl.rt.malloc(1, 0)  # keep\n", 1, 1, "x = acl.rt.malloc(1, 0)  # keep  # noqa: ACL101"),
    ('x = f(acl.rt.malloc(1, 0), """a\nb""")\n', 1, 2, 'b""")  # noqa: ACL101'),
    ("x = acl.rt.malloc(1, \\\n    0)\n", 1, 2, "    0)  # noqa: ACL101"),
])
def test_noqa_line_placement(source, line, expected_line, expected):
    assert noqa_line(source, line, "ACL101") == (expected_line, expected)


def test_noqa_comment_is_honoured_by_the_linter(tmp_path):
    """The placement above is what suppress.py reads: the finding goes away."""
    from acl_lint.lint import lint_sources

    src = textwrap.dedent("""\
        import acl


        def run(size):
            ptr, ret = acl.rt.malloc(
                size, 0)
            return 1
    """)
    path = str(tmp_path / "m.py")
    before = lint_sources([(path, src)]).findings
    leak = [f for f in before if f.code == "ACL101"][0]
    row, new = noqa_line(src, leak.line, leak.code)
    lines = src.splitlines()
    lines[row - 1] = new
    after = lint_sources([(path, "\n".join(lines) + "\n")]).findings
    assert [f for f in after if f.code == "ACL101"] == []


def _finding_with_fix(fix):
    f = Finding(code="ACL303", message="released with the wrong API", path="/p/a.py", line=2, column=5,
                end_line=2, end_column=30)
    object.__setattr__(f, "fix", fix)  # what the fixes give a finding (Ruff's JSON shape)
    return f


def test_fix_becomes_a_preferred_quickfix_with_a_workspace_edit():
    text = "import acl\nacl.rt.free_host(ptr)\n"
    fix = {"applicability": "safe", "message": "Release with acl.rt.free",
           "edits": [{"content": "acl.rt.free", "location": {"row": 2, "column": 1},
                      "end_location": {"row": 2, "column": 17}}]}
    diag = server.diagnostic(_finding_with_fix(fix), text.splitlines())
    assert diag.data["fix"] == fix
    actions = server.code_actions("file:///p/a.py", text, [diag])
    assert [a.title for a in actions] == ["Release with acl.rt.free", "Suppress ACL303 with `# noqa: ACL303`"]
    assert actions[0].is_preferred is True
    (edit,) = actions[0].edit.changes["file:///p/a.py"]
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character) == (1, 0, 16)
    assert edit.new_text == "acl.rt.free"


def test_unsafe_fix_is_offered_but_not_preferred():
    fix = {"applicability": "unsafe", "message": "", "edits": []}
    diag = server.diagnostic(_finding_with_fix(fix), ["", "x"])
    actions = server.code_actions("file:///p/a.py", "\nx\n", [diag])
    assert actions[0].title == "Fix ACL303 (unsafe)" and actions[0].is_preferred is False


def test_positions_are_utf16():
    lines = ["s = '\N{GRINNING FACE}'; p = acl.rt.malloc(1, 0)"]
    pos = server._position(lines, 1, lines[0].index("acl") + 1)
    assert pos.character == lines[0].index("acl") + 1  # the emoji is two UTF-16 units


def test_unused_suppression_is_faded_and_gets_no_noqa_action():
    text = "import acl\nx = 1  # noqa: ACL101\n"
    f = Finding(code="ACL002", message="unused suppression", path="/p/a.py", line=2, column=8, end_line=2,
                end_column=23)
    diag = server.diagnostic(f, text.splitlines())
    assert diag.tags == [lsp.DiagnosticTag.Unnecessary]
    assert server.code_actions("file:///p/a.py", text, [diag]) == []
