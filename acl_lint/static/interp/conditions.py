"""Conditions: refining path states by what a test says about statuses and handles
(a failed status means nothing was acquired; pyACL handles are 0, never None, on failure)."""

from __future__ import annotations

from typing import Hashable, Iterable, List

import libcst as cst

from ..positions import cst_children, cst_walk
from ..positions import cst_dotted as dotted
from ..values import Const, NULLV, PState, UNKNOWN, ZERO



class Conditions:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def refine(self, test: cst.BaseExpression, st: PState, truth: bool) -> List[PState]:
        """The states in which ``test`` evaluates to ``truth`` (empty when infeasible)."""
        if type(test) is cst.UnaryOperation and isinstance(test.operator, cst.Not):
            return self.refine(test.expression, st, not truth)
        if type(test) is cst.BooleanOperation:
            is_and = isinstance(test.operator, cst.And)
            if not is_and:
                self.note_redundant_null_checks(test, st)
            if is_and == truth:
                # both sides hold (and/True) or both fail (or/False)
                out = []
                for s in self.refine(test.left, st, truth):
                    out.extend(self.refine(test.right, s, truth))
                return out
            # either side decides
            out = self.refine(test.left, st.copy(), truth)
            for s in self.refine(test.left, st, not truth):
                out.extend(self.refine(test.right, s, truth))
            return self.join(out)
        if type(test) is cst.Comparison and len(test.comparisons) == 1:
            narrowed = self.refine_domain(test, st, truth)
            if narrowed is not None:
                return narrowed
            comp = test.comparisons[0]
            op = comp.operator
            left, right = test.left, comp.comparator
            lv, rv = self.peek(left, st), self.peek(right, st)
            if self.is_zero_expr(right, rv) and not self.is_zero_expr(left, lv):
                subject, sv = left, lv
            elif self.is_zero_expr(left, lv):
                subject, sv = right, rv
                if isinstance(op, (cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual)):
                    op = {cst.LessThan: cst.GreaterThan(), cst.GreaterThan: cst.LessThan(),
                          cst.LessThanEqual: cst.GreaterThanEqual(),
                          cst.GreaterThanEqual: cst.LessThanEqual()}[type(op)]
            else:
                return [st]
            if isinstance(op, (cst.Equal, cst.Is)):
                is_zero = truth
            elif isinstance(op, (cst.NotEqual, cst.IsNot, cst.GreaterThan, cst.LessThan)):
                is_zero = not truth
            elif isinstance(op, (cst.GreaterThanEqual, cst.LessThanEqual)):
                if truth:
                    return [st]
                is_zero = False
            else:
                return [st]
            none_cmp = isinstance(op, (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual)) and (
                type(right) is cst.Name and right.value == "None" or
                type(left) is cst.Name and left.value == "None")
            if none_cmp and self.dead_null_check(test, subject, sv, st):
                return [st] if not is_zero else []  # never None: `is None` false, `is not None` true
            zero_side = right if subject is left else left
            success = isinstance(zero_side, (cst.Name, cst.Attribute)) and (
                (zero_side.value if type(zero_side) is cst.Name else zero_side.attr.value)
                in self.zero_names)
            return self.assume_zero(subject, sv, st, is_zero, none_cmp, success)
        if isinstance(test, (cst.Name, cst.Attribute, cst.Subscript)):
            v = self.peek(test, st)
            if not self.refine_flag(test, v, st, truth):
                return []  # this path already took the other side of the same unchanged flag
            return self.assume_zero(test, v, st, not truth, False)
        if type(test) is cst.NamedExpr:
            return self.refine(test.target, st, truth)
        if type(test) is cst.Call and dotted(test.func) in ("len", "bool"):
            return [st]
        if type(test) is cst.Call:
            return self.refine_verdict(test, st, truth)
        return [st]

    def dead_null_check(self, test: cst.Comparison, subject, v, st: PState) -> bool:
        """``h is None`` / ``h is not None`` on a handle that pyACL returned (directly, or through a
        project helper whose every return path returns such a handle): pyACL returns 0 on failure,
        never None, so the test has one truth. A helper that checked the handle before returning
        it (it raises on failure) returns neither: its caller's test is dead but harmless, and the
        `is None` branch is pruned by ``assume_zero`` (the handle is on ``st.nonnull``). Whether the check is dead is decided over every
        path that reaches it (ACL503 at the end of the function: see ``flush_null_checks``)."""
        api = ""
        if v is not None and v[0] == "r" and v[1]:
            for rid in v[1]:
                res = st.ts.res.get(rid)
                if (isinstance(rid, tuple) and rid and rid[0] == "ext") or rid in self.maybe_none \
                        or rid in self.checked_returns or res is None or res.external or not res.api:
                    api = ""
                    break
                api = res.api
        seen = self.null_checks.get(test)
        if seen is None:
            seen = self.null_checks[test] = [None, set(), subject, self.site(test)]
        if api and dotted(subject) in self.try_guards().get(id(test), ()):
            api = ""  # its own None from before the try reaches the test when the try body raises
        if not api:
            seen[0] = False
            return False
        if seen[0] is None:
            seen[0] = True
        seen[1].add(api)
        return True

    def flush_null_checks(self) -> None:
        """ACL503 for every `is None` test that only ever saw pyACL handles."""
        from ... import diagnostics as dx

        for test, (dead, apis, subject, site) in self.null_checks.items():
            if dead and id(test) not in self.redundant_null_checks:
                op = test.comparisons[0].operator
                code = self.mod.positions.code(subject).strip()
                self.cur = None
                d = dx.null_check_never_true(sorted(apis)[0], code, isinstance(op, (cst.IsNot, cst.NotEqual)),
                                             self.mod.positions.code(test).strip().removeprefix("(").removesuffix(")")
                                             if test.lpar else self.mod.positions.code(test).strip())
                self._emit(d.code, site, d.message, None, d.related)

    def note_redundant_null_checks(self, test: cst.BooleanOperation, st: PState) -> None:
        """`h is None or ret != 0` where `ret` is the status of the call that returned `h`: the
        dead half is harmless, the other disjunct already catches the failure (not reported)."""
        parts = list(_disjuncts(test))
        for i, part in enumerate(parts):
            if not (type(part) is cst.Comparison and len(part.comparisons) == 1
                    and any(type(x) is cst.Name and x.value == "None" for x in (part.left, part.comparisons[0].comparator))):
                continue
            subject = part.left if not (type(part.left) is cst.Name and part.left.value == "None") \
                else part.comparisons[0].comparator
            v = self.peek(subject, st)
            rids = set(v[1]) if v is not None and v[0] == "r" and v[1] else set()
            if rids and any(self._reads_status_of(other, rids, st) for j, other in enumerate(parts) if j != i):
                self.redundant_null_checks.add(id(part))

    def _reads_status_of(self, expr, rids, st: PState) -> bool:
        for node in cst_walk(expr):
            if type(node) is cst.Name or type(node) is cst.Attribute:
                v = self.peek(node, st) if type(node) is cst.Name or dotted(node) in st.env else None
                if v is not None and v[0] == "s":
                    rec = st.status.get(v[1])
                    if rec is not None and set(rec.rids) & rids:
                        return True
        return False

    def try_guards(self) -> dict:
        """id(test) -> names tested there that were set to None and are assigned inside a `try`
        whose handlers or finally hold the test: an exception before the assignment brings the
        None to the test, so `x is not None` there is a real guard (computed once per function)."""
        if self._try_guards is not None:
            return self._try_guards
        root = self.fn.node if self.fn is not None else self.mod.tree
        nodes = self.mod.positions.nodes(root)
        nones = {dotted(t.target) for n in nodes if type(n) is cst.Assign and type(n.value) is cst.Name
                 and n.value.value == "None" for t in n.targets} - {""}
        guards: dict = {}
        for n in nodes:
            if not isinstance(n, cst.Try) or not nones:
                continue
            assigned = {dotted(x) for a in cst_walk(n.body) if type(a) is cst.Assign for t in a.targets
                        for x in _targets(t.target)} & nones
            for part in ([*n.handlers] + ([n.finalbody] if n.finalbody is not None else [])) if assigned else ():
                for c in cst_walk(part):
                    if type(c) is cst.Comparison:
                        guards.setdefault(id(c), set()).update(assigned)
        self._try_guards = guards
        return guards

    def touches_acl(self, test: cst.BaseExpression, st: PState) -> bool:
        """Does a test read a status, a handle or a call (a check helper's verdict)? A test of
        plain values (`soc_version == "Ascend310P3"`) does not decide a resource's fate."""
        todo = [test]
        while todo:
            node = todo.pop()
            if type(node) is cst.Call:
                return True
            if isinstance(node, (cst.Name, cst.Attribute)):
                v = self.peek(node, st) if type(node) is cst.Name or dotted(node) in st.env else None
                if v is not None and v[0] == "s" or _looks_like_status(node) or self._handle_value(v, st):
                    return True
                if type(node) is cst.Name and node.value in self.zero_names:
                    continue
            todo.extend(c for c in cst_children(node) if isinstance(c, cst.BaseExpression))
        return False

    def _handle_value(self, v, st: PState) -> bool:
        """A value holding a handle of a known kind (a parameter of unknown use is not one)."""
        if v is None or v[0] not in ("r", "t", "b", "e"):
            return False
        for rid in st.rids_of(v):
            res = st.ts.res.get(rid)
            if res is not None and (not res.external or res.kind in self.p.kinds):
                return True
        return False

    def refine_verdict(self, test: cst.Call, st: PState, truth: bool) -> List[PState]:
        """`if check_ret("malloc", ret):` where the project helper returns truthy exactly when
        its status argument is non-zero: the test says whether that status failed."""
        name = dotted(test.func)
        fn, bound_self = self.host.resolver.resolve_call(self.mod, self.fn, test.func, name, True)
        summ = self.host.summaries.of(fn) if fn is not None else None
        if summ is None or not summ.verdicts:
            return [st]
        params = list(summ.params)
        offset = 1 if bound_self is not None else 0
        states = [st]
        for pos, a in enumerate(test.args):
            if a.star:
                continue
            pi = pos + offset if a.keyword is None else (
                params.index(a.keyword.value) if a.keyword.value in params else -1)
            if 0 <= pi < len(params) and params[pi] in summ.verdicts:
                v = self.peek(a.value, st)
                if v is not None and v[0] == "s":
                    states = [x for s in states for x in self.assume_zero(a.value, v, s, not truth, False)]
        return states

    def is_zero_expr(self, node: cst.BaseExpression, v) -> bool:
        if type(node) is cst.Integer and node.value == "0":
            return True
        if type(node) is cst.Name and node.value in ("None", "False"):
            return True
        if v is not None and v[0] == "c" and v[1] in (0, None, False):
            return True
        if isinstance(node, (cst.Name, cst.Attribute)):
            last = node.value if type(node) is cst.Name else node.attr.value
            if last in self.zero_names and (v is None or v[0] == "c"):
                return True
        return False

    def assume_zero(self, node, v, st: PState, is_zero: bool, none_cmp: bool, success_const: bool = False
                    ) -> List[PState]:
        """Refine ``st`` assuming the expression ``node`` (value ``v``) is zero/None or not."""
        if v is None:
            # an unknown value compared with ACL_SUCCESS, or named like a status: its non-zero
            # branch is an error path (`ret = helper(); if ret != ACL_SUCCESS: return`)
            if not is_zero and not none_cmp and (success_const or _looks_like_status(node)):
                st.err = True
            return [st]
        tag = v[0]
        if tag == "c":
            val_zero = v[1] in (0, None, False, "")
            return [st] if val_zero == is_zero else []
        if tag == "s":
            rec = st.status.get(v[1])
            if rec is not None:
                rec.read = True
            sid = v[1]
            self.ever_read.add(sid)
            self.ever_checked.add(sid)
            if sid in st.assume and st.assume[sid] != ("ok" if is_zero else "failed"):
                return []
            st.assume[sid] = "ok" if is_zero else "failed"
            if is_zero and rec is not None and rec.rids:
                st.nonnull = st.nonnull | rec.rids
            if not is_zero and rec is not None:
                self.fail_resources(st, rec.rids)
                if rec.linked:
                    self.machine.unlink(st.ts, rec.linked)
                st.err = True
            return [st]
        if tag == "r":
            if is_zero and v[1] and all(r in st.nonnull for r in v[1]):
                return []  # checked non-null before: this branch cannot be taken
            if not is_zero:
                # a local handle seen non-null stays so (a container from outside may empty)
                st.nonnull = st.nonnull | frozenset(
                    r for r in v[1] if r in st.ts.res and not st.ts.res[r].external)
                return [st]
            if is_zero:
                local = False
                for rid in v[1]:
                    res = st.ts.res.get(rid)
                    if res is not None:
                        if res.live and not res.external:
                            local = True
                        if not res.live and res.external:
                            continue
                self.fail_resources(st, v[1])
                key = dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else ""
                if key:
                    st.env[key] = NULLV
                if local:
                    st.err = True
                return [st]
            # non-null: a released external attribute guarded by `if self.x:` is still possible
            return [st]
        if tag == "t" and not none_cmp:
            statuses = [x for x in v[1] if x is not None and x[0] == "s"]
            if len(statuses) == 1:
                return self.assume_zero(node, statuses[0], st, is_zero, none_cmp, success_const)
        if tag == "t" and is_zero:
            rids = st.rids_of(v)
            if rids:
                self.fail_resources(st, rids)
                key = dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else ""
                if key:
                    st.env[key] = NULLV
                st.err = True
            return [st]
        return [st]

    def fail_resources(self, st: PState, rids: Iterable[Hashable]) -> None:
        """On a failure branch the handles were never acquired: forget them (and what they own)."""
        rids = set(rids)
        # what a helper's returned handle brought along does not exist either, nor what is keyed by it
        rids |= {r.rid for r in st.ts.res.values() if r.origin is not None and r.origin in rids}
        rids |= {r.rid for r in st.ts.res.values() if r.key is not None and any(k in rids for k in r.key[1])}
        for rid in rids:
            res = st.ts.res.pop(rid, None)
            if res is not None and res.key is not None and st.ts.keyed.get(res.key) == rid:
                del st.ts.keyed[res.key]
            if st.ts.ctx == rid:
                st.ts.ctx = None

    def peek(self, node: cst.BaseExpression, st: PState):
        """The value of a simple expression without side effects."""
        if type(node) is cst.Name:
            if node.value == "None":
                return NULLV
            if node.value in ("True", "False"):
                return Const(node.value == "True")
            if node.value in st.env:
                return st.env[node.value]
            if node.value in self.zero_names:
                return ZERO
            return UNKNOWN
        if type(node) is cst.Attribute:
            key = dotted(node)
            if key and key in st.env:
                return st.env[key]
            if node.attr.value in self.zero_names:
                return ZERO
            if key.startswith("self."):
                return self.external(st, key, None)
            return UNKNOWN
        if type(node) is cst.Integer:
            try:
                return Const(int(node.value, 0))
            except ValueError:
                return UNKNOWN
        if type(node) is cst.NamedExpr:
            return self.peek(node.target, st)
        return UNKNOWN


_STATUS_NAME = None


def _looks_like_status(node) -> bool:
    global _STATUS_NAME
    if _STATUS_NAME is None:
        import re

        _STATUS_NAME = re.compile(r"(^|_)(ret|rc|status|err|error|errno|result_code|code)$|^ret")
    name = node.value if type(node) is cst.Name else (
        node.attr.value if type(node) is cst.Attribute else "")
    return bool(name) and bool(_STATUS_NAME.search(name))


def _disjuncts(test):
    """The operands of a chain of `or` (parentheses included)."""
    if type(test) is cst.BooleanOperation and isinstance(test.operator, cst.Or):
        yield from _disjuncts(test.left)
        yield from _disjuncts(test.right)
    else:
        yield test


def _targets(target):
    """The names and attributes an assignment target binds (tuple targets unpacked)."""
    if isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            yield from _targets(el.value)
    else:
        yield target
