"""The project index: what the files of one run define and import.

Built from the libcst trees once per run, before any function is analysed,
so that calls can be resolved across modules (``from .helpers import
release_dataset``) and summaries computed bottom-up on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ..discovery import module_name as _module_name
from . import import_paths
from .positions import Positions
from .positions import cst_dotted as _dotted

#: names whose value is the success status wherever they are defined
SUCCESS_NAMES = frozenset({"ACL_SUCCESS", "ACL_ERROR_NONE", "SUCCESS", "ACL_OK"})


@dataclass
class FunctionInfo:
    qualname: str  # "f", "Class.method", "outer.<locals>.inner"
    node: cst.FunctionDef
    module: "ModuleInfo"
    cls: Optional["ClassInfo"] = None
    params: Tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def is_method(self) -> bool:
        return self.cls is not None and bool(self.params) and not self._is_static()

    def _is_static(self) -> bool:
        for d in self.node.decorators:
            if isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod":
                return True
        return False


@dataclass
class ClassInfo:
    name: str
    node: cst.ClassDef
    module: "ModuleInfo"
    bases: Tuple[str, ...] = ()
    methods: Dict[str, FunctionInfo] = field(default_factory=dict)


@dataclass
class ModuleInfo:
    path: str
    name: str  # dotted module name guessed from the path ("pkg.helpers")
    tree: cst.Module
    text: str
    positions: Positions
    acl_aliases: Set[str] = field(default_factory=set)  # names bound to the acl module
    acl_members: Dict[str, str] = field(default_factory=dict)  # `from acl import rt` -> {"rt": "rt"}
    imports: Dict[str, Tuple[str, str]] = field(default_factory=dict)  # local name -> (module, name)
    module_imports: Dict[str, str] = field(default_factory=dict)  # `import a.b as c` -> {"c": "a.b"}
    star_imports: List[str] = field(default_factory=list)  # `from .utils import *` -> [".utils"]
    functions: Dict[str, FunctionInfo] = field(default_factory=dict)  # module-level functions by name
    classes: Dict[str, ClassInfo] = field(default_factory=dict)
    zero_names: Set[str] = field(default_factory=set)  # module-level NAME = 0
    all_functions: List[FunctionInfo] = field(default_factory=list)  # incl. methods and nested
    uses_acl: bool = True  # names acl: a module that does not only matters as a helper
    _global_refs: Optional[Set[str]] = None

    def imported_spec(self, name: str) -> Optional[str]:
        """The dotted module path a local name was imported as: `from pkg import helpers` makes
        `helpers` pkg.helpers, `from . import x` makes `x` .x, `import a.b as c` makes `c` a.b;
        None for a name the module does not import."""
        if name in self.module_imports:
            return self.module_imports[name]
        if name in self.imports:
            spec, member = self.imports[name]
            return f"{spec}.{member}" if spec.strip(".") else spec + member
        return None

    @property
    def global_refs(self) -> Set[str]:
        """Names used inside the module's functions and classes (computed on first use)."""
        if self._global_refs is None:
            refs: Set[str] = set()
            for stmt in self.tree.body:
                if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                    refs |= self.positions.names_used(stmt)
            self._global_refs = refs
        return self._global_refs




def _params(fn: cst.FunctionDef) -> Tuple[str, ...]:
    ps = fn.params
    names = [p.name.value for p in list(ps.posonly_params) + list(ps.params)]
    if isinstance(ps.star_arg, cst.Param):
        names.append("*" + ps.star_arg.name.value)
    names += [p.name.value for p in ps.kwonly_params]
    return tuple(names)


def _blocks(stmt: cst.CSTNode):
    """The statement lists nested directly in a compound statement."""
    out = []

    def add(body):
        if isinstance(body, cst.IndentedBlock):
            out.append(body.body)

    if isinstance(stmt, (cst.If,)):
        add(stmt.body)
        o = stmt.orelse
        if isinstance(o, cst.If):
            out.append([o])
        elif isinstance(o, cst.Else):
            add(o.body)
    elif isinstance(stmt, (cst.For, cst.While)):
        add(stmt.body)
        if stmt.orelse is not None:
            add(stmt.orelse.body)
    elif isinstance(stmt, (cst.Try, getattr(cst, "TryStar", cst.Try))):
        add(stmt.body)
        for h in stmt.handlers:
            add(h.body)
        if stmt.orelse is not None:
            add(stmt.orelse.body)
        if stmt.finalbody is not None:
            add(stmt.finalbody.body)
    elif isinstance(stmt, cst.With):
        add(stmt.body)
    elif hasattr(cst, "Match") and isinstance(stmt, cst.Match):
        for case in stmt.cases:
            add(case.body)
    return out


