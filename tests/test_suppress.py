"""Suppression comments and ACL002 (unused-suppression)."""

import textwrap

import pytest

from acl_lint.cli import main
from acl_lint.findings import Finding, registry
from acl_lint.static import engine
from acl_lint.suppress import apply_suppressions, scan, statement_spans

ALL = frozenset(registry())


def finding(line, code="ACL101", path="a.py", column=5):
    return Finding(code, f"{code} here", path, line, column, line, column + 3, function="f", resource="p")


def run(text, findings, enabled=ALL):
    return apply_suppressions("a.py", textwrap.dedent(text), findings, enabled)


def codes(found):
    return sorted((f.line, f.code) for f in found)


def test_bare_noqa_suppresses_everything_on_the_line():
    src = """\
    p = x  # noqa
    q = y
    """
    out = run(src, [finding(1), finding(1, "ACL501"), finding(2)])
    assert codes(out) == [(2, "ACL101")]


def test_noqa_with_codes_suppresses_only_those():
    src = "p = x  # noqa: ACL101, ACL102\n"
    out = run(src, [finding(1), finding(1, "ACL501")])
    assert codes(out) == [(1, "ACL002"), (1, "ACL501")]  # ACL102 suppressed nothing


def test_noqa_code_lists_are_flexible():
    for comment in ("# noqa:ACL101", "# NOQA: acl101", "# noqa: E501,ACL101", "# noqa: E501 ACL101 explained"):
        out = run(f"p = x  {comment}\n", [finding(1)])
        assert out == [], comment


def test_prefix_code():
    out = run("p = x  # noqa: ACL1\n", [finding(1), finding(1, "ACL102"), finding(1, "ACL501")])
    assert codes(out) == [(1, "ACL501")]


def test_acl_lint_ignore_spelling():
    src = """\
    a = 1  # acl-lint: ignore[ACL101]
    b = 2  # acl-lint: ignore[ACL101, ACL501]
    c = 3  # acl-lint: ignore
    d = 4  # acl-lint: ignore[ACL501]
    """
    found = [finding(1), finding(2), finding(2, "ACL501"), finding(3, "ACL301"), finding(4)]
    assert codes(run(src, found)) == [(4, "ACL002"), (4, "ACL101")]


def test_other_tools_codes_are_left_alone():
    src = "p = x  # noqa: E501\n"
    out = run(src, [finding(1)])
    assert codes(out) == [(1, "ACL101")]  # not suppressed, and no ACL002 for E501
    assert run(src, []) == []


def test_bare_noqa_is_never_unused():
    assert run("x = 1  # noqa\n", []) == []


def test_unused_acl_lint_ignore_without_codes_is_reported():
    out = run("x = 1  # acl-lint: ignore\n", [])
    assert codes(out) == [(1, "ACL002")]
    assert out[0].column == 8 and "no acl-lint finding here" in out[0].message


def test_unused_reported_only_for_enabled_codes():
    src = "x = 1  # noqa: ACL101\n"
    assert codes(run(src, [])) == [(1, "ACL002")]
    assert run(src, [], enabled=ALL - {"ACL101"}) == []
    assert run(src, [], enabled=ALL - {"ACL002"}) == []


def test_unknown_code_is_reported():
    out = run("x = 1  # acl-lint: ignore[ACL999]\n", [])
    assert out[0].code == "ACL002" and "unknown rule code ACL999" in out[0].message


def test_acl002_can_be_suppressed_by_naming_it():
    assert run("x = 1  # noqa: ACL101, ACL002\n", []) == []


def test_multi_line_statement():
    src = """\
    p, ret = acl.rt.malloc(
        size,
        0,
    )  # noqa: ACL101
    other = 1
    """
    assert run(src, [finding(1)]) == []
    # and a comment on the first line covers a finding on a later line of the statement
    src2 = """\
    x = call(  # acl-lint: ignore[ACL501]
        arg,
    )
    """
    assert run(src2, [finding(2, "ACL501")]) == []


def test_compound_statement_header_does_not_cover_its_body():
    src = """\
    def f():  # noqa: ACL101
        p = acl.rt.malloc(1, 0)
    """
    out = run(src, [finding(2)])
    assert codes(out) == [(1, "ACL002"), (2, "ACL101")]
    src2 = """\
    with open(
        name,
    ) as fh:  # noqa: ACL101
        pass
    """
    assert run(src2, [finding(1)]) == []


def test_comment_inside_string_is_not_a_suppression():
    src = 's = "# noqa: ACL101"\n'
    assert codes(run(src, [finding(1)])) == [(1, "ACL101")]


def test_skip_file():
    src = """\
    import acl
    # acl-lint: skip-file
    x = 1  # noqa: ACL999
    """
    assert run(src, [finding(1), finding(3, "ACL301")]) == []


def test_skip_file_in_an_unparsable_file():
    src = "print 'hello'\n# acl-lint: skip-file\n"
    assert run(src, [finding(1, "ACL001")]) == []


def test_scan_and_spans():
    sups, skip = scan("a = 1  # noqa: ACL101  # acl-lint: ignore[ACL3]\n")
    assert [(s.kind, s.codes) for s in sups] == [("noqa", ("ACL101",)), ("ignore", ("ACL3",))]
    assert not skip
    spans = statement_spans("x = f(\n  1,\n)\nif y:\n    z = 1\n")
    assert spans[2] == (1, 3) and spans[4] == (4, 4) and spans[5] == (5, 5)


# --- through the command line ---------------------------------------------------


