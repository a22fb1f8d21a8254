"""Render a JSON report as a stable text snapshot (Ruff's `.snap` idea, one file for the corpus).

Each finding is one header line (path:line:column, code, message) followed by its
related steps, indented. Paths are relative to the linted root, so the snapshot
does not depend on where the repository is checked out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List


def _rel(path: str, root: str) -> str:
    path = path.replace("\\", "/")
    root = root.replace("\\", "/").rstrip("/") + "/"
    return path[len(root):] if path.startswith(root) else path


def render(report: Dict, root: str) -> str:
    lines: List[str] = []
    findings = sorted(report["findings"], key=lambda f: (_rel(f["path"], root), f["line"], f["column"], f["code"]))
    for f in findings:
        lines.append(f"{_rel(f['path'], root)}:{f['line']}:{f['column']}: {f['code']} {f['message']}")
        for r in f.get("related", []):
            where = _rel(r["path"], root)
            where = "" if where == _rel(f["path"], root) else where
            lines.append(f"    [{r.get('kind', '')}] {where}:{r['line']}:{r['column']} {r['message']}")
    for e in report.get("errors", []):
        lines.append(f"error: {e}")
    return "\n".join(lines) + "\n"


def check(snapshot: Path, text: str) -> None:
    """Compare with the committed snapshot; ``ACL_LINT_UPDATE_SNAPSHOTS=1`` rewrites it."""
    if os.environ.get("ACL_LINT_UPDATE_SNAPSHOTS") == "1" or not snapshot.exists():
        snapshot.write_text(text, encoding="utf-8")
        return
    want = snapshot.read_text(encoding="utf-8")
    if want != text:
        import difflib

        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                            str(snapshot), "now", n=1))
        raise AssertionError(
            f"{snapshot.name} differs (ACL_LINT_UPDATE_SNAPSHOTS=1 rewrites it after review):\n{diff}")
