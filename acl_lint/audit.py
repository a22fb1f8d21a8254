"""``python -m acl_lint.audit [--sim] [--format F] [--output FILE] script.py [args]``

Runs a program under the runtime audit (design section 5): the script runs as
``__main__`` with ``sys.argv = [script, *args]`` and its directory first on
``sys.path``, exactly as ``python script.py`` would run it. At exit the report
goes to stderr (or ``--output``); the program's own stdout is untouched.

When the program dies (an uncaught exception, even while importing, or a
non-zero ``sys.exit``), its traceback is printed as Python prints it, and the
report says so before the findings made up to that point: it never says
"All checks passed!" about a program that did not run to its end.

Exit codes (the program's failure and the findings stay distinguishable):
0 the program ended normally and nothing was found; 1 findings (the program
ended normally); 2 usage error (the audit could not start); 3 the program
failed (raised, or exited with a non-zero status) and nothing was found up to
then; 4 the program failed and there are findings. The program's own status
is in the report.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import threading
import traceback
from typing import List, Optional, TextIO

from .report import FORMATS


EXIT_CODES = """\
exit codes:
  0  the program ended normally and nothing was found
  1  findings (the program ended normally)
  2  usage error: the audit could not start
  3  the program failed (an uncaught exception, or a non-zero exit status); no findings up to then
  4  the program failed, and there are findings
