"""Expressions: the abstract value of an expression (see ``static/values.py``)."""

from __future__ import annotations

from typing import Hashable, Set

import libcst as cst

from ..positions import cst_dotted as dotted
from ..values import Box, Elem, Handles, Num, Outcome, PState, Tup, UNKNOWN

#: operators whose result is a number, never a handle (an address plus an offset may be one)
NUMBER_OPS = (cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power, cst.LeftShift, cst.RightShift)



class Expressions:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def eval_children(self, node: cst.CSTNode, st: PState) -> None:
        out = Outcome()
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.ev(child, st, out)

    def ev(self, node: cst.BaseExpression, st: PState, out: Outcome, target: str = ""):
        t = type(node)
        if t is cst.Name:
            v = self.peek(node, st)
            if v is not None and v[0] in ("s", "t"):
                self.mark_read(v, st)
            return v
        if t is cst.Attribute:
            key = dotted(node)
            if not key:
                self.ev(node.value, st, out)
                return UNKNOWN
            v = self.peek(node, st)
            if v is not None and v[0] in ("s", "t"):
                self.mark_read(v, st)
            return v
        if t is cst.Call:
            return self.ev_call(node, st, out, target)
        if t is cst.Integer:
            return self.peek(node, st)
        if t in (cst.SimpleString, cst.ConcatenatedString, cst.Float, cst.Imaginary):
            return ("c", "str") if t is not cst.Float else UNKNOWN
        if t is cst.Tuple:
            return Tup(tuple(self.ev(e.value, st, out) for e in node.elements))
        if t in (cst.List, cst.Set, cst.Dict):
            return self.ev_display(node, st, out)
        if t is cst.Subscript:
            return self.ev_subscript(node, st, out)
        if t is cst.Await:
            return self.ev(node.expression, st, out, target)
        if t is cst.Yield:
            v = self.ev(node.value, st, out) if isinstance(node.value, cst.BaseExpression) else (
                self.ev(node.value.item, st, out) if node.value is not None else None)
            self.escape(v, st, "yielded")
            self.mark_read(v, st)
            return UNKNOWN
        if t is cst.NamedExpr:
            v = self.ev(node.value, st, out, self.target_name(node.target))
            self.assign(node.target, v, st, node)
            return v
        if t in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
            return self.ev_comp(node, st, out)
        if t is cst.Lambda:
            self.capture(node, st)
            return UNKNOWN
        if t is cst.IfExp:
            return self.ev_ifexp(node, st, out, target)
        if t is cst.StarredElement:
            return self.ev(node.value, st, out)
        if t is cst.BinaryOperation:
            left, right = self.ev(node.left, st, out), self.ev(node.right, st, out)
            for v in (left, right):
                self.mark_read(v, st)
            if type(node.operator) is cst.Add and left is not None and right is not None \
                    and left[0] == "b" == right[0]:
                return self.joined_lists(node, (left, right), st)
            if isinstance(node.operator, NUMBER_OPS) and not (st.rids_of(left) or st.rids_of(right)):
                return Num("arith")
            if all(v is not None and v[0] == "n" or type(n) is cst.Integer
                   for v, n in ((left, node.left), (right, node.right))):
                return Num("arith")
            return UNKNOWN
        self.ev_parts(node, st, out)
        return UNKNOWN

    def ev_ifexp(self, node: cst.IfExp, st: PState, out: Outcome, target: str):
        """Both arms flow into the result, unless the test is known (a tuple-shape test)."""
        shape = self.tuple_test(node.test, st)
        if shape is not None:
            # `ret = r[1] if isinstance(r, tuple) else r`: the shape of `r` is known, so only
            # one arm runs, and testing the shape is no check of the status
            arm = node.body if shape else node.orelse
            return self.peek(arm, st) if type(arm) is cst.Name else self.ev(arm, st, out, target)
        self.ev(node.test, st, out)
        a = self.ev(node.body, st, out)
        b = self.ev(node.orelse, st, out)
        ra, rb = st.rids_of(a), st.rids_of(b)
        if a is not None and b is not None and a[0] == "s" and b[0] == "s":
            # `ret = acl.init(cfg) if cfg else acl.init()`: one of the two calls ran, and
            # checking the name checks it (one status, not two unread ones)
            st.status.pop(b[1], None)
            return a
        if ra or rb:
            return Handles(ra | rb)
        return a if a == b else UNKNOWN

    def ev_parts(self, node, st: PState, out: Outcome) -> None:
        """Comparisons, operators, f-strings, ...: evaluate the parts (reads, calls); a status
        compared (`return acl.rt.synchronize_stream(s) == 0`) is looked at."""
        compared = type(node) is cst.Comparison
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                v = self.ev(child, st, out)
                if compared:
                    self.mark_read(v, st)
            elif isinstance(child, (cst.ComparisonTarget, cst.FormattedStringExpression)):
                for c in child.children:
                    if isinstance(c, cst.BaseExpression):
                        v = self.ev(c, st, out)
                        if compared:
                            self.mark_read(v, st)

    def ev_display(self, node, st: PState, out: Outcome):
        """A list / set / dict display: a new container of the handles in it."""
        rids: Set[Hashable] = set()
        for e in node.elements:
            if isinstance(e, cst.DictElement):
                self.ev(e.key, st, out)
            v = self.ev(e.value, st, out)
            rids |= st.rids_of(v)
            self.mark_read(v, st)
        bid = ("dict" if type(node) is cst.Dict else "box", id(node))
        st.boxes[bid] = frozenset(rids)
        return Box(bid)

    @staticmethod
    def joined_lists(node: cst.CSTNode, parts, st: PState):
        """`a + b` of two lists (or `itertools.chain(a, b)`): a new list of the elements of both,
        so a loop over it visits (and a release in it releases) every element of either."""
        bid = ("box", id(node))
        st.boxes[bid] = frozenset().union(*[st.rids_of(v) for v in parts])
        return Box(bid)

    def ev_subscript(self, node: cst.Subscript, st: PState, out: Outcome):
        self.lookup_domain(node, st)
        # `r[1]` of a name reads that element only (the status in `r[0]` stays unread)
        base = self.peek(node.value, st) if type(node.value) is cst.Name else self.ev(node.value, st, out)
        idx = None
        for el in node.slice:
            if isinstance(el.slice, cst.Index):
                iv = self.ev(el.slice.value, st, out)
                if iv is not None and iv[0] == "c" and isinstance(iv[1], int) and len(node.slice) == 1:
                    idx = iv[1]
        if base is None:
            return UNKNOWN
        if base[0] in ("b", "e"):
            return Elem(base[1])
        if base[0] == "t" and idx is not None and -len(base[1]) <= idx < len(base[1]):
            return base[1][idx]
        if base[0] == "r":
            if all(st.ts.res.get(r) is not None and st.ts.res[r].external for r in base[1]):
                return self.iter_elem(base, st)  # self.rois[i]: an element, not the list
            return base
        return UNKNOWN

    def ev_comp(self, node, st: PState, out: Outcome):
        f = node.for_in
        rids: Set[Hashable] = set()
        while f is not None:
            itv = self.ev(f.iter, st, out)
            self.assign(f.target, self.iter_elem(itv, st), st, node, loop_bind=True)
            for cond in f.ifs:
                self.ev(cond.test, st, out)
            f = f.inner_for_in
        if isinstance(node, cst.DictComp):
            self.ev(node.key, st, out)
            v = self.ev(node.value, st, out)
        else:
            v = self.ev(node.elt, st, out)
        rids |= st.rids_of(v)
        bid = ("dict" if isinstance(node, cst.DictComp) else "box", id(node))
        st.boxes[bid] = frozenset(rids)
        return Box(bid)

    def tuple_test(self, test, st: PState):
        """The truth of `isinstance(x, tuple)` (with `and len(x) > k`) when `x`'s shape is known."""
        parts = [test]
        while parts and isinstance(parts[0], cst.BooleanOperation) and isinstance(parts[0].operator, cst.And):
            parts[:1] = [parts[0].left, parts[0].right]
        first = parts[0]
        if not (isinstance(first, cst.Call) and dotted(first.func) == "isinstance" and len(first.args) == 2
                and dotted(first.args[1].value) == "tuple"):
            return None
        v = self.peek(first.args[0].value, st)
        if v is None or v[0] not in ("t", "s", "r", "c", "n"):
            return None
        if v[0] != "t":
            return False
        return all(self.tuple_len_test(p, first.args[0].value, len(v[1])) for p in parts[1:]) or None

    @staticmethod
    def tuple_len_test(test, subject, n: int) -> bool:
        """`len(x) > k` / `len(x) >= k` / `len(x) == k` holds for a tuple of length ``n``."""
        if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
            return False
        left, comp = test.left, test.comparisons[0]
        if not (isinstance(left, cst.Call) and dotted(left.func) == "len" and len(left.args) == 1
                and left.args[0].value.deep_equals(subject) and isinstance(comp.comparator, cst.Integer)):
            return False
        k = int(comp.comparator.value)
        op = type(comp.operator)
        return {cst.GreaterThan: n > k, cst.GreaterThanEqual: n >= k, cst.Equal: n == k}.get(op, False)

