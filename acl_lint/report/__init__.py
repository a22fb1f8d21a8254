"""Report formats: one module per format, all rendering a RunResult to text.

``render(result, fmt, color=False)`` is the only entry point the command
line needs; ``statistics(result, fmt)`` renders ``--statistics``.
"""

from __future__ import annotations

from typing import Callable

from ..findings import RunResult

FORMATS = ("full", "concise", "json", "sarif", "github")
MACHINE_FORMATS = ("json", "sarif", "github")


def _renderer(fmt: str) -> Callable[..., str]:
    if fmt == "full":
        from .full import render
    elif fmt == "concise":
        from .concise import render
    elif fmt == "json":
        from .json import render
    elif fmt == "sarif":
        from .sarif import render
    elif fmt == "github":
        from .github import render
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return render


def render(result: RunResult, fmt: str = "full", color: bool = False, unsafe_fixes: bool = False) -> str:
    """The report text for one run (ends with a newline unless empty). ``unsafe_fixes``:
    the text formats count unsafe fixes as available (``[*]``), as with ``--unsafe-fixes``."""
    renderer = _renderer(fmt)
    if fmt in MACHINE_FORMATS:
        return renderer(result)
    return renderer(result, color=color, unsafe_fixes=unsafe_fixes)


def statistics(result: RunResult, fmt: str = "full", color: bool = False) -> str:
    from .stats import render as render_stats

    return render_stats(result, fmt, color=color)


__all__ = ["FORMATS", "MACHINE_FORMATS", "render", "statistics"]
