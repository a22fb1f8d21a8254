"""Fixes as a user meets them: --fix / --unsafe-fixes / --diff / --add-noqa on the
before files of tests/fixes/, compared with their after files (`NAME.py.fixed`,
`add_noqa.py.noqa`; ACL_LINT_UPDATE_SNAPSHOTS=1 rewrites them after review),
then the fixed file linted again: only the findings marked `# remains: CODE` are left."""

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from acl_lint.cli import main
from acl_lint.findings import Finding
from acl_lint.fixes import attach_fixes
from acl_lint.fixes.edits import apply_fixes, edit, make_fix
from acl_lint.fixes.table import load_renames
from acl_lint.ruledata import RuleDataError
from snapshot import check

FIXES = Path(__file__).parent / "fixes"
BEFORE = sorted(p.name for p in FIXES.glob("*.py") if p.name != "add_noqa.py")


def lint_json(capsys, *args):
    code = main(["--output-format", "json", "--no-cache", *args])
    return code, json.loads(capsys.readouterr().out)


def options(text):
    m = re.search(r"^# fix-options: (.*)$", text, re.MULTILINE)
    return m.group(1).split() if m else []


def configure(here, text):
    """`# fix-config: key = value` lines of a fixture: its [tool.acl-lint] settings (an opt-in rule)."""
    lines = re.findall(r"^# fix-config: (.*)$", text, re.MULTILINE)
    if lines:
        (here / "pyproject.toml").write_text("[tool.acl-lint]\n" + "\n".join(lines) + "\n")


def remains(text):
    return sorted((i, m.group(1)) for i, line in enumerate(text.splitlines(), 1)
                  for m in re.finditer(r"# remains: (ACL\d{3})", line))


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", BEFORE)
def test_fix_snapshot_and_relint(here, capsys, name):
    shutil.copy(FIXES / name, here / name)
    before = (here / name).read_text()
    configure(here, before)
    _, found = lint_json(capsys, name)
    fixable = {(f["line"], f["code"]) for f in found["findings"] if f["fix"]}
    assert fixable, "a fix fixture needs findings with a fix"

    code = main(["--fix", "--no-cache", *options(before), name])
    out = capsys.readouterr().out
    after = (here / name).read_text()
    check(FIXES / f"{name}.fixed", after)
    assert after != before and f"Fixed {len(fixable)} finding" in out

    code, again = lint_json(capsys, name)
    left = sorted((f["line"], f["code"]) for f in again["findings"])
    assert left == remains(after)
    assert code == (1 if left else 0)


def test_safe_fixes_only_without_unsafe_fixes(here, capsys):
    shutil.copy(FIXES / "teardown_order.py", here / "t.py")
    before = (here / "t.py").read_text()
    configure(here, before)
    assert main(["--no-cache", "t.py"]) == 1
    out = capsys.readouterr().out
    assert "help (unsafe fix, --unsafe-fixes): Move `acl.destroy_data_buffer(buf)` (line 23) above line 22" in out
    assert "No fixes available (4 hidden fixes can be enabled with the `--unsafe-fixes` option)." in out
    assert main(["--fix", "--no-cache", "t.py"]) == 1
    assert (here / "t.py").read_text() == before  # unsafe fixes need --unsafe-fixes


def test_safe_fix_marked_in_the_report(here, capsys):
    shutil.copy(FIXES / "wrong_release_api.py", here / "w.py")
    assert main(["--no-cache", "--output-format", "concise", "w.py"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("w.py:21:5: ACL303 [*] device memory `dev` from acl.rt.malloc (line 9)")
    assert lines[-1] == "[*] 3 fixable with the `--fix` option."


def test_diff_shows_the_fixes_and_writes_nothing(here, capsys):
    shutil.copy(FIXES / "wrong_release_api.py", here / "w.py")
    before = (here / "w.py").read_text()
    assert main(["--diff", "--no-cache", "w.py"]) == 1
    captured = capsys.readouterr()
    assert (here / "w.py").read_text() == before
    assert captured.out.startswith("--- a/w.py\n+++ b/w.py\n@@ ")
    assert "-    acl.rt.free_host(dev)  #" in captured.out and "+    acl.rt.free(dev)  #" in captured.out
    assert "+    acl.mdl.destroy_dataset(dataset)  #" in captured.out
    assert captured.err == "Would fix 3 findings.\n"
    (here / "clean.py").write_text("x = 1\n")
    assert main(["--diff", "--no-cache", "clean.py"]) == 0
    assert capsys.readouterr().out == ""


def test_only_the_files_asked_for_are_changed(here, capsys):
    shutil.copy(FIXES / "wrong_release_api.py", here / "w.py")
    shutil.copy(FIXES / "wrong_release_api.py", here / "other.py")
    assert main(["--fix", "--no-cache", "w.py"]) == 0
    assert (here / "other.py").read_text() == (FIXES / "wrong_release_api.py").read_text()
    assert (here / "w.py").read_text() == (FIXES / "wrong_release_api.py.fixed").read_text()


def test_fix_keeps_crlf_and_bom(here, capsys):
    text = (FIXES / "wrong_release_api.py").read_text()
    (here / "w.py").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert main(["--fix", "--no-cache", "w.py"]) == 0
    raw = (here / "w.py").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert raw[3:].decode().replace("\r\n", "\n") == (FIXES / "wrong_release_api.py.fixed").read_text()


def test_json_carries_the_fix_in_ruffs_shape(here, capsys):
    shutil.copy(FIXES / "wrong_release_api.py", here / "w.py")
    _, data = lint_json(capsys, "w.py")
    f = data["findings"][0]
    assert (f["code"], f["line"]) == ("ACL303", 21)
    assert f["fix"] == {
        "applicability": "safe",
        "message": "Replace `acl.rt.free_host` with `acl.rt.free`",
        "edits": [{"content": "acl.rt.free", "location": {"row": 21, "column": 5},
                   "end_location": {"row": 21, "column": 21}}],
    }
    shutil.copy(FIXES / "rebound_handle.py", here / "r.py")
    _, data = lint_json(capsys, "r.py")
    assert [f["fix"]["applicability"] for f in data["findings"]] == ["unsafe"]


def test_sarif_carries_the_fix(here, capsys):
    shutil.copy(FIXES / "wrong_release_api.py", here / "w.py")
    main(["--output-format", "sarif", "--no-cache", "w.py"])
    result = json.loads(capsys.readouterr().out)["runs"][0]["results"][0]
    (fix,) = result["fixes"]
    assert fix["description"]["text"] == "Replace `acl.rt.free_host` with `acl.rt.free`"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "w.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 21, "startColumn": 5, "endLine": 21, "endColumn": 21},
        "insertedContent": {"text": "acl.rt.free"},
    }]


