"""Which local names a function may still read after each statement (backward liveness).

Path states that differ only in the value of a name no later statement reads are the
same path for every rule; :func:`prune_dead` drops such bindings at join points, so that
equal states merge (``values.dedupe``) and loops reach their fixed point. The analysis is
conservative: a name counts as read wherever it appears (an attribute name too), a write
kills a name only when it is a plain name target, every statement of a ``try`` body keeps
what the handlers and ``finally`` read, and names used by nested functions, lambdas or
classes (closures) and ``global``/``nonlocal`` names are live everywhere. A body that
calls ``locals``/``vars``/``eval``/``exec`` gets no liveness (nothing is pruned).
"""

from __future__ import annotations

from typing import Dict, FrozenSet, NamedTuple, Optional, Sequence

import libcst as cst

from .positions import cst_children, cst_walk

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_DYNAMIC = frozenset({"locals", "vars", "eval", "exec", "globals"})
_EMPTY: FrozenSet[str] = frozenset()


class _Ctx(NamedTuple):
    """What is live where control goes instead of the next statement."""

    brk: FrozenSet[str]
    cont: FrozenSet[str]
    ret: FrozenSet[str]
    exc: FrozenSet[str]


def names_in(node: cst.CSTNode) -> FrozenSet[str]:
    """Every identifier below ``node`` (a superset of the names it reads)."""
    return frozenset(n.value for n in cst_walk(node) if type(n) is cst.Name)


def _defs(target: cst.BaseExpression) -> FrozenSet[str]:
    """The plain names an assignment to ``target`` certainly rebinds."""
    if type(target) is cst.Name:
        return frozenset((target.value,))
    if type(target) in (cst.Tuple, cst.List):
        out: FrozenSet[str] = _EMPTY
        for e in target.elements:
            out |= _defs(e.value.value if type(e) is cst.StarredElement else e.value)
        return out
    return _EMPTY


class Liveness:
    """``after[id(stmt)]``: the names live after each statement of a function's blocks;
    ``always``: names never pruned. ``ok`` is False where liveness cannot be trusted."""

    def __init__(self, body: Sequence[cst.CSTNode], always: FrozenSet[str] = _EMPTY,
                 known_scopes: FrozenSet[int] = frozenset()):
        """``known_scopes``: ids of definitions whose names ``always`` already holds (a
        module's top-level functions: their names are its ``global_refs``); not walked."""
        self._names: Dict[int, FrozenSet[str]] = {}
        self.after: Dict[int, FrozenSet[str]] = {}
        self.head: Dict[int, FrozenSet[str]] = {}  # loop node -> names live at its head
        self._closure = set(always)
        self._known = known_scopes
        self.ok = True
        self.block(body, _EMPTY, _Ctx(_EMPTY, _EMPTY, _EMPTY, _EMPTY))
        self.always = frozenset(self._closure)

    def names(self, node: cst.CSTNode) -> FrozenSet[str]:
        """The identifiers below ``node``, once per node (loops are walked until their fixed
        point); on the way, closures and ``global`` names join :attr:`always`, and a dynamic
        scope (``locals()``...) turns liveness off. Every node of the body is walked once."""
        got = self._names.get(id(node))
        if got is not None:
            return got
        out = set()
        todo = [node]
        while todo:
            n = todo.pop()
            t = type(n)
            if t is cst.Name:
                out.add(n.value)
                continue
            if t in _SCOPES:
                inner = names_in(n)
                out |= inner
                self._closure |= inner
                continue
            if t is cst.Global or t is cst.Nonlocal:
                self._closure.update(x.name.value for x in n.names)
            elif t is cst.Call and type(n.func) is cst.Name and n.func.value in _DYNAMIC:
                self.ok = False
            todo.extend(cst_children(n))
        got = self._names[id(node)] = frozenset(out)
        return got

    def live_after(self, stmt: cst.CSTNode) -> Optional[FrozenSet[str]]:
        return self.after.get(id(stmt)) if self.ok else None

    # ------------------------------------------------------------------ the backward pass

    def block(self, stmts: Sequence[cst.CSTNode], out: FrozenSet[str], ctx: _Ctx) -> FrozenSet[str]:
        live = out
        for stmt in reversed(stmts):
            key = id(stmt)
            after = live | ctx.exc
            self.after[key] = self.after.get(key, _EMPTY) | after
            live = self.stmt(stmt, after, ctx) | ctx.exc
        return live

    def stmt(self, s: cst.CSTNode, out: FrozenSet[str], ctx: _Ctx) -> FrozenSet[str]:
        t = type(s)
        if t is cst.SimpleStatementLine:
            live = out
            for small in reversed(s.body):
                live = self.small(small, live, ctx)
            return live
        if t is cst.If:
            orelse = s.orelse
            if orelse is None:
                els = out
            elif type(orelse) is cst.If:
                els = self.stmt(orelse, out, ctx)
            else:
                els = self.block(_body(orelse), out, ctx)
            return self.names(s.test) | self.block(_body(s), out, ctx) | els
        if t in (cst.For, cst.While):
            return self.loop(s, out, ctx)
        if t in (cst.Try, cst.TryStar):
            return self.try_(s, out, ctx)
        if t is cst.With:
            uses = frozenset().union(*(self.names(item) for item in s.items))
            return uses | self.block(_body(s), out, ctx)
        if isinstance(s, cst.BaseSmallStatement):  # in a one-line suite (`if x: return`)
            return self.small(s, out, ctx)
        if id(s) in self._known:
            return out
        return out | self.names(s)  # match, nested defs, anything else: read all, kill nothing

    def small(self, s: cst.CSTNode, out: FrozenSet[str], ctx: _Ctx) -> FrozenSet[str]:
        t = type(s)
        if t is cst.Return:
            return ctx.ret | (self.names(s.value) if s.value is not None else _EMPTY)
        if t is cst.Raise:
            return ctx.exc | self.names(s)
        if t is cst.Break:
            return ctx.brk
        if t is cst.Continue:
            return ctx.cont
        if t is cst.Assign:
            kills: FrozenSet[str] = _EMPTY
            uses = self.names(s.value)
            for target in s.targets:
                d = _defs(target.target)
                kills |= d
                uses |= self.names(target.target) - d
            return (out - kills) | uses
        if t is cst.AnnAssign and s.value is not None:
            d = _defs(s.target)
            return (out - d) | self.names(s.value) | (self.names(s.target) - d)
        return out | self.names(s)

    def loop(self, s, out: FrozenSet[str], ctx: _Ctx) -> FrozenSet[str]:
        normal_out = self.block(_body(s.orelse), out, ctx) if s.orelse is not None else out
        is_for = type(s) is cst.For
        kills = _defs(s.target) if is_for else _EMPTY
        extra = (self.names(s.target) - kills) if is_for else self.names(s.test)
        head = normal_out | extra
        while True:
            body_in = self.block(_body(s), head, _Ctx(out, head, ctx.ret, ctx.exc))
            new = normal_out | extra | (body_in - kills) | ctx.exc
            if new == head:
                break
            head = new
        self.head[id(s)] = head | kills
        return head | (self.names(s.iter) if is_for else _EMPTY)

    def try_(self, s, out: FrozenSet[str], ctx: _Ctx) -> FrozenSet[str]:
        if s.finalbody is not None:
            fin = self.block(_body(s.finalbody), out | ctx.ret | ctx.exc | ctx.brk | ctx.cont, ctx)
            ctx = _Ctx(ctx.brk | fin, ctx.cont | fin, ctx.ret | fin, ctx.exc | fin)
            out = fin
        handlers = ctx.exc
        for h in s.handlers:
            uses = self.names(h.type) if h.type is not None else _EMPTY
            handlers |= uses | self.block(_body(h), out, ctx)
        els = self.block(_body(s.orelse), out, ctx) if s.orelse is not None else out
        body_ctx = _Ctx(ctx.brk, ctx.cont, ctx.ret, handlers)
        return self.block(_body(s), els, body_ctx) | handlers


