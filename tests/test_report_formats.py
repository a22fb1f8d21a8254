"""Report formats rendered from hand-made findings (independent of the engine)."""

import json

import networkx as nx

from acl_lint import __version__
from acl_lint.findings import FileError, Finding, Related, RunResult, registry
from acl_lint.report import render, statistics
from acl_lint.report.github import escape_data, escape_property
from acl_lint.report.graph import function_names, render_graph

SOURCE = """\
import acl


def infer(size):
    p, ret = acl.rt.malloc(size, 0)
    if ret != 0:
        return None
    if size > 10:
        return None
    acl.rt.free(p)
"""


def leak() -> Finding:
    return Finding(
        code="ACL101",
        message="device memory `p` from acl.rt.malloc is not freed when returning at line 9",
        path="pkg/app.py",
        line=5,
        column=14,
        end_line=5,
        end_column=27,
        related=(
            Related("pkg/app.py", 5, 14, "acquired here", "acquire"),
            Related("pkg/app.py", 8, 5, "`size > 10` is true", "step"),
            Related("pkg/app.py", 9, 9, "returns without freeing `p`", "exit"),
            Related("pkg/app.py", 10, 5, "released here on the other path", "release"),
        ),
        function="infer",
        resource="p",
        acquire_call="acl.rt.malloc",
    )


def double_free() -> Finding:
    return Finding(
        code="ACL301",
        message="`p` released twice",
        path="pkg/app.py",
        line=10,
        column=5,
        end_line=10,
        end_column=19,
        related=(Related("pkg/app.py", 7, 5, "first release", "release"),),
        function="infer",
        resource="p",
        acquire_call="acl.rt.malloc",
    )


def unchecked() -> Finding:
    return Finding(
        code="ACL501",
        message="status of acl.rt.set_device ignored",
        path="pkg/app.py",
        line=2,
        column=1,
        end_line=2,
        end_column=10,
        function="<module>",
        acquire_call="acl.rt.set_device",
    )


def result(*findings, errors=()) -> RunResult:
    return RunResult(
        findings=list(findings), errors=list(errors), files_checked=3, sources={"pkg/app.py": SOURCE}
    )


# --- json -----------------------------------------------------------------------


def test_json_matches_the_contract():
    data = json.loads(render(result(double_free(), leak()), "json"))
    assert set(data) == {"version", "files_checked", "findings", "errors"}
    assert data["version"] == __version__
    assert data["files_checked"] == 3
    assert [f["code"] for f in data["findings"]] == ["ACL101", "ACL301"]  # sorted by position
    first = data["findings"][0]
    contract = {
        "code", "name", "severity", "path", "line", "column", "end_line", "end_column",
        "message", "related", "fingerprint",
    }
    assert contract <= set(first)
    assert first["name"] == "resource-leak" and first["severity"] == "error"
    assert first["path"] == "pkg/app.py" and first["line"] == 5 and first["column"] == 14
    assert {"path", "line", "column", "message"} <= set(first["related"][0])
    assert data["errors"] == []


def test_json_errors_are_listed():
    data = json.loads(render(result(errors=[FileError("x.py", "internal error: boom", "f")]), "json"))
    assert data["errors"] == [{"path": "x.py", "message": "internal error: boom", "function": "f"}]
    assert data["findings"] == []


# --- sarif ----------------------------------------------------------------------


def sarif(*findings, errors=()):
    return json.loads(render(result(*findings, errors=errors), "sarif"))