class _Collector:
    """One walk over the statements of a module (never into expressions): imports, defs,
    classes, module-level zero constants."""

    def __init__(self, mod: ModuleInfo):
        self.mod = mod

    def run(self, tree: cst.Module) -> None:
        self.walk(tree.body, [], None, 0)

    def walk(self, stmts, scope: List[str], cls: Optional[ClassInfo], depth: int) -> None:
        for stmt in stmts:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        self.on_import(small)
                    elif isinstance(small, cst.ImportFrom):
                        self.on_import_from(small)
                    elif isinstance(small, cst.Assign) and depth == 0 and not scope:
                        self.on_assign(small)
                continue
            if isinstance(stmt, cst.FunctionDef):
                self.on_def(stmt, scope, cls, depth)
                continue
            if isinstance(stmt, cst.ClassDef):
                info = None
                if depth == 0 and not scope:
                    info = ClassInfo(stmt.name.value, stmt, self.mod,
                                     tuple(_dotted(a.value) for a in stmt.bases if _dotted(a.value)))
                    self.mod.classes[info.name] = info
                body = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else ()
                self.walk(body, scope + [stmt.name.value], info, depth)
                continue
            for block in _blocks(stmt):
                self.walk(block, scope, cls if depth == 0 else None, depth)

    def on_def(self, node: cst.FunctionDef, scope, cls, depth) -> None:
        qual = ".".join(scope + [node.name.value])
        owner = cls if depth == 0 else None
        info = FunctionInfo(qual, node, self.mod, owner, _params(node))
        self.mod.all_functions.append(info)
        if owner is not None:
            owner.methods[node.name.value] = info
        elif depth == 0 and not scope:
            self.mod.functions[node.name.value] = info
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        self.walk(body, scope + [node.name.value], None, depth + 1)

    def on_import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            if name == "acl" or name.startswith("acl."):
                if alias.asname:
                    if name == "acl":
                        self.mod.acl_aliases.add(local)
                    else:
                        self.mod.acl_members[local] = name[4:]
                else:
                    self.mod.acl_aliases.add("acl")
            else:
                self.mod.module_imports[local] = name

    def on_import_from(self, node: cst.ImportFrom) -> None:
        module = _dotted(node.module) if node.module else ""
        dots = "." * len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            if module != "acl" and not module.startswith("acl."):
                self.mod.star_imports.append(dots + module)
            return
        for alias in node.names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            if module == "acl" and not dots:
                self.mod.acl_members[local] = name
            elif module.startswith("acl.") and not dots:
                self.mod.acl_members[local] = module[4:] + "." + name
            else:
                self.mod.imports[local] = (dots + module, name)

    def on_assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Integer) and node.value.value == "0":
            for t in node.targets:
                if isinstance(t.target, cst.Name):
                    self.mod.zero_names.add(t.target.value)


def _absolute(spec: str, path: str, name: str) -> Tuple[str, str]:
    """The dotted name an import spec in file ``path`` (module ``name``) means, and for a
    relative one the name after its dots as a second guess."""
    if not spec.startswith("."):
        return spec, ""
    level = len(spec) - len(spec.lstrip("."))
    base = name.split(".")
    is_pkg = path.replace("\\", "/").endswith("__init__.py")
    keep = len(base) - level + (1 if is_pkg else 0)
    rest = spec.lstrip(".")
    return ".".join(base[:max(keep, 0)] + ([rest] if rest else [])), rest


