"""Calls: acl APIs (fed to the typestate machine), containers, exits, check helpers and
unknown code. Project functions are handed to ``summaries.py``."""

from __future__ import annotations

from typing import Any, FrozenSet, Hashable, List, Optional, Set, Tuple

import libcst as cst

from ... import diagnostics as dx
from ...protocol import Api
from ...typestate import NULL, Res
from ..positions import cst_dotted as dotted
from ..resolve import acl_call_name
from ..summaries import EXIT_CALLS
from ..values import (Box, Elem, Handles, NULLV, Outcome, PState, Status, StatusRec, Tup, UNKNOWN, ZERO, Zipped,
                      _escaped, _replace, ext_id, ext_path, is_null)

NO_ESCAPE_CALLS = frozenset({
    "print", "len", "str", "repr", "int", "float", "hex", "oct", "bool", "format", "isinstance", "type",
    "id", "range", "abs", "round", "max", "min", "sum", "hash", "callable", "hasattr", "getattr",
    "issubclass", "divmod", "ord", "chr", "bin", "vars", "dir", "super", "object", "Exception",
    "RuntimeError", "ValueError", "TypeError", "OSError", "AssertionError", "KeyError", "IndexError",
})
SAME_HANDLE_CALLS = frozenset({"int"})
PASS_THROUGH_CALLS = frozenset({"enumerate", "zip", "list", "tuple", "sorted", "reversed", "iter", "set"})
NO_ESCAPE_METHODS = frozenset({
    "debug", "info", "warning", "warn", "error", "exception", "critical", "log", "format", "join", "write",
    "print", "startswith", "endswith", "split", "strip", "encode", "decode", "upper", "lower", "replace",
    "index", "count", "tobytes", "reshape", "astype", "copy_to", "fill",
})
#: methods that only display what they are given (a status passed to them is seen, not checked)
DISPLAY_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print",
                             "write"})
CONTAINER_ADD = frozenset({"append", "add", "insert", "extend", "appendleft", "setdefault", "update", "put"})
CONTAINER_GET = frozenset({"pop", "popleft", "get", "popitem", "values", "items", "copy", "keys"})
CONTAINER_METHODS = CONTAINER_ADD | CONTAINER_GET
CONTAINER_TAKE = frozenset({"pop", "popleft"})  # what they return is no longer the container's


class Released(str):
    """A step's text, knowing which resources it is about: what a release released, or the
    handles a branch decides (a leaking path shows only the releases and deciding branches of
    its own resource and of that resource's owners)."""

    def __new__(cls, text: str, rids):
        obj = str.__new__(cls, text)
        obj.rids = frozenset(rids)
        return obj


def _arg_rids(args) -> FrozenSet[Hashable]:
    out: Set[Hashable] = set()
    for a in args:
        if a is not None and a is not NULL:
            out.update(a)
    return frozenset(out)