def test_sarif_top_level_and_driver():
    data = sarif(leak())
    assert data["version"] == "2.1.0"
    assert data["$schema"].endswith("sarif-2.1.0.json")
    run = data["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "acl-lint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == list(registry())


def test_sarif_every_rule_has_what_code_scanning_needs():
    for rule in sarif()["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["name"] == registry()[rule["id"]].name
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")  # SARIF 2.1.0 levels
        assert rule["properties"]["precision"] in ("high", "medium")
        assert rule["properties"]["tags"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in sarif()["runs"][0]["tool"]["driver"]["rules"]}
    assert levels["ACL101"] == "error" and levels["ACL501"] == "warning"


def test_sarif_result_fields():
    data = sarif(leak(), unchecked())
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    res = {r["ruleId"]: r for r in run["results"]}
    r = res["ACL101"]
    assert rules[r["ruleIndex"]]["id"] == "ACL101"
    assert r["level"] == "error"
    assert res["ACL501"]["level"] == "warning"
    assert r["message"]["text"] == leak().message
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "pkg/app.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 5, "startColumn": 14, "endLine": 5, "endColumn": 27}
    assert r["partialFingerprints"] == {"aclLintFingerprint/v1": leak().fingerprint}
    related = r["relatedLocations"]
    assert [x["id"] for x in related] == [1, 2, 3, 4]
    assert related[2]["message"]["text"] == "returns without freeing `p`"
    assert related[2]["physicalLocation"]["region"]["startLine"] == 9


def test_sarif_code_flow_follows_the_steps_in_order():
    r = sarif(leak())["runs"][0]["results"][0]
    flow = r["codeFlows"][0]["threadFlows"][0]["locations"]
    lines = [step["location"]["physicalLocation"]["region"]["startLine"] for step in flow]
    assert lines == [5, 8, 9]  # acquire, step, exit (a missed release is not a step)
    assert all(step["location"]["message"]["text"] for step in flow)


def test_sarif_no_code_flow_without_steps():
    r = sarif(double_free())["runs"][0]["results"][0]
    assert "codeFlows" not in r
    assert r["relatedLocations"][0]["message"]["text"] == "first release"


def test_sarif_paths_are_posix_and_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = Finding("ACL101", "m", "./src dir\\a.py".replace("\\", "/"), 1, 1, 1, 2)
    r = sarif(f)["runs"][0]["results"][0]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src%20dir/a.py"
    absolute = Finding("ACL101", "m", str(tmp_path / "b.py"), 1, 1, 1, 2)
    r = sarif(absolute)["runs"][0]["results"][0]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "b.py", "uriBaseId": "%SRCROOT%"}


def test_sarif_internal_errors_are_notifications():
    run = sarif(errors=[FileError("x.py", "internal error: boom")])["runs"][0]
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"][0]["message"]["text"] == "internal error: boom"


# --- github ---------------------------------------------------------------------


def test_github_annotations():
    out = render(result(leak(), unchecked()), "github").splitlines()
    assert out[0] == (
        "::warning file=pkg/app.py,line=2,col=1,endLine=2,endColumn=10,title=ACL501 unchecked-return-code"
        "::status of acl.rt.set_device ignored"
    )
    assert out[1].startswith("::error file=pkg/app.py,line=5,col=14,endLine=5,endColumn=27,title=ACL101 resource-leak::")


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    f = Finding("ACL301", "bad: 100%\nreally, twice", "dir,1/a:b.py", 3, 1, 3, 2)
    line = render(result(f), "github").strip()
    assert line == "::error file=dir%2C1/a%3Ab.py,line=3,col=1,endLine=3,endColumn=2,title=ACL301 double-release::bad: 100%25%0Areally, twice"


def test_github_prints_nothing_when_clean():
    assert render(result(), "github") == ""


# --- text -----------------------------------------------------------------------


def test_concise():
    out = render(result(leak(), unchecked()), "concise")
    assert out.splitlines() == [
        "pkg/app.py:2:1: ACL501 status of acl.rt.set_device ignored",
        f"pkg/app.py:5:14: ACL101 {leak().message}",
        "Found 2 findings (1 error, 1 warning) in 3 files.",
    ]
    assert "\x1b[" not in out


def test_concise_clean_summary():
    assert render(result(), "concise") == "All checks passed! (3 files)\n"


def test_full_has_code_frame_caret_and_numbered_steps():
    out = render(result(leak()), "full")
    lines = out.splitlines()
    assert lines[0] == f"pkg/app.py:5:14: ACL101 [resource-leak] {leak().message}"
    assert "\n3 |\n" in out and "\n7 |         return None\n" in out  # two lines of context either side
    assert "\n2 |" not in out and "\n8 |" not in out
    src = next(i for i, l in enumerate(lines) if l.startswith("5 |"))
    caret = lines[src + 1]
    assert caret.index("^") == lines[src].index("acl.rt.malloc")
    assert caret.count("^") == 13
    assert "  = leaking path:" in out
    assert "    1. pkg/app.py:5:14 [acquire] acquired here" in out
    assert "    2. pkg/app.py:8:5 [step] `size > 10` is true" in out
    assert "    3. pkg/app.py:9:9 [exit] returns without freeing `p`" in out
    assert "    4. pkg/app.py:10:5 [release] released here on the other path" in out
    assert lines[-1] == "Found 1 finding (1 error, 0 warnings) in 3 files."
    assert "\x1b[" not in out


def test_full_colour_only_when_asked():
    assert "\x1b[31m" in render(result(leak()), "full", color=True)
    assert "\x1b[" not in render(result(leak()), "full", color=False)


def test_full_without_source_has_no_frame():
    r = RunResult(findings=[double_free()], files_checked=1)
    out = render(r, "full")
    assert out.splitlines()[0].startswith("pkg/app.py:10:5: ACL301 [double-release]")
    assert " | " not in out


def test_text_formats_list_internal_errors():
    out = render(result(errors=[FileError("x.py", "internal error: boom")]), "concise")
    assert "x.py: error: internal error: boom" in out


def test_statistics_table():
    out = statistics(result(leak(), leak(), unchecked()), "concise")
    lines = out.splitlines()
    assert lines[0].split() == ["2", "ACL101", "error", "resource-leak"]
    assert lines[1].split() == ["1", "ACL501", "warning", "unchecked-return-code"]
    assert lines[-1] == "Found 3 findings (2 errors, 1 warning) in 3 files."
    data = json.loads(statistics(result(leak(), unchecked()), "json"))
    assert data[0] == {"code": "ACL101", "name": "resource-leak", "severity": "error", "count": 1}


def test_severity_override_shows_everywhere():
    f = unchecked().with_severity("error")
    assert "(1 error, 0 warnings)" in render(result(f), "concise")
    assert render(result(f), "github").startswith("::error ")
    assert sarif(f)["runs"][0]["results"][0]["level"] == "error"


# --- graph ----------------------------------------------------------------------


def sample_graph():
    g = nx.DiGraph()
    g.add_node("a", kind="acquire", label='p = acl.rt.malloc(16, 0) "x"', line=5)
    g.add_node("b", kind="exit", label="return", line=9)
    g.add_node("c", kind="release", label="acl.rt.free(p)", line=10)
    g.add_edge("a", "b", kind="flow", label="size > 10")
    g.add_edge("a", "c", kind="release", label="frees")
    return g


def test_graph_dot():
    out = render_graph(sample_graph(), "dot", name="infer")
    assert out.startswith('digraph "infer" {')
    assert 'n0 [label="acquire: p = acl.rt.malloc(16, 0) \\"x\\" (line 5)"' in out
    assert 'n0 -> n1 [label="size > 10"];' in out
    assert 'n0 -> n2 [label="frees", color=blue];' in out
    assert out.rstrip().endswith("}")


def test_graph_mermaid():
    out = render_graph(sample_graph(), "mermaid", name="infer")
    assert out.splitlines()[0] == "flowchart TD"
    assert 'n0(["acquire: p = acl.rt.malloc(16, 0) #quot;x#quot; (line 5)"])' in out
    assert "n0 -->|size > 10| n1" in out


def test_function_names_are_qualified():
    text = "def a():\n    def inner():\n        pass\nclass B:\n    def m(self):\n        pass\n    async def n(self):\n        pass\n"
    assert function_names(text) == ["a", "a.inner", "B.m", "B.n"]
