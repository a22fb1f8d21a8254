"""The ``acl-lint`` command line.

    acl-lint [check] [PATH ...] [options]     lint (default: the current folder)
    acl-lint rule CODE | --all                print rule documentation
    acl-lint graph FILE[:FUNCTION]            print a function's resource graph
    acl-lint server                           language server (LSP over stdio)

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal
error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from typing import List, Optional, Sequence, TextIO

from . import __version__

SUBCOMMANDS = ("check", "rule", "graph", "server")

EPILOG = """\
subcommands:
  acl-lint rule CODE        documentation of a rule (acl-lint rule --all: every rule)
  acl-lint graph FILE[:FUNCTION] [--format dot|mermaid]
                            resource graph of a function
  acl-lint server           language server for editors (LSP over stdin/stdout)

exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error
"""


class UsageError(Exception):
    """Printed as ``acl-lint: error: ...``; exit code 2."""


def _fail(message: str) -> int:
    sys.stderr.write(f"acl-lint: error: {message}\n")
    return 2


# --- parsers -----------------------------------------------------------------


def _check_parser(prog: str = "acl-lint") -> argparse.ArgumentParser:
    from .report import FORMATS

    p = argparse.ArgumentParser(
        prog=prog,
        description="Resource-lifecycle linter for pyACL (Huawei Ascend) code.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .)")
    p.add_argument("--version", action="version", version=f"acl-lint {__version__}")
    p.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=FORMATS,
        help="report format (default: full on a terminal, concise otherwise)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to enable (replaces config)")
    p.add_argument("--extend-select", metavar="CODES", help="codes or prefixes to enable in addition")
    p.add_argument("--ignore", metavar="CODES", help="codes or prefixes to disable")
    p.add_argument("--config", metavar="FILE", help="pyproject.toml ([tool.acl-lint]) or acl-lint.toml to use")
    p.add_argument("--show-settings", action="store_true", help="print the settings in force and exit")
    p.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    p.add_argument("--no-color", action="store_true", help="no colours (also: NO_COLOR environment variable)")
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
    return p


CACHE_DIRNAME = ".acl_lint_cache"  # acl_lint.cache.CACHE_DIRNAME, without importing it for --help


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, got {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes >= 1 (0: all cores), got {n}")
    return n


def _rule_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="acl-lint rule", description="Print the documentation of a rule.")
    p.add_argument("code", nargs="?", help="rule code, e.g. ACL101")
    p.add_argument("--all", action="store_true", help="every rule")
    p.add_argument("--format", choices=("text", "json"), default="text")
    return p


def _graph_parser() -> argparse.ArgumentParser:
    from .report.graph import GRAPH_FORMATS

    p = argparse.ArgumentParser(
        prog="acl-lint graph",
        description="Print the resource graph of one function (default: the first function with acl calls).",
    )
    p.add_argument("target", metavar="FILE[:FUNCTION]", help="e.g. app.py:Model.run")
    p.add_argument("--format", choices=GRAPH_FORMATS, default="dot")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    return p


# --- output ------------------------------------------------------------------


def _use_color(stream: TextIO, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _emit(text: str, output: Optional[str]) -> None:
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


# --- commands ----------------------------------------------------------------


def _check(argv: Sequence[str]) -> int:
    from .baseline import BaselineError, load_baseline, write_baseline
    from .config import ConfigError, load_settings, parse_code_list
    from .discovery import DiscoveryError
    from .lint import lint_paths
    from .progress import Progress
    from .report import MACHINE_FORMATS, render, statistics

    args = _check_parser().parse_args(argv)
    paths = args.paths or ["."]
    try:
        settings = load_settings(
            paths,
            args.config,
            select=parse_code_list(args.select, "--select"),
            extend_select=parse_code_list(args.extend_select, "--extend-select"),
            ignore=parse_code_list(args.ignore, "--ignore"),
        )
    except ConfigError as exc:
        return _fail(str(exc))
    if args.show_settings:
        _emit(settings.describe(), args.output)
        return 0
    baseline = None
    if args.baseline and not args.write_baseline:
        try:
            baseline = load_baseline(args.baseline)
        except BaselineError as exc:
            return _fail(str(exc))

    to_terminal = not args.output and _isatty(sys.stdout)
    fmt = args.format or ("full" if to_terminal else "concise")
    progress = None
    if _isatty(sys.stderr) and not (fmt in MACHINE_FORMATS and to_terminal):
        progress = Progress(sys.stderr)
    jobs = args.jobs or max(1, os.cpu_count() or 1)  # acl_lint.parallel.default_jobs, without importing it
    cache_dir = None
    if not args.no_cache:
        from .cache import default_dir

        cache_dir = args.cache_dir or default_dir(settings.root)
    stats: dict = {}
    started = time.perf_counter()
    try:
        result = lint_paths(paths, settings, baseline=baseline, progress=progress, cache_dir=cache_dir, jobs=jobs,
                            stats=stats)
    except DiscoveryError as exc:
        return _fail(str(exc))
    finally:
        if progress is not None:
            progress.close()
    if args.verbose:
        _report_stats(stats, time.perf_counter() - started, jobs)

    if args.write_baseline:
        try:
            n = write_baseline(args.write_baseline, result.findings)
        except BaselineError as exc:
            return _fail(str(exc))
        sys.stderr.write(
            f"acl-lint: wrote baseline of {n} finding{'s' if n != 1 else ''} "
            f"({result.files_checked} files) to {args.write_baseline}\n"
        )
        for e in result.errors:
            sys.stderr.write(f"acl-lint: error: {e.path}: {e.message}\n")
        return 2 if result.errors else 0

    color = to_terminal and _use_color(sys.stdout, args.no_color)
    text = statistics(result, fmt, color=color) if args.statistics else render(result, fmt, color=color)
    code = 2 if result.errors else (1 if result.findings and not args.exit_zero else 0)
    try:
        _emit(text, args.output)
    except BrokenPipeError:
        _silence_stdout()
    return code


def _report_stats(stats: dict, elapsed: float, jobs: int) -> None:
    """The --verbose lines (stderr)."""
    lines = [
        f"acl-lint: {stats.get('files', 0)} files read, {stats.get('acl_files', 0)} name acl, "
        f"{stats.get('analysed', 0)} analysed "
        + (f"in {stats.get('workers', 1)} processes" if stats.get("workers", 1) > 1 else "in-process")
        + f" (--jobs {jobs})"
    ]
    cache = stats.get("cache")
    lines.append(f"acl-lint: {cache.describe()}" if cache is not None else "acl-lint: cache off")
    parts = [f"{name} {stats[key]:.3f}s" for name, key in (("read", "t_read"), ("cache", "t_cache"),
                                                            ("analyse", "t_analyse")) if key in stats]
    lines.append(f"acl-lint: time {elapsed:.3f}s" + (f" ({', '.join(parts)})" if parts else ""))
    sys.stderr.write("\n".join(lines) + "\n")


def _rule(argv: Sequence[str]) -> int:
    from .findings import registry
    from .ruledoc import rule_json, rule_text

    args = _rule_parser().parse_args(argv)
    rules = registry()
    if args.all:
        chosen = list(rules)
    elif args.code:
        code = args.code.strip().upper()
        if code not in rules:
            return _fail(f"unknown rule code {args.code!r}; known codes: {', '.join(rules)}")
        chosen = [code]
    else:
        return _fail("give a rule code (acl-lint rule ACL101) or --all")
    if args.format == "json":
        data = [rule_json(rules[c]) for c in chosen]
        sys.stdout.write(json.dumps(data if args.all else data[0], indent=2) + "\n")
    else:
        sys.stdout.write("\n\n".join(rule_text(rules[c]) for c in chosen))
    return 0


def _split_target(target: str):
    """``file.py:Func.method`` -> (file, function); a bare file -> (file, None)."""
    if os.path.exists(target):
        return target, None
    head, sep, tail = target.rpartition(":")
    if sep and head and tail and all(part.isidentifier() for part in tail.split(".")):
        return head, tail
    return target, None


def _graph(argv: Sequence[str]) -> int:
    from .report.graph import function_names, render_graph
    from .sources import SourceError, read_source
    from .static import engine

    args = _graph_parser().parse_args(argv)
    path, function = _split_target(args.target)
    if not os.path.exists(path):
        return _fail(f"no such file: {path}")
    try:
        text = read_source(path)
    except SourceError as exc:
        return _fail(f"{path}: {exc.reason}")
    try:
        graph = engine.resource_graph(path, text, function)
    except KeyError:
        names = function_names(text)
        known = ", ".join(names) if names else "(none)"
        what = f"no function {function!r}" if function else "no function with acl calls"
        return _fail(f"{path}: {what}; functions: {known}")
    except SyntaxError as exc:
        return _fail(f"{path}: cannot parse: {exc}")
    _emit(render_graph(graph, args.format, name=function or path), args.output)
    return 0


def _server(argv: Sequence[str]) -> int:
    try:
        from .server import main as serve
    except ImportError as exc:
        return _fail(f"the language server needs pygls 2 and lsprotocol ({exc}); pip install 'pygls>=2' lsprotocol")
    return serve(argv)


# --- entry point ---------------------------------------------------------------


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _dispatch(argv: List[str]) -> int:
    if argv and argv[0] in SUBCOMMANDS:
        command, rest = argv[0], argv[1:]
    else:
        command, rest = "check", argv
    if command == "rule":
        return _rule(rest)
    if command == "graph":
        return _graph(rest)
    if command == "server":
        return _server(rest)
    return _check(rest)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code (console script: ``acl-lint``)."""
    argv_given = argv
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[attr-defined]
        except (AttributeError, ValueError, OSError):
            pass
    owns_process = argv_given is None
    if owns_process:
        from .lint import process_ends_after_run

        process_ends_after_run()
    try:
        code = _dispatch(argv)
        if owns_process:
            # the engine's syntax trees are garbage by now; do not make the exit-time
            # collection walk them (seconds on a big tree): the process ends anyway
            gc.freeze()
        return code
    except SystemExit as exc:  # argparse: --help, --version, usage errors (2)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except UsageError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        sys.stderr.write("acl-lint: interrupted\n")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 2
    except Exception as exc:  # noqa: BLE001 - no traceback for users
        from .lint import _internal

        sys.stderr.write(f"acl-lint: {_internal(exc)}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
