"""The static engine: parse every file once, index the project, analyse each function.

Orchestration only. Where a change goes:

- what a call resolves to (project function, method, check helper): ``resolve.py``
- what a project function does at its call sites (its summary): ``summaries.py``
- how one function is interpreted, path by path: ``interp/`` over ``values.py``
- what the protocol says about an acl call: ``typestate.py`` with ``rules/``
- ownership across the methods of a class: ``ownership/``
- the resource graph of ``acl-lint graph``: ``graph.py`` (an observer)
"""

from __future__ import annotations

import time
import traceback
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import libcst as cst

from .. import budget, protocol as protocol_mod, timings
from ..findings import CALLERS_DEP, FileError, Finding
from ..sources import mentions_acl  # noqa: F401 (also the prefilter of lint.py)
from ..typestate import Res
from .parse import give_back_memory, parse_module
from .index import FunctionInfo, ModuleInfo, ProjectIndex
from .callers import CallGraph
from .low_value import drop_low_value_leaks
from .interp import Interpreter
from .ownership.owner_pass import OwnerPass
from .ownership.relink import relink_classes
from .relevance import Relevance
from .resolve import Resolver
from .summaries import Summaries, body_of
from .values import Handles, Outcome, PState, ext_id


class Engine:
    """Holds the project index and the summaries of one run; answers the interpreter's questions."""

    def __init__(self, options: Optional[Mapping[str, Any]] = None):
        self.options = dict(options or {})
        with timings.aside():  # the rule tables, read once per process: --timings' start-up line
            self.protocol = protocol_mod.default()
        self.index = ProjectIndex()
        self.index.loader = self._load_lazy
        self._zero: Dict[int, Set[str]] = {}
        self.project_loader = None  # path -> text, for modules outside this run's files
        self.project_text = None  # path -> text, not checked for parsing (a look at the words)
        self.deps: Dict[str, Set[str]] = {}  # analysed path -> other project paths its result depends on
        self.class_links_of: Dict[int, Dict[str, Tuple[Tuple[str, str], ...]]] = {}  # learnt by relink
        self._runs: Dict[int, Tuple[Interpreter, Outcome]] = {}
        self.function_seconds: Dict[Tuple[str, str], float] = {}  # (path, qualname) -> wall s (--timings)
        self._current_module: Optional[ModuleInfo] = None
        self.extra_check_helpers = frozenset(self.options.get("check-helpers") or ())
        self.resolver = Resolver(self.index, self._read, self.extra_check_helpers)
        self.summaries = Summaries(self)
        self.relevance = Relevance(self)
        self.callgraph = CallGraph(self, [])  # the modules of the run, set by analyze_files

    def zero_names_for(self, mod: ModuleInfo) -> Set[str]:
        if id(mod) not in self._zero:
            self._zero[id(mod)] = self.index.zero_names(mod)
        return self._zero[id(mod)]

    def _read(self, path: str) -> Optional[str]:  # a project file not parsed yet
        return self.project_loader(path) if self.project_loader is not None else None

    def _load_lazy(self, path: str) -> Optional[ModuleInfo]:
        """A project module not analysed in this run, parsed because a call resolves into it
        (--timings charges the parse to that module, not to the file whose call asked)."""
        with timings.aside(path):
            try:
                text = self._read(path)
                if text is None:
                    return None
                tree = parse_module(text)
            except Exception:
                return None
            return self.index.add(path, tree, text)

    def module_of(self, fn) -> ModuleInfo:
        return fn.module if isinstance(fn, FunctionInfo) else self._current_module

    # ------------------------------------------------------------------ interpreting

    def initial_state(self, fn: Optional[FunctionInfo]) -> PState:
        """Parameters are handles from outside (for a method: all but self)."""
        init = PState()
        if fn is None:
            return init
        for i, p in enumerate(fn.params):
            if fn.is_method and i == 0:
                continue
            p = p.lstrip("*")
            init.ts.res[ext_id(p)] = Res(rid=ext_id(p), kind="unknown", name=p, api="", site=None, external=True)
            init.env[p] = Handles(frozenset({ext_id(p)}))
        return init

    def interpreter(self, fn: Optional[FunctionInfo], summary_mode: bool = False) -> Interpreter:
        interp = Interpreter(self, fn, self.protocol, self.options, summary_mode=summary_mode)
        if not summary_mode:
            interp.class_links = self.class_links(fn)
        return interp

    def class_links(self, fn: Optional[FunctionInfo]) -> Dict[str, Tuple[Tuple[str, str], ...]]:
        """How the handles a class keeps on self are linked (learnt from its other methods)."""
        if fn is None or fn.cls is None:
            return {}
        return self.class_links_of.get(id(fn.cls), {})

    def _interpret(self, fn: Optional[FunctionInfo], body, graph=None) -> Tuple[Interpreter, Outcome]:
        interp = self.interpreter(fn)
        interp.graph = graph
        out = interp.run(body, self.initial_state(fn))
        interp.check_exits(out)
        interp.forget_liveness()  # kept with the run until the end of the engine, and not needed again
        return interp, out

    def run_fn(self, fn: FunctionInfo) -> Tuple[Interpreter, Outcome]:
        """Interpret a function once; its findings and its summary both come from this run."""
        run = self._runs.get(id(fn))
        if run is None:
            run = self._runs[id(fn)] = self._interpret(fn, body_of(fn))
        return run

    def interp_of(self, fn: FunctionInfo) -> Interpreter:
        """The (cached) interpretation of a function, for the owner pass (an inert function's
        is not run: it has no facts, ``relevance.py``)."""
        self._current_module = fn.module
        if id(fn) not in self._runs and self.relevance.inert(fn):
            return self.interpreter(fn)
        return self.run_fn(fn)[0]

    def inert(self, mod: ModuleInfo, fn: Optional[FunctionInfo]) -> bool:
        """A unit that cannot make a finding or an ownership fact is not interpreted (``relevance.py``)."""
        return self.relevance.inert(fn) if fn is not None else self.relevance.module_inert(mod)

    # ------------------------------------------------------------------ analysis

    def add_file(self, path: str, text: str) -> Optional[Finding]:
        """Parse and index one file; a parse failure is returned as an ACL001 finding."""
        try:
            tree = parse_module(text)
        except cst.ParserSyntaxError as exc:
            return _parse_error(path, text, exc)
        except (RecursionError, MemoryError) as exc:
            return Finding("ACL001", f"cannot parse: {type(exc).__name__}", path, 1, 1, 1, 1, function="<module>")
        except cst.CSTValidationError as exc:  # parses, but Python rejects it too (a bare except: not last)
            return Finding("ACL001", f"syntax error: {exc}", path, 1, 1, 1, 2, function="<module>")
        self.index.add(path, tree, text)
        return None

    def analyse_module(self, mod: ModuleInfo, interps: Dict[int, Interpreter]
                       ) -> Tuple[List[Finding], List[FileError]]:
        """Every function of a module (and its top level); ``interps`` gets their interpretations."""
        findings: List[Finding] = []
        errors: List[FileError] = []
        self.index.consulted = set()
        self._current_module = mod
        units: List[Tuple[Optional[FunctionInfo], Sequence[cst.CSTNode]]] = [(None, mod.tree.body)]
        units += [(fn, body_of(fn)) for fn in mod.all_functions]
        clock = budget.start(self.options)
        for i, (fn, body) in enumerate(units):
            name = fn.qualname if fn is not None else "<module>"
            t0, aside0 = time.perf_counter(), timings.aside_seconds()
            try:
                clock.check()
                if self.inert(mod, fn):
                    continue
                found, interp = self.analyse_unit(mod, fn, body)
            except (budget.CutShort, RecursionError) as exc:  # never silently clean: ACL003 names it
                cut = isinstance(exc, budget.CutShort)
                errors.append(budget.incomplete(mod.path, name, exc, len(units) - i - 1 if cut else 0))
                if cut:
                    break
                continue
            except Exception as exc:  # one function's crash must not stop the run
                errors.append(_internal_error(mod.path, name, exc))
                continue
            finally:
                self.function_seconds[mod.path, name] = time.perf_counter() - t0 - (timings.aside_seconds() - aside0)
            findings.extend(found)
            if fn is not None:
                interps[id(fn)] = interp
        budget.stop()
        self.deps[mod.path] = self.index.consulted - {mod.path}
        return findings, errors

    def analyse_unit(self, mod: ModuleInfo, fn: Optional[FunctionInfo], body, graph=None,
                     fresh: bool = False) -> Tuple[List[Finding], Interpreter]:
        """One function's findings and interpretation (cached unless ``fresh`` or observed)."""
        self._current_module = mod
        if fn is not None and graph is None and not fresh:
            interp, _ = self.run_fn(fn)
        else:
            interp, out = self._interpret(fn, body, graph)
            if fn is not None and graph is None:
                self._runs[id(fn)] = (interp, out)
        return interp.findings_of(mod, fn), interp


