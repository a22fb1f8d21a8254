"""The argument parsers of the ``acl-lint`` command line (:mod:`acl_lint.cli`): what each
subcommand accepts, and the help it prints. Nothing here imports the engine, so ``--help``
stays fast."""

from __future__ import annotations

import argparse
from typing import List, Sequence

from . import __version__

EPILOG = """\
subcommands:
  acl-lint rule CODE        documentation of a rule (acl-lint rule --all: every rule)
  acl-lint graph FILE[:FUNCTION] [--format dot|mermaid]
                            resource graph of a function
  acl-lint server           language server for editors (LSP over stdin/stdout)

exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error
"""


def check_parser(prog: str = "acl-lint") -> argparse.ArgumentParser:
    from .report import FORMATS

    p = argparse.ArgumentParser(
        prog=prog,
        description="Resource-lifecycle linter for pyACL (Huawei Ascend) code.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .); - reads standard input"
    )
    p.add_argument("--version", action="version", version=f"acl-lint {__version__}")
    p.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=FORMATS,
        help="report format (default: full, with code frames and leaking paths)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to enable (replaces config)")
    p.add_argument("--extend-select", metavar="CODES", help="codes or prefixes to enable in addition")
    p.add_argument("--ignore", metavar="CODES", help="codes or prefixes to disable")
    p.add_argument("--config", metavar="FILE", help="pyproject.toml ([tool.acl-lint]) or acl-lint.toml to use")
    p.add_argument("--show-settings", action="store_true", help="print the settings in force and exit")
    p.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    p.add_argument("--fix", action="store_true", help="apply the safe fixes to the files linted, then report the rest")
    p.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: also apply fixes that may change behaviour"
    )
    p.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing (exit 1 if any)")
    p.add_argument("--add-noqa", action="store_true", help="add `# noqa: CODE` to every line with a finding")
    p.add_argument("--stdin-filename", metavar="NAME", help="with PATH -: the name of the file read from stdin")
    p.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        default=None,
        help="also lint files that .gitignore excludes (default: skip them unless named)",
    )
    p.add_argument("--no-color", action="store_true", help="no colours (also NO_COLOR; FORCE_COLOR forces them)")
    p.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline")
    p.add_argument("--write-baseline", metavar="FILE", help="record the current findings as a baseline and exit")
    p.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N",
        help="processes to analyse in (default: all cores; 1: in-process). Small runs always stay in-process",
    )
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    p.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"where to keep the result cache (default: {CACHE_DIRNAME} in the project root)",
    )
    p.add_argument(
        "--verbose", "-v", action="store_true", help="print file counts, cache statistics and timings on stderr"
    )
    p.add_argument(
        "--timings",
        type=_top,
        nargs="?",
        const=10,
        metavar="N",
        help="after the report, the N slowest files (default 10) with their parse and analysis time "
        "(on stderr for json, sarif, github and with --output)",
    )
    return p




def timings_value(argv: Sequence[str]) -> List[str]:
    """``--timings PATH`` means the default top with PATH linted (not N = PATH): a bare
    ``--timings`` not followed by a number becomes ``--timings=10``."""
    out = list(argv)
    for i, arg in enumerate(out):
        if arg == "--":
            break
        if arg == "--timings" and (i + 1 >= len(out) or not out[i + 1].lstrip("-").isdigit()):
            out[i] = "--timings=10"
    return out


CACHE_DIRNAME = ".acl_lint_cache"  # acl_lint.cache.CACHE_DIRNAME, without importing it for --help


def _count(what: str, minimum: int, note: str = ""):
    """An argparse type: a whole number of ``what``, at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of {what}, got {text!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"expected a number of {what} >= {max(1, minimum)}{note}, got {n}")
        return n

    return parse


_jobs = _count("processes", 0, " (0: all cores)")
_top = _count("files", 1)


def rule_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="acl-lint rule", description="Print the documentation of a rule.")
    p.add_argument("code", nargs="?", help="rule code, e.g. ACL101")
    p.add_argument("--all", action="store_true", help="every rule")
    p.add_argument("--format", choices=("text", "json"), default="text")
    return p


def graph_parser() -> argparse.ArgumentParser:
    from .report.graph import GRAPH_FORMATS

    p = argparse.ArgumentParser(
        prog="acl-lint graph",
        description="Print the resource graph of one function (default: the first function with acl calls).",
    )
    p.add_argument("target", metavar="FILE[:FUNCTION]", help="e.g. app.py:Model.run")
    p.add_argument("--format", choices=GRAPH_FORMATS, default="dot")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    return p
