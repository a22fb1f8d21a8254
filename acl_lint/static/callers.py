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

import os
import re
import sys
from typing import Dict, FrozenSet, List, Mapping, NamedTuple, Optional, Set, Tuple

import libcst as cst

from .positions import cst_children
from .index import FunctionInfo, ModuleInfo
from .positions import cst_dotted as dotted

_LOOPS = (cst.For, cst.While)
_LOOP_TYPES = frozenset(_LOOPS)
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
_CALLED = re.compile(r"(\w+)\s*\(")
#: at most this many files parsed to find the callers of one function (each parse costs)
MAX_CALLER_FILES = 4
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b(.*)|import[ \t]+(.*))", re.M)


Words = Tuple[FrozenSet[str], FrozenSet[str]]  # (names a file calls, names it imports)


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
        self._unsure: Set[int] = set()  # functions whose possible callers were not all read
        self._pending: List[Tuple] = []  # `self.attr.method()` calls, resolved at the end of their module
        self._done: Set[str] = set()  # paths whose calls are recorded
        self._words: Optional[Dict[str, Words]] = None  # path -> its words

    # ------------------------------------------------------------------ building

    def sites(self, fn: FunctionInfo):
        """The call sites of ``fn``: those in the modules read so far, then those in the other
        project files that may call it (they import its module and call its name; a constructor
        by its class), parsed one at a time, so that a question answered by an early site reads
        no more files. A caller outside this run's files (a script that only imports the
        library, or a module of another chunk) is seen, whatever files the run was given."""
        if self._sites is None:
            self._sites = {}
            for mod in self.modules:
                self._add_module(mod)
        self._add_module(fn.module)  # its own module's calls (also when it was loaded lazily)
        found = self._sites.setdefault(id(fn), [])
        i, parsed = 0, 0
        for path in self._candidates(fn):
            while i < len(found):
                yield found[i]
                i += 1
            mod = self.engine.index.modules.get(path)
            if mod is None:
                if parsed == MAX_CALLER_FILES:  # a widely used library: its callers are not all read
                    self._unsure.add(id(fn))
                    break
                parsed += 1
                mod = self.engine._load_lazy(path)
            if mod is not None:
                self._add_module(mod)
        while i < len(found):
            yield found[i]
            i += 1

    def all_callers_read(self, fn: FunctionInfo) -> bool:
        """After :meth:`sites` ran out: were all the files that may call ``fn`` read?"""
        return id(fn) not in self._unsure

    def _add_module(self, mod: ModuleInfo) -> None:
        if mod.path in self._done:
            return
        self._done.add(mod.path)
        self._collect(mod)

    def _candidates(self, fn: FunctionInfo):
        name = fn.cls.name if fn.name == "__init__" and fn.cls is not None else fn.name
        home = fn.module.name.rsplit(".", 1)[-1]
        if self._words is None:
            self._words = self._word_table()
        here = os.path.dirname(fn.module.path)
        # a file with another copy of the module beside it imports that copy (resolve.py's rule)
        copies = {os.path.dirname(p) for p in self.engine.index.by_last.get(home, ()) if p != fn.module.path}
        found = [p for p, (called, imported) in self._words.items()
                 if name in called and home in imported and _imports_it(p, imported, fn.module, here, copies)
                 and self._readable(p)]
        # nearest first: vendored copies of a library share its module name, and the scripts
        # beside a copy are the ones that import it; a "no" (a caller that catches) ends early
        for path in sorted(found, key=lambda p: (-_shared(here, p), p)):
            if path not in self._done:
                yield path

    def _word_table(self) -> Dict[str, Words]:
        """What each project file not read yet calls and imports: from the run's shared
        :class:`WordIndex` when the engine has one (the texts as given: a text the parse guard
        withholds is dropped by :meth:`_readable` when it would be a candidate), else from the
        texts the engine reads."""
        index = self.engine.index
        shared = getattr(self.engine, "project_words", None)
        table = {}
        for path in sorted({p for paths in index.by_last.values() for p in paths} - self._done):
            mod = index.modules.get(path)
            if shared is not None and (mod is None or shared.texts.get(path) is mod.text):
                words = shared.of(path)
            else:
                words = words_of(mod.text if mod is not None else self.engine._read(path))
            if words is not None:
                table[path] = words
        return table

    def _readable(self, path: str) -> bool:
        return path in self.engine.index.modules or self.engine._read(path) is not None

    def _collect(self, mod: ModuleInfo) -> None:
        units: List[Tuple[Optional[FunctionInfo], cst.CSTNode]] = [(None, mod.tree)]
        units += [(fn, fn.node.body) for fn in mod.all_functions]
        self._pending = []
        for fn, body in units:
            classes: Dict[str, object] = {}
            for child in cst_children(body):
                self._walk(mod, fn, child, False, (), False, classes)
        # `self.model.run()` in one method, `self.model = Model(...)` in another of the class
        for fn, attr, method, site in self._pending:
            cls = self._fields.get((id(fn.cls), attr))
            target = self.engine.index.method(cls, method) if cls is not None else None
            if target is not None:
                self._sites.setdefault(id(target), []).append(site)

    def _walk(self, mod, fn, node, in_loop: bool, catching: tuple, loop_around: bool, classes) -> None:
        t = type(node)  # exact types: libcst's isinstance goes through ABC checks (slow on every node)
        if t in _SCOPE_TYPES:
            return
        if t is cst.Call:
            self._record(mod, fn, node, in_loop, catching, loop_around, classes)
        elif t is cst.Assign and len(node.targets) == 1 and type(node.value) is cst.Call:
            self._note_class(mod, fn, node.targets[0].target, node.value, classes)
        elif t is cst.Try and node.handlers:
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

    def _note_class(self, mod, fn, target, call: cst.Call, classes) -> None:
        """`net = Net(...)`: `net.run()` is Net.run; `self.net = Net(...)` in a method: so is
        `self.net.run()` in any method of the class."""
        tt = type(target)
        if tt is cst.Name or (tt is cst.Attribute and type(target.value) is cst.Name
                              and target.value.value == "self" and fn is not None and fn.cls is not None):
            cls = self._class_of(mod, fn, call)
            if cls is None:
                return
            if tt is cst.Name:
                classes[target.value] = cls
            else:
                self._fields[(id(fn.cls), target.attr.value)] = cls

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
                self._pending.append((fn, func.value.attr.value, func.attr.value,
                                      CallSite(fn, in_loop, catching, loop_around)))
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
        called = False
        for site in self.sites(fn):
            called = True
            caught = [t for t in site.catching if not all(_reraises(h) for h in t.handlers)]
            if not caught:
                if not self.exits_process(site.caller):
                    return False
            elif site.loop_around_try or not self.ends_process(site.caller):
                return False  # caught and carried on (a serving loop, a retry): the process lives
        if not called:
            return _dead_in_script(fn)
        # too many possible callers to read: the findings stay
        return id(fn) not in self._unsure

    def ends_process(self, fn: Optional[FunctionInfo]) -> bool:
        """Is the normal end of ``fn`` the end of the process (module code, an entry function
        called once from module level or from another entry function, outside any loop)?"""
        if fn is None:
            return True
        key = id(fn)
        if key not in self._ends:
            self._ends[key] = False
            called = False
            for s in self.sites(fn):
                called = True
                if s.in_loop or s.catching or not self.ends_process(s.caller):
                    break
            else:
                self._ends[key] = called and key not in self._unsure
        return self._ends[key]


