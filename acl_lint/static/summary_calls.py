"""Applying function summaries at call sites (the interpreter's part; ``summaries.py``
computes them): what a project helper does to its arguments, to ``self`` and to what it
returns happens at the call, on the caller's path state.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, FrozenSet, List, Optional, Tuple

import libcst as cst

from .positions import cst_dotted as dotted
from .summaries import Summary
from .values import Box, Handles, NULLV, Outcome, PState, Status, StatusRec, Tup, UNKNOWN, _replace, is_null


class SummaryCalls:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`: a call of a project function."""

    def apply_summary(self, fn, bound_self: Optional[str], node: cst.Call, st: PState, out: Outcome, target: str):
        summ = self.host.summaries.of(fn)
        exprs: List[Tuple[Optional[str], cst.BaseExpression]] = []
        for a in node.args:
            if a.star:
                exprs.append(("*", a.value))
            elif a.keyword is not None:
                exprs.append((a.keyword.value, a.value))
            else:
                exprs.append((None, a.value))
        vals = [self.ev(e, st, out) for _, e in exprs]
        if summ is None:
            for v in vals:
                self.escape(v, st, f"passed to {fn.qualname}()")
                self.mark_read(v, st)
            return UNKNOWN
        site = self.site(node)
        pseudo = self.host.summaries.pseudo_api(fn)
        releases = self._summary_args(fn, summ, bound_self, exprs, vals, st, out, site, pseudo)
        if bound_self is not None:
            releases += self._summary_attr_releases(summ, bound_self, st)
        if releases:
            self._release_in_order(fn, releases, st, site, pseudo)
        if bound_self is not None:
            self._summary_attr_stores(fn, summ, bound_self, node, st, site)
        if summ.always_raises:
            st.err = True
            st.exit_site = site
            out.exc.append(st.copy())
            st.dead = True
        if summ.returns is None and summ.returns_by_arity:
            shape = summ.returns_by_arity.get(self.unpacked_arity(node))
            if shape is not None:  # the shape this call's unpacking expects (issue 11 item 5)
                items, length, boxes = shape
                summ = replace(summ, returns=items, returns_len=length, returns_boxes=boxes, returns_owned={})
        if summ.returns is not None:
            return self._summary_returns(fn, summ, node, st, site, target)
        if summ.returns_list:
            return self._summary_returned_list(fn, summ, node, st, site, target)
        return UNKNOWN

    def unpacked_arity(self, node: cst.Call) -> Optional[int]:
        """How the statement being run unpacks this call's result: ``a, b = f()`` 2, ``a = f()`` 0."""
        stmt = self.cur_stmt
        if not (isinstance(stmt, cst.Assign) and stmt.value is node and len(stmt.targets) == 1):
            return None
        t = stmt.targets[0].target
        return len(t.elements) if isinstance(t, (cst.Tuple, cst.List)) else 0

    def unpacked_name(self, node: cst.Call, index: int, target: str) -> str:
        """The name item ``index`` of this call's result is unpacked into (`ptr, buf = f()`: buf)."""
        stmt = self.cur_stmt
        if isinstance(stmt, cst.Assign) and stmt.value is node and isinstance(stmt.targets[0].target, cst.Tuple):
            elems = stmt.targets[0].target.elements
            if index < len(elems) and dotted(elems[index].value):
                return dotted(elems[index].value)
        return f"{target}[{index}]"

    def _summary_args(self, fn, summ: Summary, bound_self, exprs, vals, st: PState, out: Outcome, site,
                      pseudo) -> List[Tuple[Any, FrozenSet[str], bool]]:
        """Apply what the helper does to each argument; returns the releases to make, in any order."""
        params = list(summ.params)
        offset = 1 if bound_self is not None and fn.is_method else 0  # a staticmethod called on self
        releases: List[Tuple[Any, FrozenSet[str], bool]] = []
        for pos, ((kw, expr), v) in enumerate(zip(exprs, vals)):
            pi = -1 if kw == "*" else (pos + offset if kw is None else (params.index(kw) if kw in params else -1))
            if pi < 0 or pi >= len(params):
                self.escape(v, st, f"passed to {fn.qualname}()")
                continue
            pname = params[pi]
            if pname in summ.checks:
                self.mark_read(v, st)
                self.check_status(expr, v, st, out, site, f"{fn.qualname}() raises")
                continue
            self.mark_read(v, st)
            if pname in summ.syncs:
                self._synced_through(expr, v, st)
            if pname in summ.releases:
                releases += self._released_through(summ.releases[pname], expr, v, st)
            elif pname in summ.escapes:
                self.escape(v, st, f"kept by {fn.qualname}()")
            if pname in summ.fills and v is not None and v[0] == "b":
                self._filled(fn, summ.fills[pname], v[1], expr, st, site)
            if pname in summ.releases_keyed:
                self._release_keyed(summ.releases_keyed[pname], expr, v, st, site, pseudo,
                                    summ.release_sites.get(pname, site))
        return releases

    def _synced_through(self, expr, v, st: PState) -> None:
        """The helper synchronised the stream passed here (None: it may return without syncing)."""
        rids = st.rids_of(v) if v is not None else frozenset()
        if v is None and dotted(expr):
            rids = self.external(st, dotted(expr), None)[1]
        if rids and not is_null(v):
            self.machine.sync_stream(st.ts, frozenset(rids))

    def _released_through(self, kinds, expr, v, st: PState) -> List[Tuple[Any, FrozenSet[str], bool]]:
        """The handles an argument stands for, and what they own of the kinds the helper releases."""
        rids = st.rids_of(v)
        if not rids and v is None:
            key = dotted(expr)
            if key:
                rids = self.external(st, key, None)[1]
        group = len(rids) > 1 or (v is not None and v[0] in ("b", "e", "t"))
        out = []
        for r in rids:
            if r in st.ts.res:
                out.append((st.ts.res[r], kinds, group))
                # what it owns (the buffers of a dataset, their memory), where the helper
                # releases those kinds through it
                todo = [r]
                while todo:
                    cur_rid = todo.pop()
                    for child in self.machine.owned(st.ts, cur_rid):
                        todo.append(child.rid)
                        if child.live and self.p.kind_matches(child.kind, kinds):
                            out.append((child, kinds, True))
        return out

    def _release_keyed(self, kind: str, expr, v, st: PState, site, pseudo, release_site) -> None:
        """The helper releases the resource keyed by the argument (reset_device(device_id))."""
        from ..typestate import Res

        rids = st.rids_of(v)
        key = (kind, (next(iter(rids)) if len(rids) == 1 else self.key_of(expr, v),))
        krid = st.ts.keyed.get(key)
        kres = st.ts.res.get(krid) if krid is not None else None
        if kres is None:
            kres = Res(rid=key, kind=kind, name=dotted(expr), api="", site=site, external=True, key=key)
            st.ts.res[key] = kres
        self.cur = st
        self.machine.release(st.ts, kres, pseudo, release_site, frozenset({kind}))
        if not st.err:
            self.torn_down.add(kind)

    def _summary_attr_releases(self, summ: Summary, bound_self: str, st: PState):
        releases = []
        for attr, kinds in summ.releases_attrs.items():
            key = bound_self + attr[4:] if attr.startswith("self") else attr
            root = self.owner_root(key)
            if root is not None and not st.err:  # released through self.<attr> by a helper method
                self.self_releases.setdefault(root, set()).update(k for k in kinds if k in self.p.kinds)
            v = st.env.get(key)
            rids = st.rids_of(v) if v is not None else self.external(st, key, None)[1]
            for rid in rids:
                res = st.ts.res.get(rid)
                if res is not None and res.live:
                    releases.append((res, kinds, False))
        return releases

    def _release_in_order(self, fn, releases, st: PState, site, pseudo) -> None:
        """One helper releasing several handles releases them in the documented order."""
        rank = self.p.release_rank

        def order(x) -> int:
            # a handle of a kind not known here (a parameter) goes by the kinds the helper releases:
            # the argument itself is the outermost (released last), what it holds goes first
            if x[0].kind in rank:
                return rank[x[0].kind]
            ranks = [rank.get(k, 0) for k in x[1]] or [0]
            return min(ranks) if x[2] else max(ranks)

        releases.sort(key=order)
        done = set()
        for res, kinds, group in releases:
            if res.rid in done:
                continue
            done.add(res.rid)
            cur = st.ts.res.get(res.rid, res)
            if group and cur.external and cur.kind == "unknown" and self.fn is not None and \
                    isinstance(cur.rid, tuple) and len(cur.rid) == 2 and cur.rid[1] in self.fn_params:
                continue  # a plain parameter that went into the container (a size), not a handle
            if group and not (cur.external or self.p.kind_matches(cur.kind, kinds)):
                continue  # a helper that releases a group releases what matches
            if group and not cur.live:
                continue
            self.cur = st
            self.machine.release(st.ts, cur, pseudo, site, kinds)
        self.release_count += 1
        from .interp.calls import Released

        st.add_trace(site, Released(f"released by {fn.qualname}()", {r.rid for r, _, _ in releases}), "release")

    def _summary_attr_stores(self, fn, summ: Summary, bound_self: str, node, st: PState, site) -> None:
        for attr in summ.nulls_attrs:
            key = bound_self + attr[4:]
            st.env[key] = NULLV
        for attr, (kind, api_name) in (summ.acquires_attrs.items() if bound_self == "self" else ()):
            key = bound_self + attr[4:]
            rid = (id(node), attr)
            self.overwrite(key, None, st, node, False)
            self.machine.acquire(st.ts, rid, kind, key, f"{fn.qualname}()", site)
            st.env[key] = Handles(frozenset({rid}))

    def _summary_returns(self, fn, summ: Summary, node, st: PState, site, target: str):
        """Fresh handles made by the helper, and what they own, acquired here."""
        items = [UNKNOWN] * summ.returns_len
        val = UNKNOWN
        made = []
        children = []
        for n, (index, kind) in enumerate(summ.returns):
            rid = self.new_rid(node, st, target) if n == 0 else (id(node), ("ret", n))
            name = target if index is None or n == 0 else self.unpacked_name(node, index, target)
            self.machine.acquire(st.ts, rid, kind, name, f"{fn.qualname}()", site)
            st.add_trace(site, f"{self.p.label(kind)} acquired by {fn.qualname}()", "acquire")
            children += self._acquire_owned(node, n, rid, summ.returns_owned.get(n, ()), st)
            val = Handles(frozenset({rid}))
            if "all" in summ.none_items or index in summ.none_items:
                self.maybe_none.add(rid)
            elif index in summ.returns_nonnull:  # the helper raised on its failure
                st.nonnull = st.nonnull | {rid}
                self.checked_returns.add(rid)
            made.append(rid)
            if index is not None:
                items[index] = val
        if summ.returns[0][0] is None:
            return val
        for index, kinds in summ.returns_boxes:
            bid = ("retbox", id(node), index)
            st.boxes[bid] = frozenset(r for r in made + children
                                      if r in st.ts.res and st.ts.res[r].kind in kinds)
            items[index] = Box(bid)
        # the other elements behave like a status tied to the handles (`ptr, ret = helper()`)
        sid = ("st", id(node))
        st.status[sid] = StatusRec(site, frozenset(made), True, False, f"{fn.qualname}()")
        st.assume.pop(sid, None)
        items = [Status(sid) if x is None else x for x in items]
        return Tup(tuple(items))

    def _summary_returned_list(self, fn, summ: Summary, node, st: PState, site, target: str):
        """A list of fresh handles made by the helper: one handle per kind stands for its elements."""
        made = []
        for n, kind in enumerate(sorted(summ.returns_list)):
            rid = self.new_rid(node, st, target) if n == 0 else (id(node), ("ret", n))
            self.machine.acquire(st.ts, rid, kind, f"{target}[...]" if target else "", f"{fn.qualname}()", site)
            st.add_trace(site, f"{self.p.label(kind)} acquired by {fn.qualname}()", "acquire")
            made.append(rid)
        bid = ("retbox", id(node), None)
        st.boxes[bid] = frozenset(made)
        return Box(bid)

    def _filled(self, fn, kinds, bid, expr, st: PState, site) -> None:
        """The helper appended fresh handles to the caller's list: one handle per kind stands for
        them, acquired here and held by that list; in a loop, the previous iteration's are lost
        when nothing holds them any more (ACL103, as when the loop acquires them inline)."""
        made = []
        first = self.new_rid(site.node, st, "")  # flags the previous iteration's, if lost
        for n, kind in enumerate(sorted(kinds)):
            rid = first if n == 0 else (first[0], ("filled", kind))
            self.machine.acquire(st.ts, rid, kind, f"{dotted(expr)}[...]", f"{fn.qualname}()", site)
            st.add_trace(site, f"{self.p.label(kind)} acquired by {fn.qualname}()", "acquire")
            made.append(rid)
        st.boxes[bid] = st.boxes.get(bid, frozenset()) | frozenset(made)

    def _acquire_owned(self, node, n: int, rid, templates, st: PState) -> List:
        children = []
        for j, t in enumerate(templates):
            crid = (id(node), ("owned", n, j))
            prid = rid if t.parent is None else (id(node), ("owned", n, t.parent))
            child = self.machine.acquire(st.ts, crid, t.kind, t.name, t.api, t.site)
            key = None
            if t.keyed:  # a channel is known by its description
                key = (t.kind, (prid,))
                crid = key
                st.ts.res.pop((id(node), ("owned", n, j)), None)
                st.ts.keyed[key] = key
            st.ts.res[crid] = _replace(child, rid=crid, links=((t.link, prid),), key=key, origin=rid)
            st.ts.index_links(crid, ((t.link, prid),))
            children.append(crid)
        return children
