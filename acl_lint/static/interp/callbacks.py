"""What a registered callback releases (`callback_input` in rules/api/*.toml, PATTERNS F18).

pyACL hands some arguments of a call to a callback: `acl.media.vdec_send_frame`'s stream and
picture descriptions reach the callback registered with `vdec_set_channel_desc_callback`
("its input is the same as the input of aclvdecSendFrame"), `acl.rt.launch_callback`'s user
data reaches the function it launches. When that callback (a project function) releases
its parameter, what was passed is released through the call's argument: for a handle kept
on ``self``, the owner releases it (no ACL105). Locals go with the call (`transfers`).
"""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from ...protocol import Api
from ..positions import cst_dotted as dotted, cst_walk as _walk
from ..resolve import acl_call_name


class Callbacks:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def callback_releases(self, api: Api, node: cst.Call, exprs: List[cst.BaseExpression], vals, st) -> None:
        cb = api.callback_input
        if cb is None or self.summary_mode:
            return
        target = self._callback_expr(cb, exprs)
        if target is None:
            return
        fn, bound_self = self.host.resolver.resolve_call(self.mod, self.fn, target, dotted(target), False)
        summ = self.host.summaries.of(fn) if fn is not None else None
        if summ is None:
            return
        params = list(summ.params)[1 if bound_self is not None else 0:]
        for k, arg in enumerate(cb.args):
            if k >= len(params) or arg >= len(exprs) or params[k] not in summ.releases:
                continue
            root = self.owner_root(dotted(exprs[arg]))
            if root is not None:
                self.callback_releases_of.setdefault(root, set()).update(
                    x for x in summ.releases[params[k]] | self._taken_data(fn, params[k]) if x in self.p.kinds)
            elif arg not in api.transfers:
                self.escape(vals[arg], st, f"released by {fn.qualname}()")

    def _taken_data(self, fn, param: str) -> frozenset:
        """The kinds of what the callback takes out of its parameter: it reads what the handle
        owns with a borrowing getter (`dvpp_get_pic_desc_data(output)`: the catalogue's `borrow`)
        and keeps it on the object or releases it, so the owner does not leak it (the VDEC
        output memory goes to the callback with the output picture description)."""
        taken = set()
        for node in _walk(fn.node.body):
            if type(node) is not cst.Assign or len(node.targets) != 1 or type(node.value) is not cst.Call:
                continue
            getter = self.p.api(acl_call_name(fn.module, dotted(node.value.func) or "") or "")
            target = dotted(node.targets[0].target)
            args = node.value.args
            if getter is None or getter.borrow is None or not target or getter.borrow[0] >= len(args) \
                    or dotted(args[getter.borrow[0]].value) != param or not self._kept(fn, target):
                continue
            for order in self.p.orders:
                if order.owns and order.link == getter.borrow[1]:
                    taken |= order.first
        return frozenset(taken)

    def _kept(self, fn, name: str) -> bool:
        """Is ``name`` stored on the object (an assignment to or a method call on `self.x`) or
        passed to an acl call that releases?"""
        for node in _walk(fn.node.body):
            if type(node) is cst.Call:
                callee = dotted(node.func) or ""
                api = self.p.api(acl_call_name(fn.module, callee) or "")
                kept = callee.startswith("self.") or (api is not None and api.releases)
            elif type(node) is cst.Assign:
                kept = any((dotted(t.target) or "").startswith("self.") for t in node.targets)
            else:
                continue
            if kept and any(type(n) is cst.Name and n.value == name for n in _walk(node)):
                return True
        return False

    def _callback_expr(self, cb, exprs) -> Optional[cst.BaseExpression]:
        """The callback: an argument of this call, or of the one call that registers it."""
        if not cb.registered_by:
            return exprs[cb.callback_arg] if cb.callback_arg < len(exprs) else None
        cache = self.host.__dict__.setdefault("_registered_callbacks", {})
        key = (id(self.mod), cb.registered_by, cb.callback_arg)
        if key not in cache:
            found = []
            for n in self.mod.positions.nodes(self.mod.tree):
                if isinstance(n, cst.Call) and acl_call_name(self.mod, dotted(n.func) or "") == cb.registered_by:
                    args = [a.value for a in n.args if a.keyword is None and not a.star]
                    if cb.callback_arg < len(args):
                        found.append(args[cb.callback_arg])
            names = {dotted(f) for f in found}
            cache[key] = found[0] if len(found) >= 1 and len(names) == 1 and "" not in names else None
        return cache[key]
