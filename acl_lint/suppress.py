"""Suppression comments, and ACL002 for the ones that suppress nothing.

Recognised comments (a code may be a prefix such as ``ACL1``):

- ``# noqa``: every acl-lint finding on the statement. Shared with other
  linters, so a bare ``# noqa`` is never reported as unused.
- ``# noqa: ACL101, ACL102``: those codes. Codes that are not acl-lint's
  (``# noqa: E501``) are left to their tools: such a comment neither
  suppresses acl-lint findings nor is reported.
- ``# acl-lint: ignore`` / ``# acl-lint: ignore[ACL101, ACL102]``: same, our
  own spelling.
- ``# acl-lint: skip-file`` (or Ruff's spelling ``# acl-lint: noqa``) anywhere in
  the file: no findings for the file; ``# acl-lint: skip-file[ACL101]`` (or
  ``# acl-lint: noqa: ACL101``): none of those codes in the file.

A malformed directive never acts as a blanket: ``# noqa: ACL-501`` (a colon,
then no code list), ``# acl-lint: ignore[]`` or an unknown ``# acl-lint: word``
suppresses nothing and is reported as ACL002, with the spelling it meant.

A comment covers the reported line and every line of the statement that
holds it (for ``if``/``def``/``with``/... only the header lines), so a
suppression may stand on any line of a call that spans several lines.

ACL002 (unused-suppression) reports, at the comment, the codes of an
``# noqa: ACL...``, ``# acl-lint: ignore[...]`` or file-level per-code
suppression that suppressed nothing,
only for codes enabled for the file (a suppression for a deselected rule is
not "unused"), plus unknown ACL codes; and a bare ``# acl-lint: ignore``
that suppressed nothing. An ACL002 is itself suppressed only by a comment
on its line that names ACL002.
"""

from __future__ import annotations

import ast
import difflib
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
_SKIP_FILE = re.compile(r"#\s*acl-lint\s*:\s*(?:skip-file|noqa)(?![\w-])")
#: any acl-lint directive (a misspelt one included)
_DIRECTIVE = re.compile(r"#\s*acl-lint\s*:\s*(?P<word>[A-Za-z][\w-]*)?")
_FILE_CODES = re.compile(
    r"#\s*acl-lint\s*:\s*(?:skip-file(?![\w-])(?:\s*\[(?P<bracket>[^\]]*)\])?"
    r"|noqa(?![\w-])(?:\s*:(?P<colon>[^#]*))?)"
)
#: after a noqa: a colon not followed by a code list (as in "noqa: ACL-501")
_MALFORMED = re.compile(r"\s*:(?!\s*[A-Za-z]+[0-9]+(?![\w-]))\s*(?P<rest>[^#]*)")
DIRECTIVES = ("ignore", "skip-file", "noqa")
_QUICK = re.compile(r"noqa|acl-lint", re.IGNORECASE)


@dataclass
class Suppression:
    line: int
    column: int  # 1-based, of the directive inside the comment
    end_column: int
    kind: str  # "noqa" | "ignore" | "file" (a whole file) | "malformed" (suppresses nothing)
    codes: Optional[Tuple[str, ...]]  # None: all codes
    text: str
    used: Set[str] = field(default_factory=set)  # codes (or "*") that suppressed something
    problem: str = ""  # for "malformed": what is wrong, and the spelling meant

    def covers(self, code: str) -> Optional[str]:
        if self.kind == "malformed":
            return None
        return self._covers(code)

    def _covers(self, code: str) -> Optional[str]:
        if self.codes is None:
            return "*"
        for c in self.codes:
            if code.startswith(c):
                return c
        return None


def _split_codes(text: str) -> List[str]:
    return [c.upper() for c in re.split(r"[\s,]+", text.strip()) if c]


def _meant(text: str) -> str:
    """``ACL-501`` -> ``ACL501``: the code a malformed one probably meant ("" if none)."""
    m = re.fullmatch(r"\s*([A-Za-z]+)[\s\-_.]*([0-9]+)\s*", text)
    return (m.group(1) + m.group(2)).upper() if m else ""


def _malformed(line: int, col0: int, m: "re.Match", problem: str) -> Suppression:
    return Suppression(line, col0 + m.start() + 1, col0 + m.end() + 1, "malformed", (), m.group(0).strip(),
                       problem=problem + "; it suppresses nothing")


