"""``python -m acl_lint.audit [--sim] [--format F] [--output FILE] script.py [args]``

Runs a program under the runtime audit (design section 5): the script runs as
``__main__`` with ``sys.argv = [script, *args]`` and its directory first on
``sys.path``, exactly as ``python script.py`` would run it. At exit the report
goes to stderr (or ``--output``); the program's own stdout is untouched.

Exit code: 1 when there are findings or the program raised (its traceback is
printed as Python prints it); otherwise the program's own exit status
(``sys.exit(n)`` passes through), 0 for a clean run. 2: usage errors.
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
    status = 0
    try:
        with audit(fresh=True) as session:
            try:
                runpy.run_path(script, run_name="__main__")
                _join_threads()
            except SystemExit as exc:
                _join_threads()
                code = exc.code
                if code is None:
                    status = 0
                elif isinstance(code, int):
                    status = code
                else:
                    print(code, file=sys.stderr)
                    status = 1
            except BaseException as exc:  # the program crashed: print as Python would
                sys.stdout.flush()
                tb = _user_traceback(exc, script)
                traceback.print_exception(type(exc), exc, tb, file=sys.stderr)
                status = 1
    except ImportError as exc:
        print(f"python -m acl_lint.audit: {exc}", file=sys.stderr)
        return 2
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
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stderr.write(text)
        sys.stderr.flush()
    if findings:
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
