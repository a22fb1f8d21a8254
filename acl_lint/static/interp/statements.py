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

from ..values import Elem, Handles, LOOP_UNROLL, NULLV, Outcome, PState, Tup, UNKNOWN, dedupe



class Statements:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def exec_block(self, stmts: Sequence[cst.CSTNode], states: List[PState]) -> Outcome:
        out = Outcome()
        cur = states
        for stmt in stmts:
            if not cur:
                break
            nxt: List[PState] = []
            for st in cur:
                o = self.exec_stmt(stmt, st)
                # a path that ended inside the statement (sys.exit, a check that must fail) stops here
                nxt.extend(x for x in o.normal if not x.dead)
                out.extend(o, normal=False)
            cur = dedupe(nxt) if len(nxt) > 1 else nxt
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
        handler = getattr(self, "s_" + t.__name__, None)
        if handler is None:
            self.eval_children(stmt, st)
            return Outcome(normal=[st])
        return handler(stmt, st)

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
        if not any(v is not None and v[0] in ("r", "b", "e", "t", "s") for v in st.env.values()):
            return
        names = self.mod.positions.names_used(node if not type(node) is cst.Lambda else self.cur_stmt)
        for key, v in list(st.env.items()):
            if key.split(".", 1)[0] in names:
                self.escape(v, st, "captured")
                self.mark_read(v, st)

    def s_If(self, node: cst.If, st: PState) -> Outcome:
        self.cur_stmt = node
        out = Outcome()
        self.ev(node.test, st, out)
        t_states = self.refine(node.test, st.copy(), True)
        f_states = self.refine(node.test, st, False)
        if t_states:
            text = CondText(self, node.test, True)
            for s in t_states:
                s.add_trace(self.site(node.test), text, "branch")
            out.extend(self.exec_block(self.body_of(node), t_states))
        if f_states:
            if node.orelse is None:
                out.normal.extend(f_states)
            else:
                text = CondText(self, node.test, False)
                for s in f_states:
                    s.add_trace(self.site(node.test), text, "branch")
                if isinstance(node.orelse, cst.If):
                    for s in f_states:
                        out.extend(self.s_If(node.orelse, s))
                else:
                    out.extend(self.exec_block(self.body_of(node.orelse), f_states))
        out.normal = dedupe(out.normal)
        return out

    def cond_text(self, test: cst.BaseExpression, truth: bool) -> str:
        code = self.mod.positions.code(test).strip().replace("\n", " ")
        if len(code) > 60:
            code = code[:57] + "..."
        return f"taken: `{code}`" if truth else f"not taken: `{code}`"

    def run_loop(self, node, states: List[PState], bind: Callable[[PState], List[PState]],
                 exit_refine: Optional[Callable[[PState], List[PState]]], at_least_once: bool,
                 infinite: bool, bind_is_for: bool = False) -> Outcome:
        out = Outcome()
        exits: List[PState] = []
        cur = states
        zero_trip: List[PState] = []
        if not at_least_once and not infinite:
            zero_trip = [s.copy() for s in cur]
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
                cur = dedupe(o.normal + o.cont)
                if not infinite:
                    exits.extend(s.copy() for s in cur)
                if not cur:
                    break
        finally:
            self.loop_depth -= 1
        exits = zero_trip + exits
        if exit_refine is not None:
            exits = [x for s in exits for x in exit_refine(s)]
        normal = dedupe(exits)
        if node.orelse is not None and normal:
            eo = self.exec_block(self.body_of(node.orelse), normal)
            out.extend(eo)
            normal = eo.normal
            out.normal = []
        else:
            out.normal = []
        out.normal = dedupe(normal + out.brk)
        out.brk = []
        return out

    def s_For(self, node: cst.For, st: PState) -> Outcome:
        pre = Outcome()
        items = self.literal_items(node, st, pre)
        if items is not None:
            out = self.run_literal_for(node, st, items)
            out.extend(pre, normal=False)
            return out
        itv = self.ev(node.iter, st, pre)
        literal = isinstance(node.iter, (cst.List, cst.Tuple)) and len(node.iter.elements) > 0
        # a container that holds resources on this path is not empty
        literal = literal or (itv is not None and itv[0] in ("b", "e") and bool(st.boxes.get(itv[1])))
        elem = self.iter_elem(itv, st)

        def bind(s: PState) -> List[PState]:
            self.assign(node.target, elem, s, node, loop_bind=True)
            return [s]

        out = self.run_loop(node, [st], bind, None, literal, False, bind_is_for=True)
        out.extend(pre, normal=False)
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

    def s_While(self, node: cst.While, st: PState) -> Outcome:
        pre = Outcome()
        self.ev(node.test, st, pre)
        infinite = type(node.test) is cst.Name and node.test.value == "True" or (
            type(node.test) is cst.Integer and node.test.value != "0")

        def bind(s: PState) -> List[PState]:
            return self.refine(node.test, s, True)

        def ends(s: PState) -> List[PState]:
            return self.refine(node.test, s, False)

        out = self.run_loop(node, [st], bind, ends, False, infinite)
        out.extend(pre, normal=False)
        return out

    def s_Try(self, node: cst.Try, st: PState) -> Outcome:
        body = self.exec_block(self.body_of(node), [st])
        out = Outcome(ret=body.ret, brk=body.brk, cont=body.cont)
        if node.handlers and body.exc:
            raised = dedupe(body.exc)
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
            out.normal = dedupe(out.normal)
            return out
        return self.run_finally(node.finalbody, out)

    s_TryStar = s_Try

    def run_finally(self, fin: cst.Finally, o: Outcome) -> Outcome:
        res = Outcome()
        for cat in ("normal", "ret", "exc", "brk", "cont"):
            states = getattr(o, cat)
            if not states:
                continue
            fo = self.exec_block(self.body_of(fin), dedupe(states) if cat == "normal" else states)
            res.extend(fo, normal=False)
            for s in fo.normal:
                getattr(res, cat).append(s)
        res.normal = dedupe(res.normal)
        return res

    def s_With(self, node: cst.With, st: PState) -> Outcome:
        out = Outcome()
        for item in node.items:
            v = self.ev(item.item, st, out)
            if item.asname is not None:
                self.assign(item.asname.name, v, st, node)
        body = self.exec_block(self.body_of(node), [st])
        out.extend(body)
        return out

    def s_Match(self, node, st: PState) -> Outcome:
        out = Outcome()
        self.ev(node.subject, st, out)
        for case in node.cases:
            out.extend(self.exec_block(self.body_of(case), [st.copy()]))
        out.normal.append(st)
        out.normal = dedupe(out.normal)
        return out


class CondText:
    """The text of a branch taken, rendered only if a message shows it."""

    __slots__ = ("interp", "node", "truth")

    def __init__(self, interp, node, truth):
        self.interp, self.node, self.truth = interp, node, truth

    def __str__(self) -> str:
        return self.interp.cond_text(self.node, self.truth)

    def __format__(self, spec) -> str:
        return format(str(self), spec)

