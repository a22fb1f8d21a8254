"""Statements: blocks, simple statements, branches, loops, try/finally, with, match.

The control-flow graph is implicit: statements are interpreted in order over a *set*
of path states; ``if`` splits the set by what the condition says about return codes
and handles, loops run their body ``LOOP_UNROLL`` times (enough to see a handle
acquired in one iteration and lost in the next), ``try`` routes raised states to the
handlers and every exit through ``finally``.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

import libcst as cst

from ..joins import forget_released, widen
from ..liveness import Liveness, prune_dead
from .loop_tests import continue_keeps_test
from ..values import Elem, Handles, LOOP_UNROLL, NULLV, Outcome, PState, Tup, UNKNOWN, dedupe

#: compound statements interpreted over the whole set of path states at once
COMPOUND = {cst.If: "s_If", cst.For: "s_For", cst.While: "s_While", cst.Try: "s_Try", cst.TryStar: "s_Try",
            cst.With: "s_With"}


def _fresh(states: List[PState], seen: set) -> List[PState]:
    """The states whose ``head_key`` has not been seen at the loop head (and remember them)."""
    out = []
    for s in states:
        k = s.head_key()
        if k not in seen:
            seen.add(k)
            out.append(s)
    return out



def _holds(v, st: PState) -> bool:
    """Whether a value holds a handle or a status (what a nested scope can capture)."""
    if v is None:
        return False
    if v[0] == "s":
        return True
    if v[0] == "t":
        return any(_holds(x, st) for x in v[1])
    return bool(st.rids_of(v))


class Statements:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def exec_block(self, stmts: Sequence[cst.CSTNode], states: List[PState]) -> Outcome:
        out = Outcome()
        cur = states
        for stmt in stmts:
            if not cur:
                break
            nxt: List[PState] = []
            compound = COMPOUND.get(type(stmt))
            outcomes = ([getattr(self, compound)(stmt, cur)] if compound is not None
                        else [self.exec_stmt(stmt, st) for st in cur])
            for o in outcomes:
                # a path that ended inside the statement (sys.exit, a check that must fail) stops here
                nxt.extend(x for x in o.normal if not x.dead)
                out.extend(o, normal=False)
            if len(nxt) > 1:
                self.prune(nxt, self.liveness().live_after(stmt))
                cur = self.join(nxt)
            else:
                cur = nxt
        out.normal.extend(cur)
        return out

    def body_of(self, node) -> Sequence[cst.CSTNode]:
        body = node.body
        if isinstance(body, cst.IndentedBlock):
            return body.body
        if isinstance(body, cst.SimpleStatementSuite):
            return body.body
        return ()

    def exec_stmt(self, stmt: cst.CSTNode, st: PState) -> Outcome:
        self.cur = st
        t = type(stmt)
        if t is not cst.SimpleStatementLine:
            self.cur_stmt = stmt
        if t is cst.SimpleStatementLine:
            return self.exec_block(stmt.body, [st])
        compound = COMPOUND.get(t)
        if compound is not None:
            return getattr(self, compound)(stmt, [st])
        handler = getattr(self, "s_" + t.__name__, None)
        if handler is None:
            self.eval_children(stmt, st)
            return Outcome(normal=[st])
        return handler(stmt, st)

    def liveness(self) -> Liveness:
        """The function's :class:`Liveness` (computed once per function, shared by its runs)."""
        lv = self.__dict__.get("_liveness")
        if lv is None:
            cache = self.host.__dict__.setdefault("_liveness", {})
            node = self.fn.node if self.fn is not None else self.mod.tree
            lv = cache.get(id(node))
            if lv is None:
                body = self.body_of(node) if self.fn is not None else node.body
                if self.fn is None:  # module level: what its functions read is always live
                    known = frozenset(id(s) for s in body if type(s) in (cst.FunctionDef, cst.ClassDef))
                    lv = Liveness(body, frozenset(self.mod.global_refs), known)
                else:
                    lv = Liveness(body)
                cache[id(node)] = lv
            self._liveness = lv
        return lv

    def forget_liveness(self) -> None:
        """Memory: the function's :class:`Liveness` once its run is done (a later run computes it again)."""
        lv = self.__dict__.pop("_liveness", None)
        cache = self.host.__dict__.get("_liveness")
        if lv is not None and cache is not None:
            cache.pop(id(self.fn.node if self.fn is not None else self.mod.tree), None)

    def prune(self, states: List[PState], live) -> None:
        """Bindings no later statement reads dropped (``liveness.prune_dead``): equal paths merge."""
        if live is not None:
            prune_dead(states, live, self.liveness().always | self.global_names)
            for st in states:
                forget_released(st)

    def join(self, states: List[PState]) -> List[PState]:
        """Equal states merged; a cut over the path budget is remembered (ACL003, never silent)."""
        before = len(self.cuts)
        out = dedupe(states, self.cuts)
        if len(self.cuts) > before and self.cur_stmt is not None:
            self.cut_sites.append(self.site(self.cur_stmt))
        return out

    def s_Expr(self, node: cst.Expr, st: PState) -> Outcome:
        out = Outcome()
        v = self.ev(node.value, st, out)
        if type(node.value) is cst.Call and isinstance(v, tuple):
            self.discard(v, st, node.value)
        out.normal.insert(0, st)
        return out

    def s_Assign(self, node: cst.Assign, st: PState) -> Outcome:
        out = Outcome()
        target_name = self.target_name(node.targets[0].target) if node.targets else ""
        v = self.ev(node.value, st, out, target_name)
        for t in node.targets:
            self.assign(t.target, v, st, node)
        out.normal.insert(0, st)
        return out

    def s_AnnAssign(self, node: cst.AnnAssign, st: PState) -> Outcome:
        out = Outcome()
        if node.value is not None:
            v = self.ev(node.value, st, out, self.target_name(node.target))
            self.assign(node.target, v, st, node)
        out.normal.insert(0, st)
        return out

    def s_AugAssign(self, node: cst.AugAssign, st: PState) -> Outcome:
        out = Outcome()
        self.ev(node.target, st, out)
        self.ev(node.value, st, out)
        self.assign(node.target, UNKNOWN, st, node)
        out.normal.insert(0, st)
        return out

    def s_Return(self, node: cst.Return, st: PState) -> Outcome:
        out = Outcome()
        v = self.ev(node.value, st, out) if node.value is not None else NULLV
        self.escape(v, st, "returned")
        self.mark_read(v, st)
        st.exit_site = self.site(node)
        st.returned = v
        out.ret.insert(0, st)
        return out

    def s_Raise(self, node: cst.Raise, st: PState) -> Outcome:
        out = Outcome()
        if node.exc is not None:
            self.ev(node.exc, st, out)
        st.err = True
        st.exit_site = self.site(node)
        out.exc.insert(0, st)
        return out

    def s_Assert(self, node: cst.Assert, st: PState) -> Outcome:
        out = Outcome()
        self.ev(node.test, st, out)
        for f in self.refine(node.test, st.copy(), False):
            f.err = True
            f.exit_site = self.site(node)
            out.exc.append(f)
        out.normal = self.refine(node.test, st, True) + out.normal
        return out

    def s_Pass(self, node, st):
        return Outcome(normal=[st])

    def s_Break(self, node, st):
        return Outcome(brk=[st])

    def s_Continue(self, node, st):
        return Outcome(cont=[st])

    def s_Global(self, node: cst.Global, st: PState) -> Outcome:
        for n in node.names:
            self.global_names.add(n.name.value)
        return Outcome(normal=[st])

    s_Nonlocal = s_Global

    def s_Import(self, node, st):
        return Outcome(normal=[st])

    s_ImportFrom = s_Import

    def s_Del(self, node: cst.Del, st: PState) -> Outcome:
        self.deleted(node, st)
        return Outcome(normal=[st])

    def s_FunctionDef(self, node: cst.FunctionDef, st: PState) -> Outcome:
        self.capture(node, st)
        st.env[node.name.value] = UNKNOWN
        return Outcome(normal=[st])

    def s_ClassDef(self, node: cst.ClassDef, st: PState) -> Outcome:
        self.capture(node, st)
        st.env[node.name.value] = UNKNOWN
        return Outcome(normal=[st])

    def capture(self, node: cst.CSTNode, st: PState) -> None:
        """Handles referenced by a nested function, class or lambda escape into it."""
        held = [(key, v) for key, v in st.env.items() if _holds(v, st)]
        if not held:  # (escaping and reading touch only handles and statuses)
            return
        names = self.mod.positions.names_used(node if not type(node) is cst.Lambda else self.cur_stmt)
        for key, v in held:
            if key.split(".", 1)[0] in names:
                self.escape(v, st, "captured")
                self.mark_read(v, st)

    def s_If(self, node: cst.If, states: List[PState]) -> Outcome:
        """Each state is refined by the test; each branch then runs once over all the states that
        take it, so paths are not multiplied by what follows inside the branch."""
        self.cur_stmt = node
        out = Outcome()
        t_states: List[PState] = []
        f_states: List[PState] = []
        touches = False  # does the test decide a resource's fate (a step worth showing)?
        for st in states:
            self.cur = st
            self.ev(node.test, st, out)
            touches = touches or self.touches_acl(node.test, st)
            t_states.extend(self.refine(node.test, st.copy(), True))
            f_states.extend(self.refine(node.test, st, False))
        self.note_decided(node, t_states, f_states)
        if t_states:
            self._branch(node.test, t_states, True, touches)
            out.extend(self.exec_block(self.body_of(node), self.join(t_states)))
        if f_states:
            if node.orelse is None:
                out.normal.extend(f_states)
            else:
                self._branch(node.test, f_states, False, touches)
                if isinstance(node.orelse, cst.If):
                    out.extend(self.s_If(node.orelse, self.join(f_states)))
                else:
                    out.extend(self.exec_block(self.body_of(node.orelse), self.join(f_states)))
        out.normal = self.join(out.normal)
        return out

    def _branch(self, test: cst.BaseExpression, states: List[PState], truth: bool, touches: bool) -> None:
        text = CondText(self, test, truth, touches)
        site = self.site(test)
        for s in states:
            s.add_trace(site, text, "branch")

    def cond_text(self, test: cst.BaseExpression, truth: bool) -> str:
        code = self.mod.positions.code(test).strip().replace("\n", " ")
        if len(code) > 60:
            code = code[:57] + "..."
        return f"taken: `{code}`" if truth else f"not taken: `{code}`"

    def run_loop(self, node, states: List[PState], bind: Callable[[PState], List[PState]],
                 exit_refine: Optional[Callable[[PState], List[PState]]], at_least_once: bool,
                 infinite: bool, bind_is_for: bool = False, cont_exits: bool = True) -> Outcome:
        """The body runs over the states at the loop head until no new one arrives there (by
        ``head_key``), at most ``LOOP_UNROLL`` times: enough to see a handle acquired in one
        iteration and lost in the next, and no more for loops whose iterations look alike."""
        out = Outcome()
        exits: List[PState] = []
        cur = states
        zero_trip: List[PState] = []
        head_live = self.liveness().head.get(id(node)) if self.liveness().ok else None
        self.prune(cur, head_live)
        if not at_least_once and not infinite:
            zero_trip = [s.copy() for s in cur]
        seen = {s.head_key() for s in cur}
        self.loop_depth += 1
        try:
            for n in range(LOOP_UNROLL):
                entry: List[PState] = []
                for s in cur:
                    entry.extend(bind(s))
                if not entry:
                    break
                releases_before = self.release_count
                o = self.exec_block(self.body_of(node), entry)
                if n == 0 and self.release_count != releases_before and bind_is_for:
                    # a loop whose body releases handles is a teardown loop: it runs over
                    # what there is, so the path that skips it is not a real one
                    zero_trip = []
                out.ret.extend(o.ret)
                out.exc.extend(o.exc)
                out.brk.extend(o.brk)
                staying = [] if cont_exits else o.cont  # a `continue` that cannot leave (loop_tests.py)
                cur = o.normal + o.cont
                self.prune(cur, head_live)
                cur = self.join(cur)
                if not infinite:
                    exits.extend(s.copy() for s in cur if not any(s is x for x in staying))
                cur = _fresh(cur, seen)
                if not cur:
                    break
        finally:
            self.loop_depth -= 1
        exits = zero_trip + exits
        if exit_refine is not None:
            exits = [x for s in exits for x in exit_refine(s)]
        normal = self.join(widen(exits))
        if node.orelse is not None and normal:
            eo = self.exec_block(self.body_of(node.orelse), normal)
            out.extend(eo)
            normal = eo.normal
        out.normal = self.join(normal + out.brk)
        out.brk = []
        return out

    def s_For(self, node: cst.For, states: List[PState]) -> Outcome:
        pre = Outcome()
        elems = {}
        at_least_once = True
        literal_out = Outcome()
        general: List[PState] = []
        for st in states:
            self.cur = st
            items = self.literal_items(node, st, pre)
            if items is not None:  # a short literal of handles: the body once per element
                literal_out.extend(self.run_literal_for(node, st, items))
                continue
            general.append(st)
            itv = self.ev(node.iter, st, pre)
            # a non-empty literal, or a container that holds resources on this path, is not empty
            at_least_once = at_least_once and (
                isinstance(node.iter, (cst.List, cst.Tuple)) and len(node.iter.elements) > 0
                or (itv is not None and itv[0] in ("b", "e") and bool(st.boxes.get(itv[1]))))
            elems[id(st)] = self.iter_elem(itv, st)
        if not general:
            literal_out.extend(pre, normal=False)
            return literal_out

        def bind(s: PState) -> List[PState]:
            self.assign(node.target, elems.get(id(s), UNKNOWN), s, node, loop_bind=True)
            return [s]

        out = self.run_loop(node, general, bind, None, at_least_once, False, bind_is_for=True)
        out.extend(pre, normal=False)
        if literal_out.normal or literal_out.ret or literal_out.exc or literal_out.brk or literal_out.cont:
            out.extend(literal_out)
            out.normal = self.join(out.normal)
        return out

    def iter_elem(self, v, st: PState):
        if v is None:
            return UNKNOWN
        if v[0] == "z":
            return Tup(tuple(self.iter_elem(x, st) for x in v[1]))
        if v[0] in ("b", "e"):
            return Elem(v[1])
        if v[0] == "t":
            rids = st.rids_of(v)
            if rids:
                return Handles(rids)
        if v[0] == "r":
            if all(st.ts.res.get(r) is not None and st.ts.res[r].external for r in v[1]):
                # iterating a handle container from outside: its elements stand for it
                bid = ("extbox",) + tuple(sorted(map(str, v[1])))
                st.boxes[bid] = v[1]
                return Elem(bid)
            return v
        return UNKNOWN

    def s_While(self, node: cst.While, states: List[PState]) -> Outcome:
        pre = Outcome()
        for st in states:
            self.cur = st
            self.ev(node.test, st, pre)
        infinite = type(node.test) is cst.Name and node.test.value == "True" or (
            type(node.test) is cst.Integer and node.test.value != "0")

        def bind(s: PState) -> List[PState]:
            return self.refine(node.test, s, True)

        def ends(s: PState) -> List[PState]:
            return self.refine(node.test, s, False)

        stays = self.fn is not None and continue_keeps_test(node, self.fn.node, self.fn_params)
        out = self.run_loop(node, states, bind, ends, False, infinite, cont_exits=not stays)
        out.extend(pre, normal=False)
        return out

    def s_Try(self, node: cst.Try, states: List[PState]) -> Outcome:
        body = self.exec_block(self.body_of(node), states)
        out = Outcome(ret=body.ret, brk=body.brk, cont=body.cont)
        if node.handlers and body.exc:
            raised = self.join(body.exc)
            for h in node.handlers:
                hs = [s.copy() for s in raised]
                for s in hs:
                    s.err = True
                    if h.name is not None and type(h.name.name) is cst.Name:
                        s.env[h.name.name.value] = UNKNOWN
                out.extend(self.exec_block(self.body_of(h), hs))
        else:
            out.exc.extend(body.exc)
        normal = body.normal
        if node.orelse is not None and normal:
            eo = self.exec_block(self.body_of(node.orelse), normal)
            out.extend(eo)
        else:
            out.normal.extend(normal)
        if node.finalbody is None:
            out.normal = self.join(out.normal)
            return out
        return self.run_finally(node.finalbody, out)

    s_TryStar = s_Try

    def run_finally(self, fin: cst.Finally, o: Outcome) -> Outcome:
        res = Outcome()
        for cat in ("normal", "ret", "exc", "brk", "cont"):
            states = getattr(o, cat)
            if not states:
                continue
            fo = self.exec_block(self.body_of(fin), self.join(states) if cat == "normal" else states)
            res.extend(fo, normal=False)
            for s in fo.normal:
                getattr(res, cat).append(s)
        res.normal = self.join(res.normal)
        return res

    def s_With(self, node: cst.With, states: List[PState]) -> Outcome:
        out = Outcome()
        for st in states:
            self.cur = st
            for item in node.items:
                v = self.ev(item.item, st, out)
                if item.asname is not None:
                    self.assign(item.asname.name, v, st, node)
        out.extend(self.exec_block(self.body_of(node), states))
        return out

    def s_Match(self, node, st: PState) -> Outcome:
        out = Outcome()
        self.ev(node.subject, st, out)
        for case in node.cases:
            out.extend(self.exec_block(self.body_of(case), [st.copy()]))
        out.normal.append(st)
        out.normal = self.join(out.normal)
        return out


class CondText:
    """The text of a branch taken, rendered only if a message shows it. ``acl``: the test reads a
    status or a handle (it can decide a resource's fate); other tests are shown in a leaking
    path only when they are the last branch before the exit."""

    __slots__ = ("interp", "node", "truth", "acl")

    def __init__(self, interp, node, truth, acl: bool = True):
        self.interp, self.node, self.truth, self.acl = interp, node, truth, acl

    def __str__(self) -> str:
        return self.interp.cond_text(self.node, self.truth)

    def __format__(self, spec) -> str:
        return format(str(self), spec)

