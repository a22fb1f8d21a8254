"""Closed sets of values: an if/elif chain over them has no impossible else (PATTERNS F16).

A name is known to hold one of a few string constants when

- it was used as the key of a lookup in a dict display with constant string keys
  (``func = buffer_method[des]`` raises KeyError for anything else), or
- it is a parameter of a private function or method (leading underscore: called from its
  module only) and every call of it in the module passes one of those constants.

The set is kept on the path (``st.assume[("dom", name)]``) until the name is assigned;
``name == "in"`` / ``!=`` / ``in (...)`` tests narrow it, and a branch that leaves it
empty cannot be taken.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Sequence

import libcst as cst

from ..positions import cst_dotted as dotted, cst_walk as _walk
from ..values import PState

MAX_DOMAIN = 16


def _str_const(node) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        try:
            v = node.evaluated_value
        except Exception:
            return None
        return v if isinstance(v, str) else None
    return None


def _dict_keys(node) -> Optional[FrozenSet[str]]:
    """The keys of a dict display whose keys are all string constants."""
    if not isinstance(node, cst.Dict) or not node.elements or len(node.elements) > MAX_DOMAIN:
        return None
    keys = []
    for e in node.elements:
        if not isinstance(e, cst.DictElement):
            return None
        k = _str_const(e.key)
        if k is None:
            return None
        keys.append(k)
    return frozenset(keys)


class Domains:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    # ------------------------------------------------------------------ where sets come from

    def seed_domains(self, st: PState) -> None:
        """Parameters every call in the module passes a constant for (private functions only)."""
        fn = self.fn
        if fn is None or not fn.name.startswith("_") or fn.name.startswith("__"):
            return
        cache = self.host.__dict__.setdefault("_param_domains", {})
        if id(fn) not in cache:
            by_mod = self.host.__dict__.setdefault("_calls_by_name", {})
            if id(fn.module) not in by_mod:
                by_mod[id(fn.module)] = _calls_by_name(fn.module.positions.nodes(fn.module.tree))
            cache[id(fn)] = _param_domains(fn, by_mod[id(fn.module)].get(fn.name, ()))
        for p, dom in cache[id(fn)].items():
            st.assume[("dom", p)] = dom

    def lookup_domain(self, node: cst.Subscript, st: PState) -> None:
        """``table[name]`` on a dict display with constant keys: ``name`` is one of them."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return
        key = node.slice[0].slice.value
        if type(key) is not cst.Name:
            return
        keys = self._table_keys(node.value)
        if keys is None:
            return
        dk = ("dom", key.value)
        old = st.assume.get(dk)
        st.assume[dk] = keys if old is None else old & keys

    def _table_keys(self, table) -> Optional[FrozenSet[str]]:
        cache = self.host.__dict__.setdefault("_table_keys", {})
        name = dotted(table)
        if not name:
            return None
        scope = self.fn.cls if (name.startswith("self.") and self.fn is not None) else None
        ck = (id(self.mod), id(scope), name)
        if ck not in cache:
            scopes = self.host.__dict__.setdefault("_scope_assigns", {})
            sk = (id(self.mod), id(scope))
            if sk not in scopes:
                scopes[sk] = _assigns(self.mod.tree if scope is None else scope.node, top_level=scope is None)
            cache[ck] = _find_table(scopes[sk], name)
        return cache[ck]

    # ------------------------------------------------------------------ narrowing

    def refine_domain(self, test: cst.Comparison, st: PState, truth: bool) -> Optional[List[PState]]:
        """``name == "c"`` / ``!=`` / ``in (...)`` / ``not in`` on a name with a known set."""
        if len(test.comparisons) != 1 or not st.assume:
            return None
        comp = test.comparisons[0]
        left, right, op = test.left, comp.comparator, comp.operator
        if type(left) is not cst.Name and type(right) is cst.Name:
            left, right = right, left
        if type(left) is not cst.Name:
            return None
        dk = ("dom", left.value)
        dom = st.assume.get(dk)
        if dom is None:
            return None
        if isinstance(op, (cst.Equal, cst.NotEqual)):
            c = _str_const(right)
            if c is None:
                return None
            vals = frozenset({c})
            positive = isinstance(op, cst.Equal) == truth
        elif isinstance(op, (cst.In, cst.NotIn)) and isinstance(right, (cst.Tuple, cst.List, cst.Set)):
            consts = [_str_const(e.value) for e in right.elements]
            if any(c is None for c in consts):
                return None
            vals = frozenset(consts)
            positive = isinstance(op, cst.In) == truth
        else:
            return None
        new = dom & vals if positive else dom - vals
        if not new:
            return []
        st.assume[dk] = new
        return [st]


def _assigns(scope: cst.CSTNode, top_level: bool) -> List[cst.Assign]:
    """The assignments of a scope: a module's top-level ones, or all of a class's (one walk)."""
    if not top_level:
        return [n for n in _walk(scope) if type(n) is cst.Assign]  # exact type: cheaper than isinstance on an ABC
    return [s for stmt in scope.body if isinstance(stmt, cst.SimpleStatementLine)
            for s in stmt.body if isinstance(s, cst.Assign)]


def _find_table(assigns: List[cst.Assign], name: str) -> Optional[FrozenSet[str]]:
    """The keys of the one dict display ``name`` is bound to among ``assigns`` (None: unknown)."""
    found = None
    for a in assigns:
        if any(dotted(t.target) == name for t in a.targets):
            keys = _dict_keys(a.value)
            if keys is None or found is not None:
                return None  # bound twice, or to something else
            found = keys
    return found


def _calls_by_name(nodes: Sequence[cst.CSTNode]) -> Dict[str, List[cst.Call]]:
    out: Dict[str, List[cst.Call]] = {}
    for node in nodes:
        if type(node) is cst.Call:  # exact type: isinstance on libcst ABCs is slow
            func = node.func
            callee = func.attr.value if type(func) is cst.Attribute else (
                func.value if type(func) is cst.Name else None)
            if callee:
                out.setdefault(callee, []).append(node)
    return out


def _param_domains(fn, calls) -> Dict[str, FrozenSet[str]]:
    """Per parameter: the constants the calls of ``fn`` in its module pass (all of them must)."""
    params = [p for p in fn.params]
    offset = 1 if fn.is_method else 0
    defaults: Dict[str, Optional[str]] = {}
    for p in fn.node.params.params:
        if p.default is not None:
            defaults[p.name.value] = _str_const(p.default)
    seen: Dict[str, set] = {}
    bad = set()
    n_calls = 0
    for node in calls:
        func = node.func
        if fn.is_method and not (type(func) is cst.Attribute and dotted(func.value) in ("self", "cls")):
            continue
        n_calls += 1
        given: Dict[str, Optional[str]] = {}
        for i, a in enumerate(node.args):
            if a.star:
                return {}
            if a.keyword is not None:
                given[a.keyword.value] = _str_const(a.value)
            elif i + offset < len(params):
                given[params[i + offset]] = _str_const(a.value)
        for p in params[offset:]:
            c = given[p] if p in given else defaults.get(p)
            if c is None:
                bad.add(p)
            else:
                seen.setdefault(p, set()).add(c)
    if not n_calls:
        return {}
    return {p: frozenset(v) for p, v in seen.items() if p not in bad and len(v) <= MAX_DOMAIN}
