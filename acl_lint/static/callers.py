"""Who calls a project function, and whether an exception out of it (or its normal end)
ends the process: the precision policy's process-exit leaks (design.md section 7).

A raise that propagates uncaught to module level or the ``if __name__ == "__main__":``
block, through any chain of project functions and constructors, ends the process; so does a
raise caught by an entry function whose handler does not loop back (it logs, then the entry
function goes on to its end). Leaks that exist only then are not findings by default
(``report-process-exit-leaks = true`` reports them). A function with no call site in the
project (a library function, a thread target, a callback), or called where an exception is
caught inside a loop, keeps its findings.
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Tuple

import libcst as cst

from .positions import cst_children
from .index import FunctionInfo, ModuleInfo
from .positions import cst_dotted as dotted

_LOOP_TYPES = frozenset({cst.For, cst.While})
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})  # none of these types has subclasses
_CALL, _ASSIGN, _TRY, _NAME = cst.Call, cst.Assign, cst.Try, cst.Name


class CallSite(NamedTuple):
    caller: Optional[FunctionInfo]  # None: module-level code
    in_loop: bool
    catching: Tuple[cst.Try, ...]  # enclosing try statements with handlers, innermost last
    loop_around_try: bool  # the innermost catching try is itself inside a loop


def _reraises(handler: cst.ExceptHandler) -> bool:
    body = handler.body.body if isinstance(handler.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine) and any(isinstance(s, cst.Raise) for s in stmt.body):
            return True
    return False


class CallGraph:
    """Call sites of project functions over the modules of one run (built on first use)."""

    def __init__(self, engine, modules: List[ModuleInfo]):
        self.engine = engine
        self.modules = modules
        self._sites: Optional[Dict[int, List[CallSite]]] = None
        self._exits: Dict[int, bool] = {}
        self._ends: Dict[int, bool] = {}

    # ------------------------------------------------------------------ building

    def sites(self, fn: FunctionInfo) -> List[CallSite]:
        if self._sites is None:
            self._sites = {}
            for mod in self.modules:
                self._collect(mod)
        return self._sites.get(id(fn), [])

    def _collect(self, mod: ModuleInfo) -> None:
        units: List[Tuple[Optional[FunctionInfo], cst.CSTNode]] = [(None, mod.tree)]
        units += [(fn, fn.node.body) for fn in mod.all_functions]
        for fn, body in units:
            classes: Dict[str, object] = {}
            for child in cst_children(body):
                self._walk(mod, fn, child, False, (), False, classes)

    def _walk(self, mod, fn, node, in_loop: bool, catching: tuple, loop_around: bool, classes) -> None:
        t = type(node)  # exact types: isinstance on libcst's ABCs is slow on every node of the run
        if t in _SCOPE_TYPES:
            return
        if t is _CALL:
            self._record(mod, fn, node, in_loop, catching, loop_around, classes)
        elif t is _ASSIGN and len(node.targets) == 1 and type(node.targets[0].target) is _NAME \
                and type(node.value) is _CALL:
            cls = self._class_of(mod, fn, node.value)
            if cls is not None:  # `net = Net(...)`: `net.run()` is Net.run
                classes[node.targets[0].target.value] = cls
        elif t is _TRY and node.handlers:
            for child in cst_children(node.body):
                self._walk(mod, fn, child, in_loop, catching + (node,), in_loop, classes)
            for h in node.handlers:
                self._walk(mod, fn, h, in_loop, catching, loop_around, classes)
            for part in (node.orelse, node.finalbody):
                if part is not None:
                    self._walk(mod, fn, part, in_loop, catching, loop_around, classes)
            return
        loop = in_loop or t in _LOOP_TYPES
        for child in cst_children(node):
            self._walk(mod, fn, child, loop, catching, loop_around, classes)

    def _class_of(self, mod, fn, call: cst.Call):
        target, bound = self._resolve(mod, fn, call.func)
        return target.cls if target is not None and bound == "<new>" else None

    def _resolve(self, mod, fn, func):
        name = dotted(func) or ""
        try:
            return self.engine.resolver.resolve_call(mod, fn, func, name)
        except Exception:  # resolution is best effort here: an unresolved call is no call site
            return None, None

    def _record(self, mod, fn, call: cst.Call, in_loop, catching, loop_around, classes) -> None:
        func = call.func
        target, _ = self._resolve(mod, fn, func)
        if target is None and isinstance(func, cst.Attribute):
            cls = None
            if isinstance(func.value, cst.Name):
                cls = classes.get(func.value.value)
            elif isinstance(func.value, cst.Call):
                cls = self._class_of(mod, fn, func.value)
            if cls is not None:
                target = self.engine.index.method(cls, func.attr.value)
        if target is not None:
            self._sites.setdefault(id(target), []).append(CallSite(fn, in_loop, catching, loop_around))

    # ------------------------------------------------------------------ questions

    def exits_process(self, fn: Optional[FunctionInfo]) -> bool:
        """Does an exception out of ``fn`` end the process?"""
        if fn is None:
            return True
        key = id(fn)
        if key not in self._exits:
            self._exits[key] = False  # a cycle: not known to end the process
            self._exits[key] = self._exits_process(fn)
        return self._exits[key]

    def _exits_process(self, fn: FunctionInfo) -> bool:
        sites = self.sites(fn)
        if not sites:
            return False  # no caller in the project: library code
        for site in sites:
            caught = [t for t in site.catching if not all(_reraises(h) for h in t.handlers)]
            if not caught:
                if not self.exits_process(site.caller):
                    return False
            elif site.loop_around_try or not self.ends_process(site.caller):
                return False  # caught and carried on (a serving loop, a retry): the process lives
        return True

    def ends_process(self, fn: Optional[FunctionInfo]) -> bool:
        """Is the normal end of ``fn`` the end of the process (module code, an entry function
        called once from module level or from another entry function, outside any loop)?"""
        if fn is None:
            return True
        key = id(fn)
        if key not in self._ends:
            self._ends[key] = False
            sites = self.sites(fn)
            self._ends[key] = bool(sites) and all(
                not s.in_loop and not s.catching and self.ends_process(s.caller) for s in sites)
        return self._ends[key]
