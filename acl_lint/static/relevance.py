"""Which functions can matter to a finding, decided before interpreting them.

Every handle, status and unknown-API finding starts at a name of the acl module (an alias,
a member: ``acl.rt.malloc``, ``from acl import rt``), or comes into a function from a
project function it calls, through that function's summary. So a function is *quiet* (it
makes no handle and no status) when

- it names no acl module, alias or member (an ``import`` alone is not a use), and
- every call in it that resolves to a project function (as the engine's resolver resolves
  calls, with the wider policy of a call that passes a status) resolves to a quiet one, or
  to one whose summary gives its caller nothing: it releases, returns, fills, synchronises
  or stores on ``self`` no handle (a check helper's verdict acts on statuses only, and
  which parameters it keeps acts on handles only). Those summaries are computed lazily,
  from the callee's one interpretation, only when the callee is not quiet itself.

A quiet function is *inert* when, besides, nothing in it is a fact for the owner pass. Those
facts are about handles made here (stored on ``self`` or a global, released through it) and
about who calls whom, so: it declares no name ``global`` / ``nonlocal``, takes nothing out of
a container on ``self`` (``self.pool.pop()`` makes a handle from outside that this function
holds), calls no method of ``self`` that is not inert (the owner pass counts a method's
callers), and the classes it instantiates have quiet methods only (the owner pass follows
``obj.method()`` on an object a function builds). Binding ``self.x`` (to a parameter, to
None) makes no fact: what a caller learns from it (``nulls_attrs``) is in the summary. A call into a project module not loaded yet and not naming acl is
unknown code, unless it passes a name (it could then be a status the resolver follows):
that makes the caller not quiet. Recursion is not quiet either.

An inert function has no handle but its parameters (external, of unknown kind) and no
status: the interpreter would report nothing there and record no ownership fact, so the
engine does not interpret it for its own findings. It is interpreted only when a function
that is not inert asks for its summary (a check helper raises on the status it is given,
a helper keeps the handle passed to it: ``summaries.py``). The rule costs one walk of each
function's tree and one resolution per call.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple

import libcst as cst

from .index import FunctionInfo, ModuleInfo
from ..sources import mentions_acl
from .positions import cst_children, cst_dotted as dotted, cst_walk

_TAKES = frozenset({"pop", "popleft", "popitem"})


class Relevance:
    """Memoised quietness and inertness of the functions of one run (see the module docstring)."""

    def __init__(self, engine):
        self.engine = engine
        #: id(fn) -> (quiet, free of ownership facts, classes it builds, paths consulted)
        self._memo: Dict[int, Tuple[bool, bool, Tuple[Any, ...], Set[str]]] = {}
        self._busy: Set[int] = set()

    def inert(self, fn: FunctionInfo) -> bool:
        """Not worth interpreting for its own findings: quiet, and no fact for the owner pass."""
        quiet, free, built = self._facts(fn)
        inert = quiet and free and all(self.quiet(m) for cls in built for c in self.engine.index.class_chain(cls)
                                       for m in c.methods.values())
        if inert:
            fn.module.positions.forget(fn.node)  # its walk is not needed again (unless its summary is)
        return inert

    def quiet(self, fn: FunctionInfo) -> bool:
        """Makes no handle and no status (what its callers see of it is its summary)."""
        return self._facts(fn)[0]

    def module_inert(self, mod: ModuleInfo) -> bool:
        """The top level of a module (its function bodies are units of their own)."""
        quiet, free, built = self._scan(mod, None, mod.tree)
        return quiet and free and not built

    def _facts(self, fn: FunctionInfo) -> Tuple[bool, bool, Tuple[Any, ...]]:
        index = self.engine.index
        key = id(fn)
        known = self._memo.get(key)
        if known is not None:
            index.consulted |= known[3]
            return known[:3]
        if key in self._busy:
            return False, False, ()  # recursion: not quiet
        self._busy.add(key)
        saved, index.consulted = index.consulted, set()
        try:
            verdict = self._scan(fn.module, fn, fn.node)
        finally:
            self._busy.discard(key)
            deps = index.consulted | {fn.module.path}
            index.consulted = saved | deps
        self._memo[key] = verdict + (deps,)
        return verdict

    def _gives_nothing(self, fn: FunctionInfo) -> bool:
        """The callee's summary gives its caller no handle (computed lazily, once per callee)."""
        if self.quiet(fn):
            return True
        s = self.engine.summaries.of(fn)
        return s is not None and not (s.releases or s.releases_keyed or s.returns is not None or s.returns_by_arity
                                      or s.returns_list or s.fills or s.releases_attrs or s.acquires_attrs
                                      or s.syncs)

    # ------------------------------------------------------------------ the walk

    def _scan(self, mod: ModuleInfo, fn: Optional[FunctionInfo], root: cst.CSTNode
              ) -> Tuple[bool, bool, Tuple[Any, ...]]:
        """(quiet, free of ownership facts, classes built) of a function's tree (the walk the
        interpreter's other questions share), or of the top level's (defs are units of their own)."""
        acl_names = set(mod.acl_aliases) | set(mod.acl_members) | {"acl"}
        free = True
        built: List[Any] = []
        nodes = mod.positions.nodes(root) if fn is not None else _top_level(root)
        imported: Optional[Set[int]] = None  # names in the function's import statements
        for node in nodes:
            t = type(node)
            if t is cst.Name:
                if node.value in acl_names:
                    if imported is None:  # (the top level's walk leaves imports out)
                        imported = {id(x) for n in nodes if type(n) in (cst.Import, cst.ImportFrom)
                                    for x in cst_walk(n)} if fn is not None else set()
                    if id(node) not in imported:
                        return False, False, ()
            elif t is cst.Global or t is cst.Nonlocal or t is cst.Del:
                free = False  # (`del self.pool[k]` takes an element out, as pop() does)
            elif t is cst.Call:
                target = self._call_target(mod, fn, node)
                if target is False:
                    return False, False, ()
                if target is not None:
                    callee, bound = target
                    if not self._gives_nothing(callee):
                        return False, False, ()
                    if bound == "<new>" and callee.cls is not None:
                        built.append(callee.cls)
                    elif bound == "self" and free and not self.inert(callee):
                        free = False  # the owner pass counts the callers of a method
                func = node.func
                if type(func) is cst.Attribute and func.attr.value in _TAKES and _on_self(func.value):
                    free = False
        return True, free, tuple(built)

    def _call_target(self, mod: ModuleInfo, fn: Optional[FunctionInfo], node: cst.Call):
        """(project function, how self is bound) of a call; None: not a project function;
        False: maybe one, in a module not loaded that the resolver would follow for a status."""
        func = node.func
        name = dotted(func)
        if not name or type(func) not in (cst.Name, cst.Attribute):
            return None  # the interpreter resolves only dotted names
        unsure = []

        def may_load(path: str) -> bool:
            if path in self.engine.index.modules:
                return True
            text = self.engine.resolver.read(path)
            if text is not None and mentions_acl(text):
                return True
            unsure.append(path)
            return False

        target, bound = self.engine.resolver._resolve(mod, fn, func, name, may_load)
        if unsure and any(type(a.value) in (cst.Name, cst.Attribute) for a in node.args):
            return False
        return (target, bound) if target is not None else None


def _top_level(root: cst.CSTNode):
    """The nodes of a module run at its top level: not in a def, not in an import statement."""
    todo = list(cst_children(root))
    while todo:
        node = todo.pop()
        t = type(node)
        if t is not cst.FunctionDef and t is not cst.Import and t is not cst.ImportFrom:
            yield node
            todo.extend(cst_children(node))


def _on_self(node: cst.CSTNode) -> bool:
    """``self.x``, ``self.x[k].y``...: rooted at ``self``."""
    while type(node) in (cst.Attribute, cst.Subscript):
        node = node.value
    return type(node) is cst.Name and node.value == "self"