"""
OK, FINDINGS, USAGE, PROGRAM_FAILED, PROGRAM_FAILED_WITH_FINDINGS = 0, 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m acl_lint.audit",
        description="Run a pyACL program under the acl-lint runtime audit and report what went wrong.",
    )
    p.add_argument("--sim", action="store_true", help="install the simulator (acl_lint.sim) as `acl` first")
    p.add_argument("--sim-model", action="append", default=[], metavar="GLOB=SPEC",
                   help="with --sim: load_from_file of a path matching GLOB loads the JSON model spec SPEC "
                        "(repeatable; relative to the current folder; before [tool.acl-lint] sim-models)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="report format (default: full on a terminal, concise otherwise)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stderr")
    p.add_argument("--no-color", action="store_true", help="no colours (also: NO_COLOR)")
    p.epilog = EXIT_CODES
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("script", help="the Python program to run")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the program")
    return p


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _user_traceback(exc: BaseException, script: str) -> Optional[object]:
    """The traceback from the first frame of the script on, without acl_lint's own frames
    (the runpy and shim frames Python would not show for ``python script.py``)."""
    from .runtime.shim import _internal_dirs

    internal = _internal_dirs()
    runpy_file = os.path.abspath(runpy.__file__)
    tb = exc.__traceback__
    script_abs = os.path.abspath(script)
    start = tb
    while start is not None and os.path.abspath(start.tb_frame.f_code.co_filename) != script_abs:
        start = start.tb_next
    if start is None:  # raised before the script's code ran (compile error...): drop our frames only
        start = tb
        while start is not None and (
            os.path.abspath(start.tb_frame.f_code.co_filename).startswith(internal)
            or os.path.abspath(start.tb_frame.f_code.co_filename) == runpy_file
            or start.tb_frame.f_code.co_filename.startswith("<frozen runpy")
        ):
            start = start.tb_next
    # drop the shim's wrapper frames in the middle (the simulator's own frames stay, as they would)
    shim_dir = os.path.join(internal[0], "runtime") + os.sep
    frames = []
    cur = start
    while cur is not None:
        if not os.path.abspath(cur.tb_frame.f_code.co_filename).startswith(shim_dir):
            frames.append(cur)
        cur = cur.tb_next
    for a, b in zip(frames, frames[1:] + [None]):
        try:
            a.tb_next = b
        except (AttributeError, TypeError):  # pragma: no cover
            return start
    return frames[0] if frames else None


def _join_threads() -> None:
    """Wait for the program's non-daemon threads, as the interpreter would before exiting."""
    main = threading.main_thread()
    for t in threading.enumerate():
        if t is not main and not t.daemon and t is not threading.current_thread():
            t.join()


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    script = args.script
    if not os.path.exists(script):
        print(f"python -m acl_lint.audit: can't open file {script!r}: No such file or directory", file=sys.stderr)
        return 2
    if args.sim:
        from . import sim
        from .config import ConfigError

        try:
            sim.map_project_models(script, sim.parse_entries(args.sim_model, "--sim-model"))
        except (ConfigError, sim.ModelMapError) as exc:
            print(f"python -m acl_lint.audit: {exc}", file=sys.stderr)
            return 2
        sim.install()
    elif args.sim_model:
        print("python -m acl_lint.audit: --sim-model needs --sim", file=sys.stderr)
        return 2
    from .runtime import audit

    to_terminal = not args.output and _isatty(sys.stderr)
    fmt = args.format or ("full" if to_terminal else "concise")
    color = to_terminal and not args.no_color and not os.environ.get("NO_COLOR") and fmt not in (
        "json", "sarif", "github")

    saved_argv, saved_path0 = sys.argv[:], sys.path[0] if sys.path else None
    sys.argv = [script] + list(args.args)
    script_dir = os.path.dirname(os.path.abspath(script))
    if sys.path:
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    failure = ""  # how the program failed ("" when it ended normally)
    try:
        with audit(fresh=True) as session:
            try:
                runpy.run_path(script, run_name="__main__")
                _join_threads()
            except SystemExit as exc:
                _join_threads()
                code = exc.code
                if isinstance(code, int) and code != 0:
                    failure = f"exited with status {code}"
                elif code is not None and not isinstance(code, int):
                    print(code, file=sys.stderr)
                    failure = "exited with status 1 (sys.exit with a message)"
            except BaseException as exc:  # the program crashed: print as Python would
                sys.stdout.flush()
                tb = _user_traceback(exc, script)
                traceback.print_exception(type(exc), exc, tb, file=sys.stderr)
                failure = f"raised {type(exc).__name__}" + (f": {_one_line(exc)}" if str(exc) else "")
    except ImportError as exc:
        print(f"python -m acl_lint.audit: {exc}", file=sys.stderr)
        return USAGE
    finally:
        sys.argv = saved_argv
        if saved_path0 is not None and sys.path:
            sys.path[0] = saved_path0
    findings = session.findings
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    text = session.report(fmt, color=color, findings=findings)
    if failure:
        text = _say_the_program_failed(text, fmt, failure, bool(findings))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stderr.write(text)
        sys.stderr.flush()
    if failure:
        return PROGRAM_FAILED_WITH_FINDINGS if findings else PROGRAM_FAILED
    return FINDINGS if findings else OK


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""


def _say_the_program_failed(text: str, fmt: str, failure: str, any_findings: bool) -> str:
    """The report of a program that died: said first, and instead of "All checks passed!"."""
    import json

    what = f"the program {failure}"
    if fmt == "json":
        data = json.loads(text)
        data["program"] = {"ended_normally": False, "failure": failure}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        data = json.loads(text)
        inv = data["runs"][0]["invocations"][0]
        inv["executionSuccessful"] = False
        inv["toolExecutionNotifications"].append({"level": "error", "message": {"text": f"acl-lint audit: {what}; "
                                                  "findings are those made up to that point"}})
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return f"::error title=acl-lint audit::{what}; findings are those made up to that point\n" + text
    lines = text.rstrip("\n").split("\n")
    if any_findings:
        lines.insert(0, f"acl-lint audit: {what}; findings up to that point:")
        lines[-1] = lines[-1].rstrip(".") + f", up to the point where {what}."
    else:
        lines[-1] = f"No findings up to the point where {what} (the rest did not run and was not audited)."
    return "\n".join(lines) + "\n"

if __name__ == "__main__":
    sys.exit(main())