def test_stdin_fix_prints_the_fixed_source(here, capsys, monkeypatch):
    import io

    text = (FIXES / "wrong_release_api.py").read_text()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["-", "--stdin-filename", "w.py", "--fix"]) == 0
    captured = capsys.readouterr()
    assert captured.out == (FIXES / "wrong_release_api.py.fixed").read_text()
    assert "Fixed 3 findings in 1 file." in captured.err


# --- the machinery ------------------------------------------------------------------


def test_a_fix_that_would_not_parse_is_not_applied():
    text = "x = f(a)\ny = g(b)\n"
    broken = make_fix("safe", "break it", [edit("f(", (1, 5), (1, 9))])
    fine = make_fix("safe", "rename g", [edit("h", (2, 5), (2, 6))])
    new, applied = apply_fixes(text, [broken, fine])
    assert new == "x = f(a)\ny = h(b)\n" and applied == [fine]


def test_overlapping_fixes_apply_one_at_a_time():
    text = "x = f(a)\n"
    one = make_fix("safe", "1", [edit("g", (1, 5), (1, 6))])
    two = make_fix("safe", "2", [edit("h(b)", (1, 5), (1, 9))])
    assert apply_fixes(text, [one, two]) == ("x = g(a)\n", [one])


def test_rename_table_fixes_a_finding_of_its_code():
    """ACL502 (unknown-api) has no engine finding yet; the rename of rules/fixes.toml
    applies to any finding of the code located at the call."""
    text = textwrap.dedent("""\
        import acl as pyacl


        def close(model_id):
            pyacl.mdl.destroy_model(model_id)
    """)
    finding = Finding("ACL502", "unknown API", "m.py", 5, 5, 5, 37, function="close")
    (fixed,) = attach_fixes([finding], {"m.py": text})
    assert fixed.fix["applicability"] == "safe"
    assert fixed.fix["message"].startswith("Replace `pyacl.mdl.destroy_model` with `pyacl.mdl.unload`")
    new, _ = apply_fixes(text, [fixed.fix])
    assert "    pyacl.mdl.unload(model_id)\n" in new
    elsewhere = Finding("ACL502", "unknown API", "m.py", 4, 1, 4, 5)
    assert attach_fixes([elsewhere], {"m.py": text})[0].fix is None


def test_shipped_rename_table_is_valid():
    renames = {r.old: r for r in load_renames()}
    assert renames["mdl.destroy_model"].new == "mdl.unload"


@pytest.mark.parametrize("entry, message", [
    ('code = "ACL502"\nfrom = "mdl.destroy_model"\nto = "mdl.nope"\napplicability = "safe"', "not an API"),
    ('code = "ACL502"\nfrom = "mdl.unload"\nto = "mdl.unload"\napplicability = "safe"', "is an API"),
    ('code = "ACL502"\nfrom = "x.y"\nto = "mdl.unload"\napplicability = "maybe"', "applicability"),
    ('code = "E1"\nfrom = "x.y"\nto = "mdl.unload"\napplicability = "safe"', "bad code"),
    ('code = "ACL502"\nfrom = "x.y"\nto = "mdl.unload"\napplicability = "safe"\nwhen = 1', "unknown key"),
])
def test_bad_rename_tables_are_named(tmp_path, entry, message):
    path = tmp_path / "fixes.toml"
    path.write_text("[[rename]]\n" + entry + "\n")
    with pytest.raises(RuleDataError, match=message):
        load_renames(path)


