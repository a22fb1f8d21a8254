"""The ``acl-lint`` command line.

    acl-lint [check] [PATH ...] [options]     lint (default: the current folder)
    acl-lint rule CODE | --all                print rule documentation
    acl-lint graph FILE[:FUNCTION]            print a function's resource graph
    acl-lint server                           language server (LSP over stdio)

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal
error. No traceback reaches the user.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from typing import List, Optional, Sequence, TextIO

from .cli_args import check_parser, graph_parser, rule_parser, timings_value

SUBCOMMANDS = ("check", "rule", "graph", "server")


class UsageError(Exception):
    """Printed as ``acl-lint: error: ...``; exit code 2."""


def _fail(message: str) -> int:
    sys.stderr.write(f"acl-lint: error: {message}\n")
    return 2


# --- output ------------------------------------------------------------------


def _use_color(stream: TextIO, no_color: bool) -> bool:
    """--no-color, then NO_COLOR, then FORCE_COLOR (https://force-color.org), then: a terminal."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


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
    from .baseline import BaselineError, load_baseline
    from .config import ConfigError, load_settings, parse_code_list
    from .discovery import DiscoveryError
    from .progress import Progress
    from .report import MACHINE_FORMATS

    args = check_parser().parse_args(timings_value(argv))
    stdin = args.paths == ["-"] or (bool(args.stdin_filename) and not args.paths)
    if "-" in args.paths and not stdin:
        return _fail("- (standard input) cannot be combined with other paths")
    if args.add_noqa and (args.fix or args.diff or stdin):
        return _fail("--add-noqa rewrites files: it cannot be combined with --fix, --diff or standard input")
    paths = args.paths or ["."]
    name = args.stdin_filename or "-"
    try:
        settings = load_settings(
            [name] if stdin and args.stdin_filename else (["."] if stdin else paths),
            args.config,
            select=parse_code_list(args.select, "--select"),
            extend_select=parse_code_list(args.extend_select, "--extend-select"),
            ignore=parse_code_list(args.ignore, "--ignore"),
        )
    except ConfigError as exc:
        return _fail(str(exc))
    if args.respect_gitignore is not None:
        settings.respect_gitignore = args.respect_gitignore
    if not settings.enabled:  # select = [] (as in Ruff): allowed, but never a silent "All checks passed!"
        sys.stderr.write("acl-lint: warning: no rule is enabled (an empty `select`), so nothing is checked\n")
    if args.show_settings:
        _emit(settings.describe(), args.output)
        return 0
    baseline = None
    if args.baseline and not args.write_baseline:
        try:
            baseline = load_baseline(args.baseline)
        except BaselineError as exc:
            return _fail(str(exc))

    fmt = args.format or "full"
    to_terminal = not args.output and _isatty(sys.stdout)
    progress = None
    if not stdin and _isatty(sys.stderr) and not (fmt in MACHINE_FORMATS and to_terminal):
        progress = Progress(sys.stderr)
    jobs = args.jobs or max(1, os.cpu_count() or 1)  # acl_lint.parallel.default_jobs, without importing it
    cache_dir = None
    if not args.no_cache and not stdin:
        from .cache import default_dir, project_root

        cache_dir = args.cache_dir or default_dir(project_root(paths, settings.config_file))
    stats: dict = {}
    if args.timings:
        from .timings import Report

        stats["timings"] = Report(args.timings)
    started = time.perf_counter()
    run = _Run(settings, baseline, cache_dir, jobs)
    try:
        result = run.stdin(name, stats) if stdin else run.paths(paths, progress, stats)
    except DiscoveryError as exc:
        return _fail(str(exc))
    finally:
        if progress is not None:
            progress.close()
    if args.verbose:
        _report_stats(stats, time.perf_counter() - started, jobs)

    return _finish(args, run, result, stdin, name, fmt, stats)


def _finish(args, run: "_Run", result, stdin: bool, name: str, fmt: str, stats: dict) -> int:
    """What `check` does with the findings once the files are read: write a baseline, add
    noqa comments, fix or show the fixes, then report."""
    if args.write_baseline:
        return _write_baseline(args.write_baseline, result)
    if args.add_noqa:
        return _add_noqa(result)
    fixed = None
    if args.fix or args.diff:
        from .fixes import fix_texts

        fixed = fix_texts(result, run.relinter(result), unsafe=args.unsafe_fixes)
        if args.diff:
            return _show_diff(result, fixed)
        if stdin:
            run.echo(fixed.texts.get(name))
            args.output = args.output or "-"  # the report goes to stderr
        else:
            code = _write_fixes(result, fixed)
            if code:
                return code
        result = fixed.result or result
    code = _report(args, result, fmt, fixed)
    if args.timings:
        _report_timings(stats["timings"], fmt, args.output)
    return code


def _report_timings(report, fmt: str, output: Optional[str]) -> None:
    """--timings, after the report: on stdout below a text report, else on stderr (JSON and SARIF
    on stdout stay valid; a report written to a file stays the report alone)."""
    from .report import MACHINE_FORMATS

    text = report.render()
    try:
        if fmt in MACHINE_FORMATS or output:
            sys.stderr.write(text)
        else:
            sys.stdout.write("\n" + text)
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _write_baseline(path: str, result) -> int:
    from .baseline import BaselineError, write_baseline

    try:
        n = write_baseline(path, result.findings)
    except BaselineError as exc:
        return _fail(str(exc))
    sys.stderr.write(
        f"acl-lint: wrote baseline of {n} finding{'s' if n != 1 else ''} ({result.files_checked} files) to {path}\n"
    )
    for e in result.errors:
        sys.stderr.write(f"acl-lint: error: {e.path}: {e.message}\n")
    return 2 if result.errors else 0


class _Run:
    """One lint configuration, to run on paths, on standard input, and again on fixed texts."""

    def __init__(self, settings, baseline, cache_dir, jobs) -> None:
        self.settings, self.baseline, self.cache_dir, self.jobs = settings, baseline, cache_dir, jobs
        self.stdin_data = b""

    def paths(self, paths, progress, stats):
        from .lint import lint_paths

        return lint_paths(paths, self.settings, baseline=self.baseline, progress=progress,
                          cache_dir=self.cache_dir, jobs=self.jobs, stats=stats)

    def stdin(self, name: str, stats: Optional[dict] = None):
        """Lint standard input as the file ``name`` (config, per-file-ignores and findings use it)."""
        from .lint import lint_sources
        from .sources import SourceError, decode_source, parse_error_finding

        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        self.stdin_data = data
        try:
            text: Optional[str] = decode_source(data).replace("\r\n", "\n").replace("\r", "\n")
            errors = []
        except SourceError as exc:
            text, errors = None, [parse_error_finding(name, exc.reason, exc.line, exc.column)]
        return lint_sources([(name, text)], self.settings, baseline=self.baseline, read_errors=errors,
                            jobs=1, stats=stats)

    def echo(self, fixed: Optional[str]) -> None:
        """--fix on standard input: the fixed text, or exactly the bytes read when nothing was fixed."""
        sys.stdout.flush()
        if fixed is not None:
            sys.stdout.write(fixed.replace("\n", "\r\n") if b"\r\n" in self.stdin_data else fixed)
        elif hasattr(sys.stdout, "buffer"):
            sys.stdout.buffer.write(self.stdin_data)
        else:
            sys.stdout.write(self.stdin_data.decode("utf-8", "replace"))
        sys.stdout.flush()

    def relinter(self, first):
        """Lint ``first``'s files again with some texts replaced (after fixes)."""
        from .findings import Finding
        from .lint import lint_sources

        unreadable = [f for f in first.findings if f.path not in first.sources]

        def relint(texts):
            files = [(p, texts.get(p, t)) for p, t in first.sources.items()]
            result = lint_sources(files, self.settings, baseline=self.baseline, cache_dir=self.cache_dir,
                                  jobs=self.jobs)
            result.findings = sorted(result.findings + unreadable, key=Finding.sort_key)
            result.files_checked = first.files_checked
            return result

        return relint


def _write_fixes(result, fixed) -> int:
    from .fixes import WriteError, write_fixed

    failed = False
    for path, text in fixed.texts.items():
        try:
            write_fixed(path, result.sources[path], text)
        except WriteError as exc:
            sys.stderr.write(f"acl-lint: error: {exc}\n")
            fixed.applied.pop(path, None)
            failed = True
    return 2 if failed else 0


def _show_diff(result, fixed) -> int:
    """--diff: the fixes as a unified diff on stdout; exit 1 when there is one (as Ruff)."""
    from .fixes import unified_diff
    from .report.text import plural

    out = [unified_diff(path, result.sources[path], text) for path, text in sorted(fixed.texts.items())]
    try:
        _emit("".join(out), None)
    except BrokenPipeError:
        _silence_stdout()
    n = fixed.total
    sys.stderr.write(f"Would fix {plural(n, 'finding')}.\n" if n else "No fixes available.\n")
    return 2 if result.errors else (1 if n else 0)


def _add_noqa(result) -> int:
    """--add-noqa: a noqa comment on every line with a finding; files written in place."""
    from .fixes import WriteError, write_fixed
    from .fixes.noqa import add_noqa
    from .report.text import plural

    by_path: dict = {}
    for f in result.findings:
        if f.path in result.sources:
            by_path.setdefault(f.path, []).append(f)
    total, code = 0, 0
    for path, found in sorted(by_path.items()):
        text, n = add_noqa(result.sources[path], found)
        if not n:
            continue
        try:
            write_fixed(path, result.sources[path], text)
            total += n
        except WriteError as exc:
            sys.stderr.write(f"acl-lint: error: {exc}\n")
            code = 2
    sys.stderr.write(f"Added {plural(total, 'noqa directive')}.\n")
    return code or (2 if result.errors else 0)


def _report(args, result, fmt: str, fixed) -> int:
    from .report import MACHINE_FORMATS, render, statistics
    from .report.text import plural

    to_stderr = args.output == "-"
    color = False if args.output and not to_stderr else _use_color(sys.stderr if to_stderr else sys.stdout,
                                                                   args.no_color)
    if args.statistics:
        text = statistics(result, fmt, color=color)
    else:
        text = render(result, fmt, color=color, unsafe_fixes=args.unsafe_fixes)
    if fixed is not None and fixed.total:
        note = f"Fixed {plural(fixed.total, 'finding')} in {plural(len(fixed.applied), 'file')}.\n"
        if fmt in MACHINE_FORMATS:
            sys.stderr.write(note)
        else:
            text += note
    code = 2 if result.errors else (1 if result.findings and not args.exit_zero else 0)
    try:
        if to_stderr:
            sys.stderr.write(text)
        else:
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

    args = rule_parser().parse_args(argv)
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
    from .sources import SourceError, parse_guard, read_source
    from .static import engine

    args = graph_parser().parse_args(argv)
    path, function = _split_target(args.target)
    if not os.path.exists(path):
        return _fail(f"no such file: {path}")
    try:
        text = read_source(path)
    except SourceError as exc:
        return _fail(f"{path}: {exc.reason}")
    bad = parse_guard(path, text)
    if bad is not None:
        return _fail(f"{path}:{bad.line}:{bad.column}: {bad.message}")
    try:
        graph = engine.resource_graph(path, text, function)
    except ValueError as exc:  # the file does not parse (its ACL001 message)
        return _fail(f"{path}: cannot draw a graph: {exc}")
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