def _internal_error(path: str, name: str, exc: BaseException) -> FileError:
    """A function whose analysis crashed: named, never fatal for the run."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else "?"
    return FileError(path, f"internal error while analysing {name}: {type(exc).__name__}: {exc} ({where})", name)


def _parse_error(path: str, text: str, exc: cst.ParserSyntaxError) -> Finding:
    """ACL001 for a file libcst cannot parse; sources.py words the reason (Python 2 hints...)."""
    from ..sources import syntax_error_finding

    line = getattr(exc, "raw_line", 1) or 1
    col = (getattr(exc, "raw_column", 0) or 0) + 1
    msg = str(getattr(exc, "message", "") or "invalid syntax").splitlines()[0]
    return syntax_error_finding(path, text, line, col, msg)


# ----------------------------------------------------------------------------- public API


def analyze_files(files: Sequence[Tuple[str, str]], options: Optional[Mapping[str, Any]] = None,
                  project_files: Sequence[str] = (), read: Optional[Callable[[str], Optional[str]]] = None,
                  deps_out: Optional[Dict[str, Set[str]]] = None) -> Tuple[List[Finding], List[FileError]]:
    """Analyse (display_path, text) pairs together.

    Returns findings (incl. ACL001 for files that do not parse) and internal errors
    (one per function whose analysis crashed). ``project_files`` (with ``read``)
    names other files of the project that calls may resolve to: they are parsed
    only when something needs them, and never reported. ``deps_out`` receives,
    per analysed path, the other paths its findings depend on (for a cache).
    """
    engine = Engine(options)
    texts = dict(files)
    others = [p for p in project_files if p not in texts] if read is not None else []
    engine.index.known(others)
    engine.index.known(p for p, t in files if not mentions_acl(t))

    def load(path: str) -> Optional[str]:
        if path in texts:
            return texts[path]
        return read(path) if read is not None else None

    engine.project_loader = load
    unchecked = getattr(read, "unchecked", read)
    engine.project_text = lambda path: texts.get(path) or (unchecked(path) if unchecked is not None else None)
    findings: List[Finding] = []
    errors: List[FileError] = []
    mods = []
    engine.index.known(p for p, t in files if mentions_acl(t))
    for path, text in files:
        if not mentions_acl(text):
            # the prefilter: a file that never mentions acl holds nothing to check
            # (it is parsed only if a call resolves into it: a check helper module)
            continue
        try:
            f = engine.add_file(path, text)
        except Exception as exc:
            errors.append(FileError(path, f"internal error while parsing: {type(exc).__name__}: {exc}"))
            continue
        if f is not None:
            findings.append(f)
        else:
            mods.append(engine.index.modules[path])
    interps: Dict[int, Interpreter] = {}
    engine.callgraph = CallGraph(engine, mods)
    for mod in mods:
        fs, es = engine.analyse_module(mod, interps)
        findings.extend(fs)
        errors.extend(es)
        for done in engine.index.modules.values():  # memory: what a finished module no longer needs
            done.positions.forget_mirror()
        give_back_memory()  # (under a millisecond)
    budget.start(engine.options)  # the project-wide passes get a file's time, too
    try:
        findings = relink_classes(engine, mods, interps, findings)
        findings = OwnerPass(engine, engine.options).run(interps, findings, {m.path for m in mods})
        findings = drop_low_value_leaks(engine, findings)
    except (budget.CutShort, RecursionError) as exc:  # never silently clean: ACL003 for the files it covers
        errors.extend(budget.incomplete(m.path, budget.OWNER_PASS, exc) for m in mods)
    except Exception as exc:  # the owner pass must never take the per-function findings down with it
        errors.append(FileError("<project>", f"internal error in the ownership pass: {type(exc).__name__}: {exc}"))
    finally:
        budget.stop()
    unique = {}
    for f in findings:
        unique.setdefault((f.code, f.path, f.line, f.column), f)
    findings = sorted(unique.values(), key=Finding.sort_key)
    for path, read in engine.callgraph.deps_of.items():  # who calls a module's functions
        if path in engine.deps:
            engine.deps[path] |= (read - {path}) | {CALLERS_DEP}
    if deps_out is not None:
        deps_out.update(engine.deps)
    return findings, errors


def resource_graph(path: str, text: str, function: Optional[str] = None):
    """networkx.DiGraph of one function (``Class.method``; default: the first function with acl calls)."""
    from .graph import build_graph

    return build_graph(Engine(), path, text, function)
