"""Static and runtime agree: every runnable corpus program, run under the audit on the
simulator, reports exactly the runtime markers of the lines it executed.

Markers that apply at run time: untagged ``# expect:`` and ``# expect[runtime]:``.
A marker counts only if its line ran (a leak on an error path the simulator never
takes cannot show up at run time: tag it ``[static]``). A runtime finding on a line
with no runtime marker is a failure too. On failure the assertion message is the
full diff: file, line, code and the runtime message.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import runpy
import sys
import threading
import traceback
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
from corpus_markers import CORPUS, corpus_files, markers

from acl_lint import sim
from acl_lint.runtime import audit

MAIN_GUARD = re.compile(r"^if __name__ == [\"']__main__[\"']\s*:", re.M)
MAIN_DEF = re.compile(r"^def main\(", re.M)


def runnable_programs() -> List[Path]:
    out = []
    for p in corpus_files():
        text = p.read_text(encoding="utf-8")
        if MAIN_GUARD.search(text) and MAIN_DEF.search(text):
            out.append(p)
    return out


class LineRecorder:
    """sys.settrace restricted to frames of files under corpus/: (path, line) pairs that ran."""

    def __init__(self, root: Path):
        self.root = str(root) + os.sep
        self.lines: Set[Tuple[str, int]] = set()
        self._files: Dict[str, bool] = {}

    def _mine(self, filename: str) -> bool:
        mine = self._files.get(filename)
        if mine is None:
            mine = self._files[filename] = os.path.abspath(filename).startswith(self.root)
        return mine

    def global_trace(self, frame, event, arg):
        if event == "call" and self._mine(frame.f_code.co_filename):
            self.lines.add((os.path.abspath(frame.f_code.co_filename), frame.f_lineno))
            return self.local_trace
        return None

    def local_trace(self, frame, event, arg):
        if event == "line":
            self.lines.add((os.path.abspath(frame.f_code.co_filename), frame.f_lineno))
        return self.local_trace

    @contextlib.contextmanager
    def recording(self):
        old = sys.gettrace()
        old_threading = threading.gettrace() if hasattr(threading, "gettrace") else None
        threading.settrace(self.global_trace)
        sys.settrace(self.global_trace)
        try:
            yield self
        finally:
            sys.settrace(old)
            threading.settrace(old_threading)


def run_program(path: Path, recorder: LineRecorder):
    """Run one program as __main__ on a fresh simulator, under the audit. Returns
    (findings, stdout, traceback text or "")."""
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    saved_mods = set(sys.modules)
    sim.reset()
    sim.map_project_models(str(path))  # the program's project maps its .om paths to JSON specs
    sim.install()
    out = io.StringIO()
    crash = ""
    try:
        sys.argv = [str(path)]
        sys.path[0:0] = [str(path.parent)]
        with audit(fresh=True) as session:
            with contextlib.redirect_stdout(out), recorder.recording():
                try:
                    runpy.run_path(str(path), run_name="__main__")
                except SystemExit:
                    pass
                except BaseException:  # a crash is part of the diff's context, not a test error
                    crash = traceback.format_exc(limit=-3)
                for t in threading.enumerate():
                    if t is not threading.main_thread() and not t.daemon:
                        t.join(timeout=30)
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
        sim.uninstall()
        sim.map_models({})
        # the corpus packages (infer_pkg, leaky_pkg...) are imported fresh by each program
        for name in set(sys.modules) - saved_mods:
            mod = sys.modules.get(name)
            f = getattr(mod, "__file__", None) or ""
            if f and os.path.abspath(f).startswith(str(CORPUS)):
                del sys.modules[name]
    return session, out.getvalue(), crash


def _rel(session, path: str) -> str:
    return os.path.relpath(session.abspath(path), CORPUS).replace(os.sep, "/")


@pytest.fixture(scope="module")
def corpus_run():
    recorder = LineRecorder(CORPUS)
    got: Dict[Tuple[str, int, str], str] = {}
    crashes: Dict[str, str] = {}
    errors: List[str] = []
    programs = runnable_programs()
    for path in programs:
        session, _stdout, crash = run_program(path, recorder)
        if crash:
            crashes[path.relative_to(CORPUS).as_posix()] = crash
        errors.extend(e.message for e in session.errors)
        for f in session.findings:
            rel = _rel(session, f.path)
            got.setdefault((rel, f.line, f.code), f"{f.message}  [from {path.relative_to(CORPUS).as_posix()}]")
    ran = {(os.path.relpath(p, CORPUS).replace(os.sep, "/"), line) for p, line in recorder.lines}
    return {"programs": programs, "got": got, "ran": ran, "crashes": crashes, "errors": errors}


def test_there_are_runnable_programs(corpus_run):
    assert len(corpus_run["programs"]) >= 50


def test_runtime_findings_equal_the_runtime_markers_on_executed_lines(corpus_run):
    got = corpus_run["got"]
    ran = corpus_run["ran"]
    want = {m for m in markers("runtime") if (m[0], m[1]) in ran}
    missing = sorted(want - set(got))
    extra = sorted(set(got) - want)
    lines = []
    for rel, line, code in missing:
        lines.append(f"MISSING {rel}:{line}: {code} (marker on a line that ran; the audit did not report it)")
    for key in extra:
        rel, line, code = key
        lines.append(f"EXTRA   {rel}:{line}: {code} {got[key]}")
    if corpus_run["crashes"]:
        lines.append("programs that raised (context):")
        for rel, tb in sorted(corpus_run["crashes"].items()):
            lines.append(f"  {rel}: {tb.strip().splitlines()[-1]}")
    assert not missing and not extra, "\n" + "\n".join(lines)


def test_no_internal_errors_in_the_shim(corpus_run):
    assert corpus_run["errors"] == []


def test_runtime_locations_are_in_user_code(corpus_run):
    for rel, _line, _code in corpus_run["got"]:
        assert not rel.startswith(".."), rel  # never inside acl_lint
