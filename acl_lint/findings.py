"""Findings, their locations, and the rule registry (rules/codes.toml + rules/docs)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from .ruledata import RuleDataError, load_toml, rules_dir

DOC_SECTIONS = ("What it does", "Why is this bad", "Example", "Use instead")
OPTIONAL_DOC_SECTIONS = ("Known limits", "Options")
#: "info": a note that part of the code was not checked (ACL003), neither an error nor a warning
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # "error" | "warning" | "info"
    summary: str
    engines: Tuple[str, ...]
    engine_note: str = ""
    leak: bool = False  # a leak rule (codes.toml `leak = true`)

    @property
    def doc(self) -> str:
        return rule_doc(self.code)

    def section(self, title: str) -> str:
        return doc_sections(self.doc).get(title, "")


@lru_cache(maxsize=None)
def registry() -> Dict[str, Rule]:
    """All rules by code, in code order."""
    path = rules_dir() / "codes.toml"
    data = load_toml(path)
    rules: Dict[str, Rule] = {}
    for i, entry in enumerate(data.get("rule", [])):
        try:
            rule = Rule(
                code=entry["code"],
                name=entry["name"],
                severity=entry["severity"],
                summary=entry["summary"],
                engines=tuple(entry["engines"]),
                engine_note=entry.get("engine_note", ""),
                leak=bool(entry.get("leak", False)),
            )
        except KeyError as exc:
            raise RuleDataError(f"{path}: rule entry #{i + 1} lacks key {exc}") from None
        if not re.fullmatch(r"ACL\d{3}", rule.code):
            raise RuleDataError(f"{path}: rule entry #{i + 1}: bad code {rule.code!r}")
        if rule.severity not in SEVERITIES:
            raise RuleDataError(f"{path}: rule {rule.code}: bad severity {rule.severity!r}")
        rules[rule.code] = rule
    return dict(sorted(rules.items()))


def rule(code: str) -> Rule:
    return registry()[code]


@lru_cache(maxsize=None)
def rule_doc(code: str) -> str:
    path = rules_dir() / "docs" / f"{code}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def doc_sections(doc: str) -> Dict[str, str]:
    """Split a rule doc into its ``## Section`` bodies."""
    sections: Dict[str, str] = {}
    current: Optional[str] = None
    lines: List[str] = []
    for line in doc.splitlines():
        if line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current = line[3:].strip()
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections


def select_codes(select: Iterable[str], ignore: Iterable[str] = ()) -> frozenset:
    """Expand code prefixes (``ACL1``, ``ACL10``, ``ALL``) against the registry."""
    codes = list(registry())

    def expand(prefixes: Iterable[str]) -> set:
        out = set()
        for p in prefixes:
            p = p.strip().upper()
            if not p:
                continue
            if p == "ALL":
                out.update(codes)
                continue
            matched = [c for c in codes if c.startswith(p)]
            if not matched:
                raise ValueError(f"unknown rule code or prefix: {p}")
            out.update(matched)
        return out

    return frozenset(expand(select) - expand(ignore))


@dataclass(frozen=True)
class Related:
    """A secondary location: the acquire site, a missed release, a step of the path."""

    path: str
    line: int
    column: int
    message: str
    kind: str = "step"  # "acquire" | "exit" | "release" | "step" | "call"

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Finding:
    """One reported problem. Lines and columns are 1-based."""

    code: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    related: Tuple[Related, ...] = ()
    function: str = ""  # qualified name of the enclosing function, "<module>" at top level
    resource: str = ""  # the variable or attribute naming the resource
    acquire_call: str = ""  # normalised acquire call, e.g. "acl.rt.malloc"
    severity: str = ""  # resolved from the registry (and config) when empty
    engine: str = "static"  # "static" | "runtime"
    #: a mechanical fix (acl_lint.fixes), Ruff's JSON shape: {"applicability": "safe"|"unsafe",
    #: "message", "edits": [{"content", "location": {"row", "column"}, "end_location": {...}}]}
    fix: Optional[dict] = field(default=None, compare=False, hash=False)

    @property
    def name(self) -> str:
        return rule(self.code).name

    @property
    def effective_severity(self) -> str:
        return self.severity or rule(self.code).severity

    @property
    def fingerprint(self) -> str:
        """Stable identity that survives edits elsewhere in the file.

        Built from the rule, the path, the enclosing function's qualified name,
        the resource variable and the normalised acquire call, never the line.
        Findings with no resource (e.g. ACL501) add the offending call text.
        """
        basis = "\x1f".join(
            (self.code, self.path.replace("\\", "/"), self.function, self.resource, self.acquire_call)
        )
        return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]

    def with_severity(self, severity: str) -> "Finding":
        return replace(self, severity=severity)

    def sort_key(self):
        return (self.path, self.line, self.column, self.code, self.message)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.effective_severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "related": [r.to_json() for r in self.related],
            "fingerprint": self.fingerprint,
            "function": self.function,
            "engine": self.engine,
            "fix": self.fix,
        }


@dataclass
class FileError:
    """A file or function that could not be analysed for a reason of ours (exit code 2)."""

    path: str
    message: str
    function: str = ""

    def to_json(self) -> dict:
        out = {"path": self.path, "message": self.message}
        if self.function:
            out["function"] = self.function
        return out


@dataclass
class RunResult:
    """What one run produced; every report format renders this."""

    findings: List[Finding] = field(default_factory=list)
    errors: List[FileError] = field(default_factory=list)
    files_checked: int = 0
    sources: Dict[str, str] = field(default_factory=dict)  # path -> text, for code frames

    def sorted_findings(self) -> List[Finding]:
        return sorted(self.findings, key=Finding.sort_key)


#: a dependency of a file's findings on who calls its functions in the project (the process-exit
#: policy): any file added to or removed from the project may change them (see ``cache.py``)
CALLERS_DEP = "<callers>"
