"""Suppression comments, and ACL002 for the ones that suppress nothing.

Recognised comments (a code may be a prefix such as ``ACL1``):

- ``# noqa``: every acl-lint finding on the statement. Shared with other
  linters, so a bare ``# noqa`` is never reported as unused.
- ``# noqa: ACL101, ACL102``: those codes. Codes that are not acl-lint's
  (``# noqa: E501``) are left to their tools: such a comment neither
  suppresses acl-lint findings nor is reported.
- ``# acl-lint: ignore`` / ``# acl-lint: ignore[ACL101, ACL102]``: same, our
  own spelling.
- ``# acl-lint: skip-file`` anywhere in the file: no findings for the file.

A comment covers the reported line and every line of the statement that
holds it (for ``if``/``def``/``with``/... only the header lines), so a
suppression may stand on any line of a call that spans several lines.

ACL002 (unused-suppression) reports, at the comment, the codes of an
``# noqa: ACL...`` or ``# acl-lint: ignore[...]`` that suppressed nothing,
only for codes enabled for the file (a suppression for a deselected rule is
not "unused"), plus unknown ACL codes; and a bare ``# acl-lint: ignore``
that suppressed nothing. An ACL002 is itself suppressed only by a comment
on its line that names ACL002.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from .findings import Finding, registry

_NOQA = re.compile(
    r"#\s*noqa(?![\w-])(?:\s*:\s*(?P<codes>[A-Za-z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Za-z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_IGNORE = re.compile(r"#\s*acl-lint\s*:\s*ignore(?![\w-])(?:\s*\[(?P<codes>[^\]]*)\])?")
_SKIP_FILE = re.compile(r"#\s*acl-lint\s*:\s*skip-file(?![\w-])")
_QUICK = re.compile(r"noqa|acl-lint", re.IGNORECASE)


@dataclass
class Suppression:
    line: int
    column: int  # 1-based, of the directive inside the comment
    end_column: int
    kind: str  # "noqa" | "ignore"
    codes: Optional[Tuple[str, ...]]  # None: all codes
    text: str
    used: Set[str] = field(default_factory=set)  # codes (or "*") that suppressed something

    def covers(self, code: str) -> Optional[str]:
        if self.codes is None:
            return "*"
        for c in self.codes:
            if code.startswith(c):
                return c
        return None


def _split_codes(text: str) -> List[str]:
    return [c.upper() for c in re.split(r"[\s,]+", text.strip()) if c]


def _directives(comment: str, line: int, col0: int) -> Tuple[List[Suppression], bool]:
    """Suppressions in one comment starting at 0-based column ``col0``."""
    out: List[Suppression] = []
    for m in _NOQA.finditer(comment):
        codes = m.group("codes")
        if codes is None:
            parsed: Optional[Tuple[str, ...]] = None
        else:
            acl = [c for c in _split_codes(codes) if c.startswith("ACL")]
            if not acl:
                continue  # codes of other tools only
            parsed = tuple(acl)
        out.append(Suppression(line, col0 + m.start() + 1, col0 + m.end() + 1, "noqa", parsed, m.group(0)))
    for m in _IGNORE.finditer(comment):
        codes = m.group("codes")
        parsed = tuple(_split_codes(codes)) if codes is not None and codes.strip() else None
        out.append(Suppression(line, col0 + m.start() + 1, col0 + m.end() + 1, "ignore", parsed, m.group(0)))
    return out, bool(_SKIP_FILE.search(comment))


def scan(text: str) -> Tuple[List[Suppression], bool]:
    """All suppression comments of a file, and whether it says skip-file."""
    found: List[Suppression] = []
    skip = False
    if not _QUICK.search(text):
        return found, False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                sups, sk = _directives(tok.string, tok.start[0], tok.start[1])
                found.extend(sups)
                skip = skip or sk
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # not tokenizable (syntax error): look for '#' directives line by line
        found, skip = [], False
        for lineno, line in enumerate(text.splitlines(), 1):
            pos = line.find("#")
            if pos >= 0:
                sups, sk = _directives(line[pos:], lineno, pos)
                found.extend(sups)
                skip = skip or sk
    return found, skip


def statement_spans(text: str) -> Dict[int, Tuple[int, int]]:
    """Line -> (first, last) line of the innermost statement (header) holding it."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return {}
    spans: List[Tuple[int, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.excepthandler)):
            continue
        start = node.lineno
        end = getattr(node, "end_lineno", None) or start
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.AST):
            end = max(start, body[0].lineno - 1)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
            start = min(d.lineno for d in node.decorator_list)
        spans.append((start, end))
    out: Dict[int, Tuple[int, int]] = {}
    # widest first, so inner statements overwrite outer ones
    for start, end in sorted(spans, key=lambda s: s[0] - s[1]):
        if end == start:
            out[start] = (start, end)
            continue
        for ln in range(start, end + 1):
            out[ln] = (start, end)
    return out


def _unused_finding(path: str, sup: Suppression, enabled: frozenset) -> Optional[Finding]:
    known = registry()
    if sup.codes is None:
        if sup.kind == "noqa" or sup.used:
            return None
        message = f"unused suppression `{sup.text.lstrip('# ').strip()}`: no acl-lint finding here"
    else:
        if "ACL002" in sup.codes:
            return None
        unknown = [c for c in sup.codes if not any(k.startswith(c) for k in known)]
        unused = [
            c
            for c in sup.codes
            if c not in sup.used and c not in unknown and any(k.startswith(c) for k in enabled)
        ]
        if not unknown and not unused:
            return None
        parts = []
        if unused:
            parts.append(f"unused suppression: no {' or '.join(unused)} finding here")
        if unknown:
            label = "unknown rule code" + ("s" if len(unknown) > 1 else "")
            parts.append(f"{label} {', '.join(unknown)} in suppression")
        message = "; ".join(parts)
    return Finding(
        code="ACL002",
        message=message,
        path=path,
        line=sup.line,
        column=sup.column,
        end_line=sup.line,
        end_column=sup.end_column,
        resource=",".join(sup.codes or ("*",)),
        acquire_call=sup.text,
    )


def apply_suppressions(path: str, text: Optional[str], findings: List[Finding], enabled: frozenset) -> List[Finding]:
    """Drop suppressed findings; add ACL002 for unused suppressions (if enabled)."""
    if text is None or not _QUICK.search(text):
        return findings
    sups, skip = scan(text)
    if skip:
        return []
    if not sups:
        return findings
    by_line: Dict[int, List[Suppression]] = {}
    for s in sups:
        by_line.setdefault(s.line, []).append(s)
    spans = statement_spans(text)

    def suppressor(f: Finding, origin: Optional[Suppression] = None) -> bool:
        first, last = spans.get(f.line, (f.line, f.line))
        hit = False
        for ln in range(first, last + 1):
            for s in by_line.get(ln, ()):
                if origin is not None and (s is origin or s.codes is None):
                    continue  # an ACL002 is suppressed only by naming ACL002
                c = s.covers(f.code)
                if c is not None:
                    s.used.add(c)
                    hit = True
        return hit

    kept = [f for f in findings if not suppressor(f)]
    if "ACL002" in enabled:
        for s in sups:
            extra = _unused_finding(path, s, enabled)
            if extra is not None and not suppressor(extra, s):
                kept.append(extra)
    return kept
