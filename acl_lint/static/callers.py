"""Who calls a project function, and whether an exception out of it (or its normal end)
ends the process: the precision policy's process-exit leaks (design.md section 7).

A raise that propagates uncaught to module level or the ``if __name__ == "__main__":``
block, through any chain of project functions and constructors, ends the process; so does a
raise caught by an entry function whose handler does not loop back (it logs, then the entry
function goes on to its end). Leaks that exist only then are not findings by default
(``report-process-exit-leaks = true`` reports them). A function with no call site in the
project (a library function, a thread target, a callback), or called where an exception is
caught inside a loop, keeps its findings.

The callers in other files are found by a look at the words of every project file (it calls
the name, its imports reach this very module by Python's search path: ``import_paths``; for a
method, it names a class of the method's family), then parsed one at a time, nearest first,
at most :data:`MAX_CALLER_FILES` per function (past that the answer is unsure and the
findings stay). A constructor is also called through the subclasses that inherit it and by
``super().__init__()`` in those that do not.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Dict, FrozenSet, List, Mapping, NamedTuple, Optional, Set, Tuple

import libcst as cst

from .. import timings
from .positions import cst_children
from .index import FunctionInfo, ModuleInfo
from .positions import cst_dotted as dotted

_LOOPS = (cst.For, cst.While)
_LOOP_TYPES = frozenset(_LOOPS)
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
_CALLED = re.compile(r"\b(\w+)\s*\(")
#: at most this many files parsed to find the callers of one function (each parse costs)
MAX_CALLER_FILES = 4
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b(.*)|import[ \t]+(.*))", re.M)


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
        # the files read to answer questions: what a module's findings depend on (the cache's deps)
        self.deps_of: Dict[str, Set[str]] = {}
        self.touched: Set[str] = set()
        self._touched_by: Dict[Tuple[int, int], Set[str]] = {}
        self._fields: Dict[Tuple[int, str], object] = {}  # (class, attr) -> class of `self.attr = Cls(...)`
        self._unsure: Set[int] = set()  # functions whose possible callers were not all read
        self._pending: List[Tuple] = []  # `self.attr.method()` calls, resolved at the end of their module
        self._done: Set[str] = set()  # paths whose calls are recorded
        self._words: Optional[_Words] = None  # what each project file calls, imports and subclasses

    # ------------------------------------------------------------------ building

    def sites(self, fn: FunctionInfo):
        """The call sites of ``fn``: those in the modules read so far, then those in the other
        project files that may call it (they import its module and call its name; a constructor
        by its class), read one at a time (parsed if not in the run), so that a question
        answered by an early site reads no more files. A caller outside this run's files (a script that only imports the
        library, or a module of another chunk) is seen, whatever files the run was given."""
        if self._sites is None:
            self._sites = {}
        self._add_module(fn.module)  # its own module's calls (also when it was loaded lazily)
        found = self._sites.setdefault(id(fn), [])
        i, parsed = 0, 0
        read = self.deps_of.setdefault(fn.module.path, set())
        for path in self._candidates(fn):
            self.touched.add(path)
            read.add(path)
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
        """The files that may call ``fn``, nearest first. A constructor is also called through
        the subclasses that inherit it (``Sub(...)``, found once the module defining ``Sub``
        is read) and by those that define their own (``super().__init__()`` in the module
        that subclasses it)."""
        words = self._word_index()
        init_of = fn.cls if fn.name == "__init__" and fn.cls is not None else None
        todo = [(init_of.name if init_of is not None else fn.name, fn.module)]
        named = set()
        if init_of is not None:
            todo += self._inheriting(fn, fn.module)
        while todo:
            name, home = todo.pop(0)
            if (name, home.path) in named:
                continue
            named.add((name, home.path))
            here = os.path.dirname(home.path)
            last = home.name.rsplit(".", 1)[-1]
            paths = set(words.called.get(name, ())) | words.imported.get(name, set())
            subclassing = words.subclassing.get(name, set()) if init_of is not None else set()
            paths |= subclassing
            if fn.cls is not None and init_of is None:
                # a method is only called on an instance the file builds (`C(...)`, `self.x = C(...)`)
                # or in a subclass: a file naming no class of its family holds no call site of it
                paths = {p for p in paths if any(p in words.called.get(c, ()) or p in words.subclassing.get(c, ())
                                                 for c in words.family(fn.cls.name))}
            found = [p for p in paths if p != home.path and self._imports(p, words, last, home.path)
                     and self._readable(p)]
            # nearest first: vendored copies of a library share its module name, and the scripts
            # beside a copy are the ones that import it; a "no" (a caller that catches) ends early
            for path in sorted(found, key=lambda p: (-_shared(here, p), p)):
                if path not in self._done:
                    yield path
                mod = self.engine.index.modules.get(path)  # read (now or for an earlier question)
                if path in subclassing and mod is not None:
                    todo += self._inheriting(fn, mod)

    def _inheriting(self, init: FunctionInfo, mod: ModuleInfo) -> List[Tuple[str, ModuleInfo]]:
        """The classes of ``mod`` (other than its own) whose constructor is ``init``."""
        index = self.engine.index
        return [(c.name, mod) for c in mod.classes.values()
                if c is not init.cls and c.bases and index.method(c, "__init__") is init]

    def _imports(self, path: str, words: "_Words", last: str, target: str) -> bool:
        """Does an import in ``path`` reach the module file ``target`` (whose dotted name ends
        with ``last``)? The same resolution as the analysis (``import_paths``): a script
        beside another copy of a vendored library imports that copy, not this one."""
        specs = [s for s in words.specs.get(path, ()) if s.rsplit(".", 1)[-1] == last]
        if not specs:
            return False
        text = words.text(path)
        return text is not None and any(self.engine.index.find_spec(s, path, text) == target for s in specs)

    def _word_index(self) -> "_Words":
        if self._words is None:
            with timings.aside():  # once per run: not the cost of the function that asked first
                index = self.engine.index
                paths = sorted({p for ps in index.by_last.values() for p in ps})
                self._words = _Words(paths, self._text)
        return self._words

    def _readable(self, path: str) -> bool:
        """A file the parse guard withholds (CPython rejects it) is never parsed: no caller."""
        return path in self.engine.index.modules or self.engine._read(path) is not None

    def _text(self, path: str) -> Optional[str]:
        mod = self.engine.index.modules.get(path)
        if mod is not None:
            return mod.text
        raw = self.engine.project_text
        return raw(path) if raw is not None else self.engine._read(path)

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

    def _inherited(self, mod, fn, func: cst.Attribute) -> Optional[FunctionInfo]:
        """``super().m(...)`` / ``super(Cls, self).m(...)`` in a method: ``m`` of a base class;
        ``Base.m(self, ...)``: ``m`` of that class."""
        index = self.engine.index
        value = func.value
        if type(value) is cst.Call and dotted(value.func) == "super":
            if fn is None or fn.cls is None:
                return None
            for base in fn.cls.bases:
                cls = index.resolve_class(fn.cls.module, base)
                found = index.method(cls, func.attr.value) if cls is not None else None
                if found is not None:
                    return found
            return None
        head = dotted(value)
        cls = index.resolve_class(mod, head) if head and head != "self" else None
        return index.method(cls, func.attr.value) if cls is not None else None

    def _init_of(self, cls):
        init = self.engine.index.method(cls, "__init__") if cls is not None else None
        return (init, "<new>") if init is not None else (None, None)

    def _record(self, mod, fn, call: cst.Call, in_loop, catching, loop_around, classes) -> None:
        func = call.func
        target, _ = self._resolve(mod, fn, func)
        if target is None and isinstance(func, cst.Attribute):
            target = self._inherited(mod, fn, func)
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
        return self._answer(fn, self._exits, self._exits_process)

    def _answer(self, fn: FunctionInfo, memo: Dict[int, bool], compute) -> bool:
        """``compute(fn)`` once (a cycle answers False); the files it read are what the findings of
        ``fn``'s module depend on, also when the answer comes from ``memo``."""
        key = id(fn)
        if key not in memo:
            saved, self.touched = self.touched, set()
            memo[key] = False  # a cycle: not known to end the process
            memo[key] = compute(fn)
            self._touched_by[(id(memo), key)] = self.touched
            self.touched = saved | self.touched
        read = self._touched_by.get((id(memo), key), set())
        self.touched |= read
        self.deps_of.setdefault(fn.module.path, set()).update(read)
        return memo[key]

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
        return self._answer(fn, self._ends, self._ends_process)

    def _ends_process(self, fn: FunctionInfo) -> bool:
        called = False
        for s in self.sites(fn):
            called = True
            if s.in_loop or s.catching or not self.ends_process(s.caller):
                return False
        return called and id(fn) not in self._unsure


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


