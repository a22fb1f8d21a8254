"""Rule documentation as text (``acl-lint rule``) and Markdown (docs/rules.md)."""

from __future__ import annotations

from typing import List

from .findings import DOC_SECTIONS, OPTIONAL_DOC_SECTIONS, Rule, doc_sections


def doc_body(rule: Rule) -> str:
    """The rule's Markdown doc without a leading ``# title`` line."""
    lines = rule.doc.strip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip()


def missing_sections(rule: Rule) -> List[str]:
    present = doc_sections(rule.doc)
    return [s for s in DOC_SECTIONS if not present.get(s)]


def _header(rule: Rule) -> List[str]:
    out = [f"Severity: {rule.severity} (default)", f"Engines: {', '.join(rule.engines)}"]
    if rule.engine_note:
        out.append(f"Engine note: {rule.engine_note}")
    return out


def rule_text(rule: Rule) -> str:
    """``acl-lint rule CODE``: title, summary, then the doc."""
    title = f"{rule.code} {rule.name}"
    lines = [title, "=" * len(title), "", rule.summary, ""]
    lines.extend(_header(rule))
    body = doc_body(rule)
    lines.append("")
    lines.append(body if body else "(no further documentation)")
    return "\n".join(lines).rstrip() + "\n"


def rule_json(rule: Rule) -> dict:
    sections = doc_sections(rule.doc)
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "summary": rule.summary,
        "engines": list(rule.engines),
        "engine_note": rule.engine_note,
        "sections": {k: sections[k] for k in DOC_SECTIONS + OPTIONAL_DOC_SECTIONS if k in sections},
        "doc": doc_body(rule),
    }


def rule_markdown(rule: Rule) -> str:
    """A rule's section of docs/rules.md (headings demoted one level)."""
    lines = [f"## {rule.code} {rule.name}", "", f"{rule.summary}.", ""]
    meta = f"**Severity:** {rule.severity} &middot; **Engines:** {', '.join(rule.engines)}"
    lines.append(meta)
    if rule.engine_note:
        lines += ["", f"*{rule.engine_note}*"]
    body = doc_body(rule)
    if body:
        lines.append("")
        fence = ""
        for line in body.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(("```", "~~~")):
                marker = stripped[:3]
                fence = "" if fence == marker else (fence or marker)
            elif not fence and line.startswith("#"):
                line = "#" + line  # demote headings (not comments inside code)
            lines.append(line)
    return "\n".join(lines).rstrip() + "\n"
