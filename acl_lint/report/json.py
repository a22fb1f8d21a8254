"""``--format json``: one object, design section 4 (keys may be added, never changed)."""

from __future__ import annotations

import json

from .. import __version__
from ..findings import RunResult


def as_dict(result: RunResult) -> dict:
    return {
        "version": __version__,
        "files_checked": result.files_checked,
        "findings": [f.to_json() for f in result.sorted_findings()],
        "errors": [e.to_json() for e in result.errors],
    }


def render(result: RunResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"