@dataclass
class ProjectIndex:
    modules: Dict[str, ModuleInfo] = field(default_factory=dict)  # by path
    by_name: Dict[str, ModuleInfo] = field(default_factory=dict)  # by dotted name and last component
    #: project modules not analysed in this run but loadable on demand: dotted name -> path
    lazy: Dict[str, str] = field(default_factory=dict)
    #: loads a lazy module: path -> ModuleInfo or None
    loader: Optional[object] = None
    #: paths consulted since the last reset (what a result depends on)
    consulted: Set[str] = field(default_factory=set)

    #: every project file by the last component of its module name: resolution does not depend
    #: on which files a run (or a worker of a parallel run) parsed
    by_last: Dict[str, List[str]] = field(default_factory=dict)

    def add(self, path: str, tree: cst.Module, text: str) -> ModuleInfo:
        mod = ModuleInfo(path=path, name=_module_name(path), tree=tree, text=text, positions=Positions(tree, text))
        from ..sources import mentions_acl

        mod.uses_acl = mentions_acl(text)
        _Collector(mod).run(tree)
        self.modules[path] = mod
        self.known([path])
        return mod

    def known(self, paths) -> None:
        """Register project files that may be loaded when something resolves to them."""
        for path in paths:
            last = _module_name(path).rsplit(".", 1)[-1]
            lst = self.by_last.setdefault(last, [])
            if path not in lst:
                lst.append(path)
                lst.sort()

    def _load(self, path: str) -> Optional[ModuleInfo]:
        mod = self.modules.get(path)
        if mod is None and self.loader is not None:
            mod = self.loader(path)
        return mod

    def _lookup(self, name: str, importer: Optional[ModuleInfo] = None, may_load=None) -> Optional[ModuleInfo]:
        """The project module a dotted import name refers to (see :func:`find`).
        ``may_load(path)`` (default: yes) says whether the chosen module may be used
        (see ``resolve.py``)."""
        chosen = self.find(name, importer.path if importer is not None else None,
                           importer.text if importer is not None else None)
        if chosen is None:
            return None
        if may_load is not None and not may_load(chosen):
            return None
        mod = self._load(chosen)
        if mod is not None:
            self.consulted.add(mod.path)
        return mod

    def find(self, name: str, importer: Optional[str] = None, text: Optional[str] = None) -> Optional[str]:
        """The path of the project file an ``import name`` in file ``importer`` (whose text is
        ``text``) reaches: among the files whose path ends with the dotted name, the one
        Python's search path finds first from there (``import_paths.choose``), else the one
        whose full module name is ``name``; otherwise None (ambiguous)."""
        cands = import_paths.candidates(self.by_last, name)
        if not cands:
            return None
        dirs = import_paths.search_dirs(importer, text) if importer is not None and text is not None else ((), ())
        chosen = import_paths.choose(cands, len([p for p in name.split(".") if p]), importer, dirs)
        if chosen is None:
            exact = [p for p in cands if _module_name(p) == name]
            chosen = exact[0] if len(exact) == 1 else None
        return chosen

    def zero_names(self, mod: ModuleInfo) -> Set[str]:
        """Names bound to 0 as seen from ``mod``: the success names, its own upper-case constants,
        and the ones it imports from modules of the project."""
        out = set(SUCCESS_NAMES) | {n for n in mod.zero_names if n.isupper()}
        for local, (spec, name) in mod.imports.items():
            if local.isupper() and local not in out:
                target = self.resolve_module(mod, spec)
                if target is not None and name in target.zero_names:
                    out.add(local)
        return out

    def resolve_module(self, mod: ModuleInfo, spec: str, may_load=None) -> Optional[ModuleInfo]:
        """The module a `from spec import ...` in ``mod`` refers to, if it is in this run."""
        name, fallback = _absolute(spec, mod.path, mod.name)
        found = self._lookup(name, mod, may_load)
        if found is None and fallback:
            found = self._lookup(fallback, mod, may_load)
        return found

    def find_spec(self, spec: str, path: str, text: str) -> Optional[str]:
        """:meth:`resolve_module` on a file's path and text (nothing parsed, nothing loaded)."""
        name, fallback = _absolute(spec, path, _module_name(path))
        found = self.find(name, path, text)
        if found is None and fallback:
            found = self.find(fallback, path, text)
        return found

    def resolve_function(self, mod: ModuleInfo, name: str, may_load=None) -> Optional[FunctionInfo]:
        """A plain-name call ``name(...)`` in ``mod``: a local def or an imported one."""
        fn = mod.functions.get(name)
        if fn is not None:
            return fn
        imp = mod.imports.get(name)
        if imp is not None:
            target = self.resolve_module(mod, imp[0], may_load)
            if target is not None:
                return target.functions.get(imp[1])
        return None

    def resolve_class(self, mod: ModuleInfo, name: str, may_load=None) -> Optional[ClassInfo]:
        cls = mod.classes.get(name)
        if cls is not None:
            return cls
        if "." in name:
            head, _, tail = name.rpartition(".")
            imp = mod.imports.get(head)
            target = self.resolve_module(mod, imp[0] + "." + imp[1] if imp else head, may_load)
            return target.classes.get(tail) if target else None
        imp = mod.imports.get(name)
        if imp is not None:
            target = self.resolve_module(mod, imp[0], may_load)
            if target is not None:
                return target.classes.get(imp[1])
        return None

    def method(self, cls: ClassInfo, name: str, _seen=None, may_load=None) -> Optional[FunctionInfo]:
        """Look a method up on a class and its bases (those in this run)."""
        if name in cls.methods:
            return cls.methods[name]
        seen = _seen or set()
        seen.add(id(cls))
        for base in cls.bases:
            b = self.resolve_class(cls.module, base, may_load)
            if b is not None and id(b) not in seen:
                m = self.method(b, name, seen, may_load)
                if m is not None:
                    return m
        return None

    def methods_of(self, cls: ClassInfo, chain: Optional[List[ClassInfo]] = None) -> Dict[str, FunctionInfo]:
        """Every method an instance of ``cls`` has, by name: its own over its bases' (``chain``:
        its :meth:`class_chain`, when the caller has it already)."""
        methods: Dict[str, FunctionInfo] = {}
        for c in reversed(chain if chain is not None else self.class_chain(cls)):
            methods.update(c.methods)
        return methods

    def class_chain(self, cls: ClassInfo) -> List[ClassInfo]:
        out, todo, seen = [], [cls], set()
        while todo:
            c = todo.pop(0)
            if id(c) in seen:
                continue
            seen.add(id(c))
            out.append(c)
            for base in c.bases:
                b = self.resolve_class(c.module, base)
                if b is not None:
                    todo.append(b)
        return out
