"""Loops over a short literal list or tuple (``for ds in [self.inputs, self.outputs]:``).

Each element is its own value: the body runs once per element, in order, with the target
bound to that element, so a null guard (``if not ds: continue``) or a release inside the
body is about that element alone and a release loop over a list of attributes releases
every attribute listed (PATTERNS F3).
"""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from ..values import Outcome, PState

MAX_LITERAL_ITEMS = 8  # longer literals are iterated the general way (as one element)


class LiteralLoops:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def literal_items(self, node: cst.For, st: PState, pre: Outcome) -> Optional[list]:
        """The values of the elements of ``node.iter`` when it is a short literal holding handles."""
        it = node.iter
        if not isinstance(it, (cst.List, cst.Tuple)) or not it.elements or len(it.elements) > MAX_LITERAL_ITEMS:
            return None
        if any(isinstance(e, (cst.StarredElement,)) for e in it.elements):
            return None
        probe = st.copy()
        if not any(probe.rids_of(self.peek(e.value, probe)) for e in it.elements):
            return None
        return [self.ev(e.value, st, pre) for e in it.elements]

    def run_literal_for(self, node: cst.For, st: PState, items: list) -> Outcome:
        """The body once per element; ``break`` leaves, ``continue`` goes on to the next element."""
        out = Outcome()
        brk: List[PState] = []
        cur = [st]
        self.loop_depth += 1
        try:
            for v in items:
                for s in cur:
                    self.assign(node.target, v, s, node, loop_bind=True)
                o = self.exec_block(self.body_of(node), cur)
                out.ret.extend(o.ret)
                out.exc.extend(o.exc)
                brk.extend(o.brk)
                cur = self.join(o.normal + o.cont)
                if not cur:
                    break
        finally:
            self.loop_depth -= 1
        if node.orelse is not None and cur:
            eo = self.exec_block(self.body_of(node.orelse), cur)
            out.extend(eo, normal=False)
            cur = eo.normal
        out.normal = self.join(cur + brk)
        return out