@pytest.fixture
def fake_engine(monkeypatch):
    """An engine that reports ACL101 on every line containing 'LEAK'."""

    def analyze_files(files, options=None):
        out = []
        for path, text in files:
            for i, line in enumerate(text.splitlines(), 1):
                if "LEAK" in line:
                    out.append(Finding("ACL101", "leaked", path, i, 1, i, 5, function="f", resource=f"v{i}"))
        return out, []

    monkeypatch.setattr(engine, "analyze_files", analyze_files)


def test_cli_suppressions(tmp_path, monkeypatch, capsys, fake_engine):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("LEAK = 1  # noqa: ACL101\nLEAK = 2\nx = 3  # noqa: ACL102\n")
    assert main(["a.py", "--output-format", "concise"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "a.py:2:1: ACL101 leaked",
        "a.py:3:8: ACL002 unused suppression: no ACL102 finding here",
        "Found 2 findings (1 error, 1 warning) in 1 file.",
    ]
    assert main(["a.py", "--ignore", "ACL002"]) == 1
    assert "ACL002" not in capsys.readouterr().out


def test_cli_real_leak_suppressed(tmp_path, monkeypatch, capsys):
    """With the real engine: a leak with its noqa passes."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leak.py").write_text(
        textwrap.dedent(
            """\
            import acl


            def f():
                p, ret = acl.rt.malloc(16, 0)  # noqa: ACL101
                if ret != 0:
                    return
            """
        )
    )
    assert main(["leak.py"]) == 0
    assert "All checks passed! (1 file)" in capsys.readouterr().out


# --- malformed, misspelt and file-level suppressions (never a silent blanket) ------------


def test_malformed_noqa_is_reported_and_suppresses_nothing():
    out = run("p = x  # noqa: ACL-501\n", [finding(1), finding(1, "ACL501")])
    assert codes(out) == [(1, "ACL002"), (1, "ACL101"), (1, "ACL501")]
    (warning,) = [f for f in out if f.code == "ACL002"]
    assert warning.message == (
        "malformed suppression `# noqa: ACL-501`: expected a comma-separated list of codes such as "
        "`# noqa: ACL501`; it suppresses nothing"
    )
    assert warning.column == 8


def test_noqa_with_a_colon_and_no_codes_is_malformed():
    out = run("p = x  # noqa: because\n", [finding(1)])
    assert codes(out) == [(1, "ACL002"), (1, "ACL101")]
    assert "`# noqa: ACL101, ACL102`" in out[-1].message


def test_malformed_tail_of_a_code_list():
    out = run("p = x  # noqa: ACL101, ACL-501\n", [finding(1), finding(1, "ACL501")])
    assert codes(out) == [(1, "ACL002"), (1, "ACL501")]  # ACL101 still suppressed
    assert "`ACL-501` is not a code (did you mean `ACL501`?)" in out[-1].message


@pytest.mark.parametrize("comment, says", [
    ("# acl-lint: ignroe[ACL101]", "unknown acl-lint directive `ignroe` (did you mean `# acl-lint: ignore`?)"),
    ("# acl-lint: ignore[]", "`ignore[]` names no code"),
    ("# acl-lint: ignore[ACL-101]", "such as `[ACL101]`"),
    ("# acl-lint: skip-file[ACL 101]", "such as `[ACL101]`"),
])
def test_misspelt_acl_lint_directives_are_reported(comment, says):
    out = run(f"p = x  {comment}\n", [finding(1)])
    assert codes(out) == [(1, "ACL002"), (1, "ACL101")]
    assert says in out[-1].message and out[-1].message.endswith("it suppresses nothing")


def test_file_level_per_code_suppressions():
    src = """\
    # acl-lint: skip-file[ACL101]
    p = x
    q = y
    """
    assert codes(run(src, [finding(2), finding(3, "ACL501")])) == [(3, "ACL501")]
    ruff_spelling = "# acl-lint: noqa: ACL101, ACL5\np = x\nq = y\n"
    assert run(ruff_spelling, [finding(2), finding(3, "ACL501")]) == []
    assert run("# acl-lint: noqa\np = x\n", [finding(2), finding(2, "ACL501")]) == []


def test_file_level_unknown_and_unused_codes_are_reported():
    out = run("# acl-lint: noqa: ACL101, ACL999\np = x\n", [finding(2)])
    assert [(f.line, f.code, f.message) for f in out] == [(1, "ACL002", "unknown rule code ACL999 in suppression")]
    out = run("# acl-lint: skip-file[ACL301]\np = x\n", [finding(2)])
    assert codes(out) == [(1, "ACL002"), (2, "ACL101")]
    assert out[-1].message == "unused suppression: no ACL301 finding in this file"


def test_malformed_suppression_through_the_cli(tmp_path, monkeypatch, capsys):
    """With the real engine: the malformed noqa does not hide the leak."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text(textwrap.dedent("""\
        import acl


        def load(size):
            p, ret = acl.rt.malloc(16, 0)  # noqa: ACL-101
            if ret != 0:
                return None
            return size
    """))
    assert main(["m.py", "--output-format", "concise", "--no-cache"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("m.py:5:14: ACL101 device memory `p`")
    assert out[1] == ("m.py:5:36: ACL002 malformed suppression `# noqa: ACL-101`: expected a comma-separated "
                      "list of codes such as `# noqa: ACL101`; it suppresses nothing")


def test_a_code_glued_to_junk_is_not_a_prefix():
    """`ACL1O1` (a letter O) must not act as the prefix ACL1."""
    out = run("p = x  # noqa: ACL1O1\n", [finding(1), finding(1, "ACL102")])
    assert codes(out) == [(1, "ACL002"), (1, "ACL101"), (1, "ACL102")]
    assert out[-1].message == "malformed suppression `# noqa: ACL1O1`: `ACL1O1` is not a code; it suppresses nothing"
