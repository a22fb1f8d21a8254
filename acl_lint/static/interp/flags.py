"""Plain flags keep their truth along a path (issue 10 item 6: "a condition on an unchanged
variable cannot be taken at one line and not taken at the next").

``if args.reuse: ...`` then later ``if not args.reuse: ...``: on a path that took the first
branch the second cannot be taken, as long as nothing changed ``args``. A test is a flag when it
is a name or an attribute chain on a name (no calls, no subscripts, not ``self``/``cls``) whose
value is not a pyACL value, and the chain's root is *stable* in the function: never the target
of an attribute or subscript store, an augmented assignment or ``del``, never handed whole to a
call, never the receiver of a method call, not ``global``/``nonlocal``. Rebinding the root itself
(``args = ...``) forgets what was known (``forget_flags``).

The truth is part of the path's identity (``PState.key``/``head_key``): paths that differ in it
are not merged, so no path is ever pruned by a truth that only another path had.
"""

from __future__ import annotations

from typing import FrozenSet, Optional, Sequence, Tuple

import libcst as cst

from ..positions import cst_dotted as dotted, cst_walk as _walk
from ..values import PState

FLAG = "truth"  # st.assume key: (FLAG, root, dotted text) -> bool


class Flags:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def flag_key(self, test: cst.BaseExpression) -> Optional[Tuple[str, str, str]]:
        if type(test) not in (cst.Name, cst.Attribute):
            return None
        text = dotted(test)
        if not text:
            return None
        root = text.split(".", 1)[0]
        if root in ("self", "cls") or root not in self._stable_roots():
            return None
        return (FLAG, root, text)

    def refine_flag(self, test: cst.BaseExpression, v, st: PState, truth: bool) -> bool:
        """Record ``test``'s truth on this path; False when the path already knows the opposite."""
        if v is not None:
            return True  # a pyACL value (status, handle, constant): the engine's own facts decide
        key = self.flag_key(test)
        if key is None:
            return True
        known = st.assume.get(key)
        if known is not None and known != truth:
            return False
        st.assume[key] = truth
        return True

    def _stable_roots(self) -> FrozenSet[str]:
        cache = self.host.__dict__.setdefault("_stable_roots", {})
        body = self.fn.node if self.fn is not None else self.mod.tree
        roots = cache.get(id(body))
        if roots is None:
            roots = cache[id(body)] = stable_roots(self.mod.positions.nodes(body))
        return roots


def forget_flags(st: PState, root: str) -> None:
    """``root`` was rebound: what was known of its flags is gone."""
    if st.assume:
        for k in [k for k in st.assume if type(k) is tuple and len(k) == 3 and k[0] == FLAG and k[1] == root]:
            del st.assume[k]


def stable_roots(nodes: Sequence[cst.CSTNode]) -> FrozenSet[str]:
    """The names read as flag roots whose object nothing in the scope (all its ``nodes``) can change."""
    read, unstable = set(), set()
    for n in nodes:
        t = type(n)
        if t is cst.Name:
            read.add(n.value)
        elif t in (cst.Global, cst.Nonlocal):
            unstable.update(name.name.value for name in n.names)
        elif t is cst.Call:
            for a in n.args:
                if type(a.value) is cst.Name:
                    unstable.add(a.value.value)  # handed whole to a call
            if type(n.func) is cst.Attribute:
                root = _root(n.func)
                if root:
                    unstable.add(root)  # a method call on it (or on one of its attributes)
        elif t is cst.AugAssign or t is cst.Del:
            unstable.update(_roots_in(n.target))
            if type(n.target) is cst.Name:
                unstable.add(n.target.value)
        elif t is cst.Assign:
            for target in n.targets:
                if type(target.target) is not cst.Name:
                    unstable.update(_roots_in(target.target))
        elif t is cst.AnnAssign and type(n.target) is not cst.Name:
            unstable.update(_roots_in(n.target))
    return frozenset(read - unstable)


def _root(node) -> str:
    while type(node) is cst.Attribute:
        node = node.value
    return node.value if type(node) is cst.Name else ""


def _roots_in(target) -> set:
    """The names whose objects a store into ``target`` changes (``a.x =``, ``a[i] =``)."""
    out = set()
    for n in [target, *_walk(target)]:
        if type(n) in (cst.Attribute, cst.Subscript):
            base = n.value
            while type(base) in (cst.Attribute, cst.Subscript):
                base = base.value
            if type(base) is cst.Name:
                out.add(base.value)
    return out