def _noqa(comment: str, line: int, col0: int, out: List[Suppression]) -> None:
    for m in _NOQA.finditer(comment):
        if m.start() > 0 and re.search(r"acl-lint\s*:\s*$", comment[: m.start()]):
            continue  # "# acl-lint: noqa" is the file-level spelling
        codes = m.group("codes")
        if codes is None:
            bad = _MALFORMED.match(comment, m.end())
            if bad:
                whole = re.compile(re.escape(comment[m.start(): bad.end()].rstrip()))
                meant = _meant(bad.group("rest"))
                hint = f"`# noqa: {meant}`" if meant else "`# noqa: ACL101, ACL102`"
                out.append(_malformed(line, col0, whole.match(comment, m.start()),
                                      f"expected a comma-separated list of codes such as {hint}"))
                continue
            parsed: Optional[Tuple[str, ...]] = None
        else:
            glued = re.compile(r"[\w\-]+").match(comment, m.end())
            if glued:  # "# noqa: ACL1O1" (a letter O): "ACL1" would silence every ACL1xx
                token = comment[m.start("codes"): glued.end()].split(",")[-1].split()[-1]
                whole = re.compile(re.escape(comment[m.start(): glued.end()]))
                out.append(_malformed(line, col0, whole.match(comment, m.start()), f"`{token}` is not a code"))
                continue
            tail = re.compile(r"\s*,\s*(?P<bad>[^\s,#]+)").match(comment, m.end())
            if tail:  # "# noqa: ACL101, ACL-501": the codes before act, the rest is reported
                meant = _meant(tail.group("bad"))
                out.append(Suppression(line, col0 + m.start() + 1, col0 + tail.end() + 1, "malformed", (),
                                       comment[m.start(): tail.end()],
                                       problem=f"`{tail.group('bad')}` is not a code"
                                       + (f" (did you mean `{meant}`?)" if meant else "") + ": it suppresses nothing"))
            acl = [c for c in _split_codes(codes) if c.startswith("ACL")]
            if not acl:
                continue  # codes of other tools only
            parsed = tuple(acl)
        out.append(Suppression(line, col0 + m.start() + 1, col0 + m.end() + 1, "noqa", parsed, m.group(0)))


def _file_codes(text: str) -> Tuple[Optional[Tuple[str, ...]], bool]:
    """Codes of a file-level directive (None: every code); and whether the list is malformed."""
    if text is None:
        return None, False
    codes = tuple(_split_codes(text.replace("ACL-", "ACL")))
    if not codes or not all(re.fullmatch(r"[A-Z]+[0-9]*", c) for c in _split_codes(text)):
        return codes, True
    return codes, False


def _directives(comment: str, line: int, col0: int) -> Tuple[List[Suppression], bool]:
    """Suppressions in one comment starting at 0-based column ``col0``; and whether it skips the file."""
    out: List[Suppression] = []
    _noqa(comment, line, col0, out)
    for m in _IGNORE.finditer(comment):
        codes = m.group("codes")
        if codes is not None and not codes.strip():
            out.append(_malformed(line, col0, m, "`ignore[]` names no code: write `# acl-lint: ignore[ACL101]`"))
            continue
        if codes is not None and _file_codes(codes)[1]:
            meant = ", ".join(_meant(c) or c for c in re.split(r"\s*,\s*", codes.strip()) if c)
            out.append(_malformed(line, col0, m, f"expected a comma-separated list of codes, such as `[{meant}]`"))
            continue
        parsed = tuple(_split_codes(codes)) if codes is not None else None
        out.append(Suppression(line, col0 + m.start() + 1, col0 + m.end() + 1, "ignore", parsed, m.group(0)))
    skip = False
    for m in _FILE_CODES.finditer(comment):
        raw = m.group("bracket") if m.group("bracket") is not None else m.group("colon")
        codes, bad = _file_codes(raw)
        if bad:
            meant = ", ".join(_meant(c) or c for c in re.split(r"\s*,\s*", (raw or "").strip()) if c)
            out.append(_malformed(line, col0, m, "expected a comma-separated list of codes"
                                  + (f", such as `[{meant}]`" if meant else "")))
        elif codes is None:
            skip = True
        else:
            out.append(Suppression(line, col0 + m.start() + 1, col0 + m.end() + 1, "file", codes, m.group(0)))
    for m in _DIRECTIVE.finditer(comment):
        word = m.group("word") or ""
        if word.lower() not in DIRECTIVES:
            close = difflib.get_close_matches(word.lower(), DIRECTIVES, n=1)
            hint = f" (did you mean `# acl-lint: {close[0]}`?)" if close else ""
            known = ", ".join(f"`{d}`" for d in DIRECTIVES)
            what = f"unknown acl-lint directive `{word}`" if word else "no directive after `acl-lint:`"
            out.append(_malformed(line, col0, m, f"{what}{hint}; known: {known}"))
    return out, skip


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
    if sup.kind == "malformed":
        message = f"malformed suppression `{sup.text}`: {sup.problem}"
    elif sup.codes is None:
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
            where = "in this file" if sup.kind == "file" else "here"
            parts.append(f"unused suppression: no {' or '.join(unused)} finding {where}")
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
    file_level = [s for s in sups if s.kind == "file"]
    for s in sups:
        if s.kind != "file":
            by_line.setdefault(s.line, []).append(s)
    spans = statement_spans(text)

    def suppressor(f: Finding, origin: Optional[Suppression] = None) -> bool:
        first, last = spans.get(f.line, (f.line, f.line))
        hit = False
        lines = [by_line.get(ln, ()) for ln in range(first, last + 1)] + [file_level]
        for here in lines:
            for s in here:
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
