"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning reads it.

Every rule of the registry is in ``tool.driver.rules`` (so that ``ruleIndex``
is stable); every leak finding (ACL1xx) carries its path as a ``codeFlow``
(acquire, steps, exit), and so does any other finding with path steps; a
finding with a mechanical fix carries it as ``fixes`` (SARIF 2.1.0 section 3.55:
``artifactChanges[].replacements[]`` with ``deletedRegion``/``insertedContent``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import List, Optional
from urllib.parse import quote

from .. import __version__
from ..findings import FileError, Finding, Related, Rule, RunResult, doc_sections, registry, rule_doc

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/acl-lint/acl-lint"
FLOW_KINDS = ("acquire", "step", "exit", "call")
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}  # SARIF result levels

_CATEGORY = {
    "0": "acl-lint",
    "1": "resource-leak",
    "2": "protocol",
    "3": "release",
    "4": "context",
    "5": "error-handling",
}


def _uri(path: str) -> dict:
    """A repository-relative POSIX URI under %SRCROOT%, or an absolute file URI."""
    posix = path.replace("\\", "/")
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path, os.getcwd())
        except ValueError:
            rel = ".."
        if rel.startswith(".."):
            return {"uri": Path(os.path.abspath(path)).as_uri()}
        posix = rel.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix, safe="/"), "uriBaseId": "%SRCROOT%"}


def _region(line: int, column: int, end_line: Optional[int] = None, end_column: Optional[int] = None) -> dict:
    line = max(1, line)
    column = max(1, column)
    end_line = max(line, end_line or line)
    end_column = end_column or column + 1
    if end_line == line and end_column <= column:
        end_column = column + 1
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _physical(path: str, region: dict) -> dict:
    return {"physicalLocation": {"artifactLocation": _uri(path), "region": region}}


def _related_location(r: Related) -> dict:
    loc = _physical(r.path, _region(r.line, r.column))
    loc["message"] = {"text": r.message}
    return loc


def _doc_text(rule: Rule) -> str:
    doc = rule.doc.strip()
    lines = doc.splitlines()
    if lines and lines[0].startswith("# "):
        doc = "\n".join(lines[1:]).strip()
    return doc


def rule_descriptor(rule: Rule) -> dict:
    doc = _doc_text(rule)
    sections = doc_sections(rule_doc(rule.code))
    what = sections.get("What it does", "").strip() or rule.summary
    help_text = doc or rule.summary
    help_markdown = f"**{rule.code} {rule.name}**: {rule.summary}\n\n{doc}" if doc else rule.summary
    precision = "medium" if sections.get("Known limits") else "high"
    tags = ["correctness", _CATEGORY.get(rule.code[3], "acl-lint")] + [f"engine:{e}" for e in rule.engines]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _LEVEL.get(rule.severity, "warning")},
        "properties": {"precision": precision, "tags": tags},
    }


def _code_flow(finding: Finding) -> Optional[list]:
    if not finding.code.startswith("ACL1") and not any(r.kind == "step" for r in finding.related):
        return None
    steps = [r for r in finding.related if r.kind in FLOW_KINDS]
    locations = []
    if not any(r.kind == "acquire" for r in steps):
        start = _physical(finding.path, _region(finding.line, finding.column, finding.end_line, finding.end_column))
        start["message"] = {"text": finding.message}
        locations.append({"location": start, "importance": "essential"})
    for r in steps:
        locations.append(
            {
                "location": _related_location(r),
                "importance": "essential" if r.kind in ("acquire", "exit") else "important",
            }
        )
    for i, loc in enumerate(locations):
        loc["executionOrder"] = i + 1
    return [{"threadFlows": [{"locations": locations}]}]


def _fixes(finding: Finding) -> Optional[list]:
    """The finding's fix (Ruff's shape, see acl_lint.fixes.edits) as SARIF ``fixes``."""
    fix = finding.fix
    if not fix or not fix.get("edits"):
        return None
    replacements = []
    for e in fix["edits"]:
        start, end = e["location"], e["end_location"]
        region = {"startLine": start["row"], "startColumn": start["column"],
                  "endLine": end["row"], "endColumn": end["column"]}
        replacements.append({"deletedRegion": region, "insertedContent": {"text": e["content"]}})
    label = "" if fix.get("applicability") == "safe" else " (unsafe: may change behaviour)"
    return [{
        "description": {"text": fix.get("message", "") + label},
        "artifactChanges": [{"artifactLocation": _uri(finding.path), "replacements": replacements}],
    }]


def _result(finding: Finding, index: int) -> dict:
    out = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": _LEVEL.get(finding.effective_severity, "warning"),
        "message": {"text": finding.message},
        "locations": [
            _physical(finding.path, _region(finding.line, finding.column, finding.end_line, finding.end_column))
        ],
        "partialFingerprints": {"aclLintFingerprint/v1": finding.fingerprint},
    }
    if finding.related:
        related = []
        for i, r in enumerate(finding.related, 1):
            loc = _related_location(r)
            loc["id"] = i
            related.append(loc)
        out["relatedLocations"] = related
    flows = _code_flow(finding)
    if flows:
        out["codeFlows"] = flows
    fixes = _fixes(finding)
    if fixes:
        out["fixes"] = fixes
    return out


def _notification(error: FileError) -> dict:
    note = {"level": "error", "message": {"text": error.message}}
    if error.path:
        note["locations"] = [{"physicalLocation": {"artifactLocation": _uri(error.path)}}]
    return note


def as_dict(result: RunResult) -> dict:
    rules = list(registry().values())
    index = {r.code: i for i, r in enumerate(rules)}
    results: List[dict] = [_result(f, index[f.code]) for f in result.sorted_findings()]
    root = Path(os.getcwd()).as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "acl-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(r) for r in rules],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not result.errors,
                        "toolExecutionNotifications": [_notification(e) for e in result.errors],
                    }
                ],
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(result: RunResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"