# --- --add-noqa -----------------------------------------------------------------------


def test_add_noqa_snapshot_and_relint(here, capsys):
    shutil.copy(FIXES / "add_noqa.py", here / "add_noqa.py")
    assert main(["--no-cache", "add_noqa.py"]) == 1
    capsys.readouterr()
    assert main(["--add-noqa", "--no-cache", "add_noqa.py"]) == 0
    assert capsys.readouterr().err == "Added 3 noqa directives.\n"
    check(FIXES / "add_noqa.py.noqa", (here / "add_noqa.py").read_text())
    assert main(["--no-cache", "add_noqa.py"]) == 0
    assert main(["--add-noqa", "--no-cache", "add_noqa.py"]) == 0  # nothing left to add
    assert capsys.readouterr().err.endswith("Added 0 noqa directives.\n")


def test_add_noqa_refuses_stdin_and_fix(here, capsys):
    assert main(["--add-noqa", "--fix", "."]) == 2
    assert "--add-noqa rewrites files" in capsys.readouterr().err


def test_no_fix_for_a_name_imported_on_its_own(here, capsys):
    """`from acl import rt`: the right API would need another import; no fix is offered."""
    (here / "r.py").write_text((FIXES / "wrong_release_api.py").read_text().replace(
        "import acl\n", "import acl\nfrom acl import destroy_data_buffer\n").replace(
        "    acl.destroy_data_buffer(dataset)", "    destroy_data_buffer(dataset)"))
    _, data = lint_json(capsys, "r.py")
    fixes = {f["line"]: f["fix"] for f in data["findings"] if f["code"] == "ACL303"}
    assert fixes[24] is None and fixes[22] is not None, fixes


def test_noqa_fix_for_one_finding_is_an_edit_of_its_line():
    """What an editor's "suppress" code action applies (same placement as --add-noqa)."""
    from acl_lint.fixes.noqa import noqa_fix

    text = (FIXES / "add_noqa.py").read_text()
    on_string_line = Finding("ACL101", "leak", "n.py", 22, 16, 22, 40)
    fix = noqa_fix(text, on_string_line)
    assert fix["message"] == "Suppress with `# noqa: ACL101`"
    assert fix["edits"] == [{"content": '"""), 0)  # noqa: ACL101', "location": {"row": 23, "column": 1},
                             "end_location": {"row": 23, "column": 9}}]
    merged = noqa_fix(text, Finding("ACL101", "leak", "n.py", 15, 16, 15, 40))
    assert merged["edits"][0]["content"].endswith("# noqa: E501, ACL101")
    assert noqa_fix(text, Finding("ACL002", "unused", "n.py", 15, 16, 15, 40)) is None


def test_wrong_argument_fix_passes_the_handle_meant(here, capsys):
    """ACL303 on the failure branch of add_dataset_buffer: the buffer was meant, so the fix
    replaces the argument (unsafe: the call's kind is right, its argument is a guess)."""
    (here / "m.py").write_text(textwrap.dedent('''\
        import acl


        def make(ptr, size):
            dataset = acl.mdl.create_dataset()
            buf = acl.create_data_buffer(ptr, size)
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            if ret:
                acl.destroy_data_buffer(dataset)
                acl.mdl.destroy_dataset(dataset)
                return None
            return dataset
        '''))
    _, data = lint_json(capsys, "m.py")
    [f] = [f for f in data["findings"] if f["code"] == "ACL303"]
    assert f["message"].endswith("pass the data buffer `buf` (line 6), not the dataset"), f["message"]
    assert f["fix"]["applicability"] == "unsafe" and f["fix"]["message"] == "Pass `buf` instead of `dataset`"
    assert [e["content"] for e in f["fix"]["edits"]] == ["buf"]
    assert [x["code"] for x in data["findings"]] == ["ACL303"]


def test_a_method_is_fixed_from_its_own_lines_as_from_the_whole_class():
    """attach_fixes parses only the function holding a finding (an indented method parses
    behind an ``if 1:``): the fix is the one the whole file gives, at the file's positions,
    also with a string and a comment at column 0 inside the method."""
    from acl_lint.fixes.codemods import SourceIndex, fixer_for

    text = textwrap.dedent('''\
        import acl


        class Holder:
            doc = 1

            @staticmethod
            def close(model_id):
                note = """
        text at column 0
        """
        # a comment at column 0
                acl.mdl.destroy_model(model_id)
                return note
    ''')
    finding = Finding("ACL502", "unknown API", "m.py", 13, 9, 13, 43, function="Holder.close")
    (fixed,) = attach_fixes([finding], {"m.py": text})
    whole = fixer_for("ACL502")(SourceIndex(text), finding)
    assert fixed.fix == whole and fixed.fix is not None
    new, _ = apply_fixes(text, [fixed.fix])
    assert "        acl.mdl.unload(model_id)\n" in new
