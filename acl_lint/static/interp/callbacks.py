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
                    x for x in summ.releases[params[k]] if x in self.p.kinds)
            elif arg not in api.transfers:
                self.escape(vals[arg], st, f"released by {fn.qualname}()")

    def _callback_expr(self, cb, exprs) -> Optional[cst.BaseExpression]:
        """The callback: an argument of this call, or of the one call that registers it."""
        if not cb.registered_by:
            return exprs[cb.callback_arg] if cb.callback_arg < len(exprs) else None
        cache = self.host.__dict__.setdefault("_registered_callbacks", {})
        key = (id(self.mod), cb.registered_by, cb.callback_arg)
        if key not in cache:
            found = []
            for n in _walk(self.mod.tree):
                if isinstance(n, cst.Call) and acl_call_name(self.mod, dotted(n.func) or "") == cb.registered_by:
                    args = [a.value for a in n.args if a.keyword is None and not a.star]
                    if cb.callback_arg < len(args):
                        found.append(args[cb.callback_arg])
            names = {dotted(f) for f in found}
            cache[key] = found[0] if len(found) >= 1 and len(names) == 1 and "" not in names else None
        return cache[key]