class _FileWords(NamedTuple):
    called: FrozenSet[str]  # names followed by "(" (a call, a class statement's name)
    specs: FrozenSet[str]  # dotted modules its import lines name (`from a.b import c`: a.b, a.b.c)
    classes: FrozenSet[Tuple[str, str]]  # (class, last part of one of its bases) of its class statements


#: path -> (hash of its text, its words): one read per file and process, whatever the chunks
_FILE_WORDS: Dict[str, Tuple[int, _FileWords]] = {}


def _file_words(path: str, text: str) -> _FileWords:
    key = hash(text)
    hit = _FILE_WORDS.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    words = words_of(text)
    _FILE_WORDS[path] = (key, words)
    return words


def words_of(text: str) -> _FileWords:
    """What a text calls, imports and subclasses (a regex look, no parse); names interned."""
    return _FileWords(frozenset(map(sys.intern, _CALLED.findall(text))), frozenset(map(sys.intern, _import_specs(text))),
                      frozenset((name, b.rsplit(".", 1)[-1]) for name, bases in _CLASS.findall(text)
                                for b in re.findall(r"[\w.]+", bases)))


class WordIndex:
    """The project's texts, whose words a pool reads once before forking (``fill``): every
    chunk's process then finds them in the per-process memo instead of scanning every
    project file again (1.3-1.5 CPU s a chunk on the real-world corpus)."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts

    def fill(self) -> "WordIndex":
        for path, text in self.texts.items():
            if text:
                _file_words(path, text)
        return self


class _Words:
    """The project's files by the names they call and the classes they subclass (a look at
    the text: a file that calls ``name`` is parsed only if its imports reach the module)."""

    def __init__(self, paths, read):
        self.text = read
        self.called: Dict[str, Set[str]] = {}
        self.imported: Dict[str, Set[str]] = {}  # name -> files importing it by name
        self.subclassing: Dict[str, Set[str]] = {}  # base class name -> files with a class of that base
        self.subclasses: Dict[str, Set[str]] = {}  # base class name -> the classes of that base
        self.specs: Dict[str, FrozenSet[str]] = {}
        for path in paths:
            text = read(path)
            if not text:
                continue
            w = _file_words(path, text)
            self.specs[path] = w.specs
            for n in w.called:
                self.called.setdefault(n, set()).add(path)
            for spec in w.specs:  # `from home import name as other`: called by another name
                self.imported.setdefault(spec.rsplit(".", 1)[-1], set()).add(path)
            for name, b in w.classes:
                self.subclassing.setdefault(b, set()).add(path)
                self.subclasses.setdefault(b, set()).add(name)

    def family(self, name: str) -> Set[str]:
        """``name`` and the names of the classes that subclass it, at any depth (by name)."""
        out, todo = {name}, [name]
        while todo:
            for sub in self.subclasses.get(todo.pop(), ()):
                if sub not in out:
                    out.add(sub)
                    todo.append(sub)
        return out


_CLASS = re.compile(r"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.M)


def _import_specs(text: str) -> Set[str]:
    """The dotted module names of a text's import lines, relative ones with their dots
    (`from ..a import b, c`: ..a, ..a.b, ..a.c)."""
    out: Set[str] = set()
    for m in _IMPORT.finditer(text):
        base, names, plain = m.groups()
        if base is None:
            for part in (plain or "").split("#")[0].split(","):
                out.update(part.split()[:1])
            continue
        out.add(base)
        for n in re.findall(r"\w+", (names or "").split("#")[0]):
            if n != "as":
                out.add(base + n if base.endswith(".") else f"{base}.{n}")
    out.discard("")
    return out


def _shared(here: str, path: str) -> int:
    """How much of its folder ``path`` shares with ``here`` (nearest callers first)."""
    try:
        return len(os.path.commonpath([here, os.path.dirname(path)]))
    except ValueError:  # one relative, one absolute (or another drive)
        return 0