def _body(node) -> Sequence[cst.CSTNode]:
    body = node.body
    if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        return body.body
    return ()




def prune_dead(states, live: FrozenSet[str], always: FrozenSet[str]) -> None:
    """Drop from each state the bindings of local names not in ``live`` whose value no rule can
    still see: constants, statuses already read, and handles that are dead, external,
    escaped or held by a binding that stays (an overwrite or a per-iteration check would find
    them there). Kept: an unread status (ACL501 at its overwrite), a live handle only this
    name holds (ACL104/ACL103 at its overwrite), a helper's parameter status (summaries)."""
    for st in states:
        env = st.env
        dead = [k for k in env if k not in live and k not in always and "." not in k and "[" not in k]
        if not dead:
            continue
        held = None
        for k in dead:
            v = env[k]
            if v is None or _inert(v, st):
                del env[k]
                continue
            rids = st.rids_of(v)
            res = st.ts.res
            risky = [r for r in rids if r in res and res[r].live and not res[r].external and not res[r].escaped]
            if risky:
                if held is None:
                    held = set()
                    for k2, v2 in env.items():
                        if k2 not in dead and v2 is not None:
                            held |= st.rids_of(v2)
                if not held.issuperset(risky):
                    continue
            if not _statuses_read(v, st):
                continue
            del env[k]


def _inert(v, st) -> bool:
    tag = v[0]
    if tag == "c" or tag == "n":
        return True
    if tag == "s":
        return _status_read(v[1], st)
    if tag == "t" or tag == "z":
        return all(x is None or _inert(x, st) for x in v[1])
    return False


def _status_read(sid, st) -> bool:
    if type(sid) is tuple and sid and sid[0] == "param":
        return False
    rec = st.status.get(sid)
    return rec is None or rec.read


def _statuses_read(v, st) -> bool:
    """No unread status inside ``v`` (a tuple's items)."""
    if v is None:
        return True
    if v[0] == "s":
        return _status_read(v[1], st)
    if v[0] in ("t", "z"):
        return all(_statuses_read(x, st) for x in v[1])
    return True