_MAIN_GUARD = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]\s*:", re.M)


def _dead_in_script(fn: FunctionInfo) -> bool:
    """A module-level function of a script (a module with an ``if __name__ == "__main__":``
    block) that nothing calls and nothing names (not a thread target, a callback or an export):
    it only runs when the script runs it, so it is no library's entry point. Anything else with
    no caller in the project (library code) keeps its findings."""
    if fn.cls is not None or "." in fn.qualname:
        return False
    text = fn.module.text
    if not _MAIN_GUARD.search(text):
        return False
    return len(re.findall(r"\b%s\b" % re.escape(fn.name), text)) == 1


class WordIndex:
    """The names each project file calls and imports, for every engine of one run: a pool
    fills it once before forking (each chunk's process used to scan every project file again,
    with the parse guard: 1.5 CPU s a chunk on the real-world corpus), in-process chunks share it."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts
        self._words: Dict[str, Optional[Words]] = {}

    def fill(self) -> "WordIndex":
        for path in self.texts:
            self.of(path)
        return self

    def of(self, path: str) -> Optional[Words]:
        if path not in self._words:
            self._words[path] = words_of(self.texts.get(path))
        return self._words[path]


def words_of(text: Optional[str]) -> Optional[Words]:
    """(names called, names imported) of a text; None for no text. The names are interned: the
    same name in a thousand files is one string (the index of a run lives as long as the run)."""
    if not text:
        return None
    return frozenset(map(sys.intern, _CALLED.findall(text))), frozenset(map(sys.intern, _imported(text)))


def _imported(text: str) -> Set[str]:
    """Every name in the import lines of a text: module path parts, imported names and the
    dotted names they form (`atlas_utils.utils`): a file can only call into a module it
    imports (a cheap look, before parsing it)."""
    out: Set[str] = set()
    for m in _IMPORT.finditer(text):
        base, names, plain = m.groups()
        for dotted_name in re.findall(r"[\w.]+", plain or ""):
            out.add(dotted_name)
            out.update(dotted_name.split("."))
        if base is not None:
            base = base.strip(".")
            out.update([base] + base.split("."))
            for n in re.findall(r"\w+", names or ""):
                out.update({n, f"{base}.{n}" if base else n})
    out.discard("")
    return out


def _shared(here: str, path: str) -> int:
    """How much of its folder ``path`` shares with ``here`` (nearest callers first)."""
    try:
        return len(os.path.commonpath([here, os.path.dirname(path)]))
    except ValueError:  # one relative, one absolute (or another drive)
        return 0


def _imports_it(path: str, imported: Set[str], module: ModuleInfo, here: str, copies: Set[str]) -> bool:
    """Can `import home` in ``path`` reach ``module`` (resolve.py's rule, approximated on the
    text)? Beside it, yes; beside another copy, no; elsewhere, with several copies in the
    project, only through a dotted name that ends its module name (`atlas_utils.utils`)."""
    where = os.path.dirname(path)
    if where == here:
        return True
    if where in copies:
        return False
    if not copies:
        return True
    return any("." in d and (module.name == d or module.name.endswith("." + d)) for d in imported)
