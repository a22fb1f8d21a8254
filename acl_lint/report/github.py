"""``--format github``: GitHub Actions workflow commands (annotations)."""

from __future__ import annotations

from ..findings import RunResult


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, props: dict, message: str) -> str:
    joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    return f"::{level} {joined}::{escape_data(message)}"


def render(result: RunResult) -> str:
    lines = []
    for f in result.sorted_findings():
        level = {"error": "error", "info": "notice"}.get(f.effective_severity, "warning")
        props = {
            "file": f.path.replace("\\", "/"),
            "line": f.line,
            "col": f.column,
            "endLine": max(f.end_line, f.line),
            "endColumn": f.end_column,
            "title": f"{f.code} {f.name}",
        }
        lines.append(_command(level, props, f.message))
    for e in result.errors:
        props = {"file": e.path.replace("\\", "/")} if e.path else {}
        props["title"] = "acl-lint internal error"
        lines.append(_command("error", props, e.message))
    return "\n".join(lines) + ("\n" if lines else "")
