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

import re
from typing import Dict, List, NamedTuple, Optional, Set, Tuple

import libcst as cst

from .positions import cst_children
from .index import FunctionInfo, ModuleInfo
from .positions import cst_dotted as dotted

_LOOPS = (cst.For, cst.While)
_CALLED = re.compile(r"(\w+)\s*\(")
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b(.*)|import[ \t]+(.*))", re.M)
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


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
        self._fields: Dict[Tuple[int, str], object] = {}  # (class, attr) -> class of `self.attr = Cls(...)`
        self._done: Set[str] = set()  # paths whose calls are recorded
        self._names: Set[Tuple[str, str]] = set()  # (callee, its module) whose possible callers are loaded
        self._words: Optional[Dict[str, Tuple[Set[str], Set[str]]]] = None  # path -> (names called, imported)

    # ------------------------------------------------------------------ building

    def sites(self, fn: FunctionInfo) -> List[CallSite]:
        if self._sites is None:
            self._sites = {}
            for mod in self.modules:
                self._add_module(mod)
        self._load_callers(fn)
        return self._sites.get(id(fn), [])

    def _add_module(self, mod: ModuleInfo) -> None:
        if mod.path in self._done:
            return
        self._done.add(mod.path)
        self._collect_fields(mod)
        self._collect(mod)

    def _load_callers(self, fn: FunctionInfo) -> None:
        """The other project files that may call ``fn`` (they name its module and call its name;
        a constructor by its class): parsed now, so that a caller outside this run's files (a
        script that only imports the library) is seen, whatever files the run was given."""
        self._add_module(fn.module)  # its own module's calls (also when it was loaded lazily)
        name = fn.cls.name if fn.name == "__init__" and fn.cls is not None else fn.name
        home = fn.module.name.rsplit(".", 1)[-1]
        if (name, home) in self._names:
            return
        self._names.add((name, home))
        index = self.engine.index
        if self._words is None:
            self._words = {}
            for path in sorted({p for paths in index.by_last.values() for p in paths} - self._done):
                mod = index.modules.get(path)
                text = mod.text if mod is not None else self.engine._read(path)
                if text:
                    self._words[path] = (set(_CALLED.findall(text)), _imported(text))
        for path, (called, imported) in self._words.items():
            if path in self._done or name not in called or home not in imported:
                continue
            mod = index.modules.get(path) or self.engine._load_lazy(path)
            if mod is not None:
                self._add_module(mod)

    def _collect(self, mod: ModuleInfo) -> None:
        units: List[Tuple[Optional[FunctionInfo], cst.CSTNode]] = [(None, mod.tree)]
        units += [(fn, fn.node.body) for fn in mod.all_functions]
        for fn, body in units:
            classes: Dict[str, object] = {}
            for child in cst_children(body):
                self._walk(mod, fn, child, False, (), False, classes)

    def _collect_fields(self, mod: ModuleInfo) -> None:
        """`self.model = Model(...)` in any method: `self.model.run()` elsewhere in the class is Model.run."""
        for fn in mod.all_functions:
            if fn.cls is None:
                continue
            for node in _assigns(fn.node.body):
                target = node.targets[0].target if len(node.targets) == 1 else None
                if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                        and target.value.value == "self" and isinstance(node.value, cst.Call):
                    cls = self._class_of(mod, fn, node.value)
                    if cls is not None:
                        self._fields[(id(fn.cls), target.attr.value)] = cls

    def _walk(self, mod, fn, node, in_loop: bool, catching: tuple, loop_around: bool, classes) -> None:
        if isinstance(node, _SCOPES):
            return
        if isinstance(node, cst.Call):
            self._record(mod, fn, node, in_loop, catching, loop_around, classes)
        if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) \
                and isinstance(node.value, cst.Call):
            cls = self._class_of(mod, fn, node.value)
            if cls is not None:  # `net = Net(...)`: `net.run()` is Net.run
                classes[node.targets[0].target.value] = cls
        if isinstance(node, cst.Try) and node.handlers:
            for child in cst_children(node.body):
                self._walk(mod, fn, child, in_loop, catching + (node,), in_loop, classes)
            for h in node.handlers:
                self._walk(mod, fn, h, in_loop, catching, loop_around, classes)
            for part in (node.orelse, node.finalbody):
                if part is not None:
                    self._walk(mod, fn, part, in_loop, catching, loop_around, classes)
            return
        loop = in_loop or isinstance(node, _LOOPS)
        for child in cst_children(node):
            self._walk(mod, fn, child, loop, catching, loop_around, classes)

    def _class_of(self, mod, fn, call: cst.Call):
        target, bound = self._resolve(mod, fn, call.func)
        return target.cls if target is not None and bound == "<new>" else None

    def _resolve(self, mod, fn, func):
        name = dotted(func) or ""
        try:
            target, bound = self.engine.resolver.resolve_call(mod, fn, func, name)
            if target is None and isinstance(func, cst.Name):
                # a plain function or class of a module that never names acl (a script that
                # only imports the library): the resolver leaves those to the caller
                target, bound = self.engine.index.resolve_function(mod, name), None
                if target is None:
                    target, bound = self._init_of(self.engine.index.resolve_class(mod, name))
                if target is None:
                    target, bound = self._star_imported(mod, func.value)
            return target, bound
        except Exception:  # resolution is best effort here: an unresolved call is no call site
            return None, None

    def _star_imported(self, mod, name: str):
        """`from utils import *` then `name(...)`: a function or a class of that module."""
        index = self.engine.index
        for spec in mod.star_imports:
            target = index.resolve_module(mod, spec)
            if target is None:
                continue
            if name in target.functions:
                return target.functions[name], None
            if name in target.classes:
                return self._init_of(target.classes[name])
        return None, None

    def _init_of(self, cls):
        init = self.engine.index.method(cls, "__init__") if cls is not None else None
        return (init, "<new>") if init is not None else (None, None)

    def _record(self, mod, fn, call: cst.Call, in_loop, catching, loop_around, classes) -> None:
        func = call.func
        target, _ = self._resolve(mod, fn, func)
        if target is None and isinstance(func, cst.Attribute):
            cls = None
            if isinstance(func.value, cst.Name):
                cls = classes.get(func.value.value)
            elif isinstance(func.value, cst.Call):
                cls = self._class_of(mod, fn, func.value)
            elif isinstance(func.value, cst.Attribute) and dotted(func.value.value) == "self" and fn is not None \
                    and fn.cls is not None:
                cls = self._fields.get((id(fn.cls), func.value.attr.value))
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


def _assigns(body: cst.CSTNode):
    """The assignments in a function body (not in nested functions or classes)."""
    todo = list(cst_children(body))
    while todo:
        node = todo.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, cst.Assign):
            yield node
        todo.extend(cst_children(node))


def _imported(text: str) -> Set[str]:
    """Every name in the import lines of a text (module path parts and imported names): a file
    can only call into a module it imports (a cheap look, before parsing it)."""
    out: Set[str] = set()
    for m in _IMPORT.finditer(text):
        for part in m.groups():
            if part:
                out.update(re.findall(r"\w+", part))
    return out