class Calls:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def ev_call(self, node: cst.Call, st: PState, out: Outcome, target: str = ""):
        func = node.func
        name = dotted(func)
        api_name = acl_call_name(self.mod, name) if name else None
        if api_name is not None:
            api = self.p.api(api_name)
            if api is not None:
                return self.apply_api(api, node, st, out, target)
            return self.undescribed_api(api_name, node, st, out)
        if name in EXIT_CALLS:
            for a in node.args:
                self.ev(a.value, st, out)
            ex = st.copy()
            ex.err = True
            ex.exit_site = self.site(node)
            out.exc.append(ex)
            st.dead = True  # the current path ends here too
            return UNKNOWN
        if type(func) is cst.Attribute and func.attr.value in CONTAINER_METHODS:
            return self.container_call(node, func, st, out, target)
        # project functions and methods
        target_fn, bound_self = self.host.resolver.resolve_call(self.mod, self.fn, func, name,
                                                                self.statusish(node, st))
        if bound_self == "self" and target_fn is not None and not self.summary_mode:
            self.self_calls.append((target_fn.name, self.site(node)))
        if target_fn is not None:
            if bound_self == "<new>" and target:
                self.pending_new = (target, target_fn, self.site(node))
            return self.apply_summary(target_fn, bound_self, node, st, out, target)
        if type(func) is cst.Attribute and self.constructed:
            self.note_object_call(func, self.site(node))
        return self.plain_call(node, func, name, st, out)

    def undescribed_api(self, api_name: str, node: cst.Call, st: PState, out: Outcome):
        """An ``acl.*`` call the catalogue does not describe keeps nothing it is given (only the
        catalogue says when a call takes ownership); a name pyACL does not have is ACL502."""
        args = [self.ev(a.value, st, out) for a in node.args]
        for v in args:
            self.mark_read(v, st)
        if not self.p.is_pyacl_name(api_name):
            for a, v in zip(node.args, args):  # their leaks follow from this finding: it is their one report
                self.invented_args.update(st.rids_of(v))
                root = self.owner_root(dotted(a.value))
                if root is not None and not self.summary_mode:  # (`self.x`: nor its owner's ACL105)
                    self.self_releases.setdefault(root, set()).add("any")
            cur, self.cur = self.cur, None
            self.machine.report(self.site(node), None,
                                dx.unknown_api("acl." + api_name, self.p.closest_api(api_name) or ""))
            self.cur = cur
        return UNKNOWN

    def check_status(self, expr, v, st: PState, out: Outcome, site, raises: str = "") -> None:
        """A check helper given the status ``v``: a failed status raises there (a path to
        ``out.exc``), a good one goes on; a path where the status is known bad ends."""
        if v is None or v[0] != "s":
            return
        fail = st.copy()
        if self.assume_zero(expr, v, fail, False, False):
            fail.exit_site = site
            fail.err = True
            if raises:
                fail.add_trace(site, raises, "branch")
            out.exc.append(fail)
        if not self.assume_zero(expr, v, st, True, False):
            st.dead = True

    def container_call(self, node: cst.Call, func: cst.Attribute, st: PState, out: Outcome, target: str = ""):
        """``list.append(h)``, ``self.bufs.append(h)``, ``d.pop(k)``...: containers of handles."""
        meth = func.attr.value
        base = self.ev(func.value, st, out)
        args = [self.ev(a.value, st, out) for a in node.args]
        if base is not None and base[0] in ("b", "e"):
            bid = base[1]
            if meth in CONTAINER_ADD:
                st.boxes[bid] = st.boxes.get(bid, frozenset()) | self._read_rids(args, st)
                return UNKNOWN
            return Elem(bid)
        key = dotted(func.value)
        if meth in CONTAINER_ADD and key and (key.startswith("self.") or key in self.global_names
                                              or (self.fn is None and key in self.mod.global_refs)):
            root = key + "[]"
            add = self._read_rids(args, st)
            old = st.env.get(root)
            st.env[root] = Handles(st.rids_of(old) | add)
            return UNKNOWN
        if meth in CONTAINER_GET and key and key + "[]" in st.env:
            return st.env[key + "[]"]
        if meth in CONTAINER_TAKE and key and key.startswith("self.") and not self.summary_mode:
            return self.taken_out(key, node, st, target)
        if meth in CONTAINER_GET and key and (key.startswith("self.") or key in self.global_names):
            # the elements of a container kept on self: handles from outside
            crid = ext_id(key + "[]")
            if crid not in st.ts.res:
                st.ts.res[crid] = Res(rid=crid, kind="unknown", name=key + "[]", api="",
                                      site=self.site(node), external=True)
            bid = ("extbox", key)
            st.boxes[bid] = frozenset({crid})
            return Elem(bid)
        if meth in CONTAINER_ADD:
            if key in self.fn_params:  # the caller's list: what goes in is the caller's (a summary's fills)
                bid = ("param", key)
                st.boxes[bid] = st.boxes.get(bid, frozenset()) | frozenset().union(*[st.rids_of(a) for a in args])
            for a in args:
                self.escape(a, st, f"added to {key or 'a container'}")
                self.mark_read(a, st)
        return UNKNOWN

    def _read_rids(self, args, st: PState) -> FrozenSet[Hashable]:
        add: Set[Hashable] = set()
        for a in args:
            add |= st.rids_of(a)
            self.mark_read(a, st)
        return frozenset(add)

    def plain_call(self, node: cst.Call, func, name: str, st: PState, out: Outcome):
        """A call of code the analysis cannot see: builtins, check helpers, unknown code. A
        status given to a display (print, a log line) is seen, not checked."""
        base_name = name.rsplit(".", 1)[-1] if name else ""
        shown = name == "print" or (type(func) is cst.Attribute and base_name in DISPLAY_METHODS)
        self.showing, showing = shown, self.showing
        try:
            return self._unseen_call(node, func, name, base_name, st, out)
        finally:
            self.showing = showing

    def _unseen_call(self, node: cst.Call, func, name: str, base_name: str, st: PState, out: Outcome):
        args = [self.ev(a.value, st, out) for a in node.args]
        if base_name in self.host.resolver.check_names:
            # a check helper defined where acl-lint cannot see it: assumed to raise on failure
            for a, v in zip(node.args, args):
                self.mark_read(v, st)
                self.check_status(a.value, v, st, out, self.site(node))
            return UNKNOWN
        if name in ("zip", "enumerate") and args:
            for a in args:
                self.mark_read(a, st)
            parts = tuple(args) if name == "zip" else (UNKNOWN, args[0])
            return Zipped(parts)
        if name in ("itertools.chain", "chain") and args and all(a is not None and a[0] == "b" for a in args):
            for a in args:
                self.mark_read(a, st)
            return self.joined_lists(node, args, st)
        if name in ("dict", "list", "set") and not node.args:
            bid = ("dict" if name == "dict" else "box", id(node))  # `dict()` is `{}`: a new container
            st.boxes[bid] = frozenset()
            return Box(bid)
        if name in SAME_HANDLE_CALLS and len(args) == 1 and args[0] is not None and args[0][0] in ("r", "e"):
            self.mark_read(args[0], st)
            return args[0]  # a pyACL handle is an int: `int(h)` is `h`
        if name in PASS_THROUGH_CALLS:
            for a in args:
                self.mark_read(a, st)
            if args and args[0] is not None and args[0][0] in ("b", "e", "r", "t"):
                return args[0] if args[0][0] != "t" else Handles(st.rids_of(args[0]))
            return UNKNOWN
        if name in NO_ESCAPE_CALLS or (type(func) is cst.Attribute and base_name in NO_ESCAPE_METHODS):
            for a in args:
                self.mark_read(a, st)
            if type(func) is not cst.Name and type(func) is not cst.Attribute:
                self.ev(func, st, out)
            return UNKNOWN
        if not isinstance(func, (cst.Name, cst.Attribute)):
            self.ev(func, st, out)
        # unknown code: what is passed to it is its business now
        for a in args:
            self.escape(a, st, f"passed to {name or 'a call'}()")
            self.mark_read(a, st)
        return UNKNOWN

    def statusish(self, node: cst.Call, st: PState) -> bool:
        """Does the call pass a pyACL status (a check helper call), by a cheap look at its args?"""
        for a in node.args:
            v = a.value
            if type(v) is cst.Call:
                name = dotted(v.func)
                api_name = acl_call_name(self.mod, name) if name else None
                api = self.p.api(api_name) if api_name else None
                if api is not None and api.has_status:
                    return True
            elif isinstance(v, (cst.Name, cst.Attribute)):
                pv = st.env.get(dotted(v))
                if pv is not None and pv[0] in ("s", "t"):
                    return True
        return False

    def external(self, st: PState, key: str, kind: Optional[str]) -> Tuple:
        """A handle from outside the function (parameter, self attribute), materialised on first use."""
        rid = ext_id(key)
        if key in st.env and rid in st.ts.res:
            # the name was rebound to something unknown: a different handle than before
            n = 1
            while ext_id(key, n) in st.ts.res:
                n += 1
            rid = ext_id(key, n)
        res = st.ts.res.get(rid)
        if res is None:
            links = ()
            if self.class_links and key.startswith("self."):
                root = self.owner_root(key)
                links = tuple((typ, ext_id("self." + other)) for typ, other in self.class_links.get(root, ()))
            res = Res(rid=rid, kind=kind or "unknown", name=key, api="",
                      site=self.site(self.fn.node if self.fn else self.mod.tree), external=True, links=links)
            st.ts.res[rid] = res
            if links:
                st.ts.index_links(rid, links)
        v = Handles(frozenset({rid}))
        st.env[key] = v
        return v

    def arg_nodes(self, node: cst.Call) -> List[cst.BaseExpression]:
        return [a.value for a in node.args if a.keyword is None and not a.star]

    def resolve_arg(self, api: Api, i: int, expr: cst.BaseExpression, v, st: PState, handle_args,
                    node: Optional[cst.CSTNode] = None) -> Any:
        if is_null(v):
            return NULL
        rids = st.rids_of(v)
        if rids and v[0] == "e":
            # an element of a container: a loop over it handles each element once,
            # and only the elements of the kind the call takes
            wanted = frozenset().union(*[r.kinds for r in api.releases + api.uses if r.arg == i]) \
                if any(r.arg == i for r in api.releases + api.uses) else frozenset({"any"})
            live = frozenset(
                r for r in rids if r in st.ts.res and (
                    st.ts.res[r].live or self.summary_mode and st.ts.res[r].external) and (
                    st.ts.res[r].external or self.p.kind_matches(st.ts.res[r].kind, wanted)))
            if not self.summary_mode:
                # released by another call before the loop came here: that is a real double release
                again = frozenset(
                    r for r in rids if r in st.ts.res and not st.ts.res[r].live and not st.ts.res[r].external
                    and st.ts.res[r].release_site is not None
                    and getattr(st.ts.res[r].release_site, "node", None) is not node
                    and self.p.kind_matches(st.ts.res[r].kind, wanted))
                if again and not live:
                    return again
            if not live and not self.summary_mode:
                # elements of a container from outside, released before through another field
                # (`free(item["ptr"]); destroy_data_buffer(item["buf"])`): more kinds, no double release
                for r in rids:
                    res = st.ts.res.get(r)
                    if res is not None and res.external and not res.live and api.is_release:
                        real = {k for k in wanted if k in self.p.kinds}
                        merged = "|".join(sorted(set(res.kind.split("|")) - {"unknown"} | real))
                        st.ts.res[r] = _replace(res, kind=merged)
            return live or None
        if rids:
            return rids
        if v is None and i in handle_args:
            key = dotted(expr)
            if key:
                kind = None
                for role in api.releases + api.uses:
                    if role.arg == i:
                        kinds = [k for k in role.kinds if k in self.p.kinds]
                        kind = kinds[0] if len(kinds) == 1 else None
                nv = self.external(st, key, kind)
                return nv[1]
        return None

    def apply_api(self, api: Api, node: cst.Call, st: PState, out: Outcome, target: str):
        exprs = self.arg_nodes(node)
        vals = [self.ev(e, st, out) for e in exprs]
        for a in node.args:
            if a.keyword is not None or a.star:
                self.ev(a.value, st, out)
        handle_args = set(api.handle_args())
        args = [self.resolve_arg(api, i, e, v, st, handle_args, node) for i, (e, v) in enumerate(zip(exprs, vals))]
        for v in vals:
            self.mark_read(v, st)
        self.numbers_released(api, exprs, vals, node)
        for i in api.transfers:
            if i < len(vals):
                self.escape(vals[i], st, f"handed to {api.qualname}()")
        if api.callback_input is not None:
            self.callback_releases(api, node, exprs, vals, st)
        keys = ([self.key_of(e, v, a) for e, v, a in zip(exprs, vals, args)]
                if api.keyed_acquire or api.keyed_release or any(
                    isinstance(l.target, str) and ":" in l.target for l in api.links) else ())
        site = self.site(node)
        rid = None
        name = target
        if api.acquires:
            rid = self.new_rid(node, st, target)
        elif api.keyed_acquire and api.keyed_acquire.key:
            i = api.keyed_acquire.key[0]
            name = dotted(exprs[i]) if i < len(exprs) and dotted(exprs[i]) else ""
        elif api.keyed_acquire:
            name = ""  # `ret = acl.init()`: the target holds the status, not the resource
        self.cur = st
        res = self.machine.call(st.ts, api, args, site, result_rid=rid, name=name, keys=keys, error_path=st.err)
        if self.graph is not None:
            self.graph.on_call(api, node, site, args, res, st)
        acquired = res.acquired or res.keyed
        if api.keyed_release and not st.err:
            self.torn_down.add(api.keyed_release.kind)
        if acquired is not None:
            st.add_trace(site, f"{self.p.label(acquired.kind)} acquired by {api.qualname}", "acquire")
        if api.is_release:
            self.release_count += 1
            for role in (api.releases if not st.err else ()):  # error-path-only: no release method
                if role.arg < len(exprs):
                    root = self.owner_root(dotted(exprs[role.arg]))
                    if root is not None:
                        self.self_releases.setdefault(root, set()).update(
                            k for k in role.kinds if k in self.p.kinds)
            st.add_trace(site, Released(f"released by {api.qualname}", _arg_rids(args)), "release")
        return self._call_result(api, node, st, site, res, args)

    def numbers_released(self, api: Api, exprs, vals, node: cst.Call) -> None:
        """ACL303: a release given a number made by arithmetic (a size), not a handle."""
        for role in api.releases:
            if role.arg < len(vals) and vals[role.arg] is not None and vals[role.arg][0] == "n":
                what = self.mod.positions.code(exprs[role.arg])
                wanted = " / ".join(sorted(self.p.label(k) for k in role.kinds if k in self.p.kinds))
                self.machine.report(self.site(node), None, dx.wrong_release_api(
                    None, api.qualname, wanted, number=what))

    def _call_result(self, api: Api, node: cst.Call, st: PState, site, res, args):
        """What an acl call evaluates to: a handle, a status, or a tuple of both."""
        if res.acquired is not None:
            val = Handles(frozenset({res.acquired.rid}))
        elif res.alias is not None:
            val = Handles(res.alias)
        elif res.borrowed:
            bid = ("borrow", id(node))
            st.boxes[bid] = res.borrowed
            val = Elem(bid)
        elif api.borrow is not None and api.borrow[0] < len(args) and args[api.borrow[0]] not in (None, NULL):
            val = self._borrowed_external(api, node, st, args[api.borrow[0]])
        else:
            val = UNKNOWN
        if api.returns in ("handle", "value"):
            return val
        if api.returns == "none":
            return NULLV
        if api.alias_result == "context" and res.alias and api.returns == "value_ret":
            return Tup((val, ZERO))  # the thread has a current context: asking for it succeeds
        return self._call_status(api, node, st, site, res, val)

    def _borrowed_external(self, api: Api, node: cst.Call, st: PState, parents):
        """Borrowed from a handle that came from outside: stands for what it holds."""
        kids = set()
        for prid in parents:
            parent = st.ts.res.get(prid)
            if parent is not None and parent.external:
                crid = ext_id(f"{ext_path(parent)}/{api.borrow[1]}")
                if crid not in st.ts.res:  # named in messages by the call that borrowed it
                    st.ts.res[crid] = Res(rid=crid, kind="unknown", name=f"{api.qualname}({parent.name})",
                                          api="", site=parent.site, external=True)
                kids.add(crid)
        if not kids:
            return UNKNOWN
        bid = ("borrow", id(node))
        st.boxes[bid] = frozenset(kids)
        return Elem(bid)

    def _call_status(self, api: Api, node: cst.Call, st: PState, site, res, val):
        """The status an acl call returns (alone, or in a tuple with its value)."""
        sid = ("st", id(node))
        tied = frozenset(r.rid for r in (res.acquired, res.keyed) + res.created if r is not None)
        checked = api.status in ("acquire", "use", "execute", "memcpy", "sync") or (
            api.status == "release" and self.check_release_status)
        if self.low_value_calls:
            self.note_next_status(st, sid)
        st.status[sid] = StatusRec(site, tied, False, checked, api.qualname, res.linked)
        status = Status(sid)
        if sid in st.assume:
            del st.assume[sid]
        if api.returns == "ret":
            return status
        if api.returns == "value_ret":
            return Tup((val, status))
        return Tup((UNKNOWN, UNKNOWN, status))

    def key_of(self, expr: cst.BaseExpression, v, arg=None) -> Hashable:
        if arg is not None and arg is not NULL and len(arg) == 1:
            return next(iter(arg))
        if v is not None and v[0] == "c":
            return v[1]
        d = dotted(expr)
        if d:
            return d
        return self.mod.positions.code(expr)

    def new_rid(self, node: cst.CSTNode, st: PState, target: str) -> Hashable:
        """The rid for an acquisition at ``node``; flags a handle from the previous iteration that is lost."""
        base = id(node)
        same = [r for r in st.ts.res.values() if isinstance(r.rid, tuple) and len(r.rid) == 2
                and r.rid[0] == base and r.live]
        if same and self.loop_depth:
            reach = self.reachable(st, exclude=target)
            for r in same:
                if r.escaped or r.rid in reach:
                    continue
                if not self.machine.leak_reportable(st.ts, r):
                    continue
                self.record_leak(st, r, "error" if st.err else "iter", None)
                st.ts.res[r.rid] = _escaped(r)
        used = {r.rid[1] for r in same}
        gen = 0
        while gen in used and gen < 3:
            gen += 1
        return (base, gen)
