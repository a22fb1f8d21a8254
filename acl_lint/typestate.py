"""THE checker: pyACL calls in, findings out. Used by the static engine and the runtime audit alike.

The engines differ only in what they feed in:

- the static engine resolves each argument expression to the set of
  resources it may hold (several, for an element of a container), forks the
  :class:`TState` at every branch and calls :meth:`Machine.call` once per
  path;
- the runtime shim maps concrete handle integers to resources and calls
  :meth:`Machine.call` once per intercepted call on one shared state.

Everything the protocol says (``rules/``) is applied here: use after release,
double and wrong-kind release, async work pending on a stream, the typestate
automata of ``sequences.toml``, the release orders of ``orders.toml`` and the
context a handle is bound to. What counts as a leak at an exit (escapes,
ownership) is the engines' business; how a leak is classified (ACL106/107 for
orphans, once per owner) is decided here.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, Hashable, List, Optional, Sequence, Tuple

from . import diagnostics as dx
from .checkstate import (  # noqa: F401  (re-exported: the engines import them from here)
    DEFAULT_STREAM, NULL, Arg, CallResult, Emit, Res, Site, TState, new_res, replace,
)
from .protocol import Api, Order, Protocol


def _rids(arg: Arg) -> Tuple[Hashable, ...]:
    if arg is None or arg is NULL:
        return ()
    return tuple(arg)


class Machine:
    """Applies the protocol to calls. Holds no per-path state: every method takes the TState."""

    def __init__(self, protocol: Protocol, emit: Emit, options: Optional[Dict[str, Any]] = None):
        self.p = protocol
        self.emit = emit
        opts = options or {}
        self.disabled_orders = frozenset(
            id(o) for o in protocol.orders
            if not o.enforce or (o.option and opts.get(o.option, o.option_default) is not True)
        )

    # ------------------------------------------------------------------ describing

    def describe(self, res: Res) -> str:
        return dx.subject(self.p, res).text

    def report(self, site: Site, res: Optional[Res], d: "dx.Diagnostic") -> None:
        """Emit a diagnostic (rendered by acl_lint.diagnostics) at ``site``."""
        self.emit(d.code, site, d.message, res, d.related)

    def owners(self, st: TState, res: Res) -> List[Res]:
        """The chain of resources that own ``res`` (buffer of a memory, dataset of a buffer)."""
        out, seen, todo = [], {res.rid}, [res]
        while todo:
            cur = todo.pop()
            for typ, target in cur.links:
                if typ in self.p.owning_links and target not in seen:
                    seen.add(target)
                    owner = st.res.get(target)
                    if owner is not None:
                        out.append(owner)
                        todo.append(owner)
        return out

    def owned(self, st: TState, rid: Hashable, link: str = "") -> List[Res]:
        """Resources directly owned by ``rid`` (through ``link``, or any owning link)."""
        links = (link,) if link else self.p.owning_links
        out = []
        for r in st.linking(rid):  # only resources linked to it can be owned by it
            for t, tgt in r.links:  # (a plain loop: this runs on every execute at run time)
                if tgt == rid and t in links:
                    out.append(r)
                    break
        return out

    # ------------------------------------------------------------------ the call

    def call(self, st: TState, api: Api, args: Sequence[Arg], site: Site, result_rid: Hashable = None,
             name: str = "", keys: Sequence[Hashable] = (),
             external_factory: Optional[Callable[[int, str], Optional[Hashable]]] = None,
             error_path: bool = False, succeeded: bool = True) -> CallResult:
        """Apply one call. ``args`` are resolved arguments (index-aligned; missing = unknown);
        ``result_rid`` names what the call acquires (static: the acquire site, runtime: the
        handle); ``keys`` are the argument values for keyed resources (device id...).
        ``succeeded=False`` (the runtime saw a failure): the checks run, but nothing is
        acquired, linked, queued or switched. The steps are the methods below, in order."""
        get = lambda i: args[i] if i < len(args) else None  # noqa: E731
        out = CallResult()
        if api.null_args:
            self._check_null_args(st, api, get, site)
        if st.ctx is not None and api.context_bound:
            self._check_context(st, api, get, site)
        async_key = self._stream_key(get(api.async_stream)) if api.async_stream is not None else None
        if api.uses:
            self._check_uses(st, api, get, site, async_key)
        steps = self.p.steps_by_call.get(api.call)
        if steps:
            self._run_sequences(st, api, steps, get, site, error_path, out)
        if api.sync:
            self._sync(st, api.sync, get(0))
        if api.records_event:
            ev, sm = api.records_event
            key = self._stream_key(get(sm))
            for rid in _rids(get(ev)):
                st.recorded[rid] = (key, st.pending.get(key, frozenset()))
        if api.releases or api.keyed_release:
            self._run_releases(st, api, get, site, keys, external_factory)
        if not succeeded:
            return out
        if async_key is not None:
            touched = set(st.pending.get(async_key, ()))
            for i in api.async_args:
                touched.update(_rids(get(i)))
            st.pending[async_key] = frozenset(touched)
        if api.acquires or api.keyed_acquire:
            self._acquire_result(st, api, get, site, result_rid, name, keys, out)
        for link in api.links:
            self._make_link(st, link, get, out, keys)
        if api.sets_context is not None:
            self._switch_context(st, api, get, result_rid, out)
        if api.alias_result is not None or api.borrow is not None:
            self._result_view(st, api, get, out)
        return out

    # ------------------------------------------------------------------ the steps of a call

    def _check_null_args(self, st: TState, api: Api, get, site: Site) -> None:
        for na in api.null_args:
            if get(na.arg) is NULL:
                handle = ""
                if api.uses:
                    for r in _rids(get(api.uses[-1].arg)):
                        res = st.res.get(r)
                        handle = res.name if res else ""
                self.report(site, None, dx.null_argument(na, handle))

    def _check_context(self, st: TState, api: Api, get, site: Site) -> None:
        """ACL401: a handle bound to a context used under another one."""
        for i in api.context_bound:
            for rid in _rids(get(i)):
                res = st.res.get(rid)
                if res is not None and res.live and res.ctx is not None and res.ctx != st.ctx:
                    self.report(site, res, dx.context_mismatch(
                        dx.subject(self.p, res), api.qualname, self._ctx_name(st.res.get(res.ctx), res.ctx),
                        self._ctx_name(st.res.get(st.ctx), st.ctx)))

    def _check_uses(self, st: TState, api: Api, get, site: Site, async_key) -> None:
        """Use after release (ACL302), and touching what queued async work still uses (ACL202)."""
        for role in api.uses:
            for rid in _rids(get(role.arg)):
                res = st.res.get(rid)
                if res is None:
                    continue
                if not res.live:
                    if res.release_site is not None and not role.ref:
                        self.report(site, res, dx.use_after_release(
                            dx.subject(self.p, res), api.qualname, res.release_api, res.release_site))
                    continue
                if not role.ref:
                    self._check_pending(st, res, api, site, async_key)

    def _run_sequences(self, st: TState, api: Api, steps, get, site: Site, error_path: bool,
                       out: CallResult) -> None:
        """The typestate automata of sequences.toml (ACL201, ACL204)."""
        for seq, step in steps:
            if step.when_null and any(get(i) is not NULL for i in step.when_null):
                continue
            targets = []
            for rid in _rids(get(step.arg)):
                res = st.res.get(rid)
                if res is not None:
                    targets.extend(self.owned(st, rid) if step.via == "owned" else [res])
            for res in targets:
                if res.kind != seq.kind or not res.live or not res.seq:
                    continue
                if res.seq in step.error:
                    if not (step.normal_paths_only and error_path):
                        self.report(site, res, dx.sequence_violation(seq, step, dx.subject(self.p, res),
                                                                     api.qualname))
                elif res.seq not in step.allowed:
                    continue
                if res.seq != step.to:
                    st.res[res.rid] = replace(res, seq=step.to)
                if step.creates is not None:
                    out.created = out.created + (self._create(st, api, site, res, step.creates),)

    def _create(self, st: TState, api: Api, site: Site, res: Res, creates) -> Res:
        """A resource a sequence step makes (the system-allocated output memory of a buffer)."""
        kind, link = creates
        rid = ("made", kind, res.rid)
        made = Res(rid=rid, kind=kind, name=f"output memory of {res.name or 'buffer'}",
                   api=api.qualname, site=site, ctx=st.ctx, links=((link, res.rid),))
        st.index_links(rid, made.links)
        st.res[rid] = made
        return made

    def _run_releases(self, st: TState, api: Api, get, site: Site, keys, external_factory) -> None:
        for role in api.releases:
            for rid in _rids(get(role.arg)):
                res = st.res.get(rid)
                if res is None and external_factory is not None:
                    ext = external_factory(role.arg, next(iter(role.kinds)))
                    res = st.res.get(ext) if ext is not None else None
                if res is not None:
                    self.release(st, res, api, site, role.kinds)
        if api.keyed_release:
            kr = api.keyed_release
            key = (kr.kind, tuple(keys[i] if i < len(keys) else None for i in kr.key))
            rid = st.keyed.get(key)
            res = st.res.get(rid) if rid is not None else None
            if res is None:
                res = Res(rid=key, kind=kr.kind, name="", api="", site=site, external=True, key=key)
                st.res[key] = res
            self.release(st, res, api, site, frozenset({kr.kind}))

    def _acquire_result(self, st: TState, api: Api, get, site: Site, result_rid, name: str, keys,
                        out: CallResult) -> None:
        if api.acquires:
            res = new_res(rid=result_rid, kind=api.acquires, name=name, api=api.qualname, site=site, ctx=st.ctx)
            res = self._init_seq(res, get)
            st.res[result_rid] = res
            out.acquired = res
        if api.keyed_acquire:
            ka = api.keyed_acquire
            key = (ka.kind, tuple(keys[i] if i < len(keys) else None for i in ka.key))
            old = st.keyed.get(key)
            old_res = st.res.get(old) if old is not None else None
            if old_res is None or not old_res.live:
                res = Res(rid=key, kind=ka.kind, name=name, api=api.qualname, site=site, ctx=st.ctx, key=key)
                st.res[key] = res
                st.keyed[key] = key
                out.keyed = res
            else:
                out.keyed = old_res

    def _make_link(self, st: TState, link, get, out: CallResult, keys) -> None:
        sources = self._endpoint(st, link.source, get, out, keys)
        targets = self._endpoint(st, link.target, get, out, keys)
        for s in sources:
            res = st.res.get(s)
            if res is None:
                continue
            new = tuple((link.type, t) for t in targets if (link.type, t) not in res.links and t != s)
            if new:
                st.res[s] = replace(res, links=res.links + new)
                st.index_links(s, new)
                out.linked = out.linked + tuple((s, n) for n in new)

    def _switch_context(self, st: TState, api: Api, get, result_rid, out: CallResult) -> None:
        if api.sets_context == "result":
            st.ctx = result_rid if out.acquired is not None else None
        else:
            rids = _rids(get(api.sets_context))
            st.ctx = rids[0] if len(rids) == 1 else None

    def _result_view(self, st: TState, api: Api, get, out: CallResult) -> None:
        """The result is one of the arguments (alias) or reachable from one (borrowed)."""
        if api.alias_result == "context":
            # the current context of this thread (rt.get_context): the one created or set on it
            out.alias = frozenset({st.ctx}) if st.ctx is not None and st.ctx in st.res else None
        elif api.alias_result is not None:
            a = get(api.alias_result)
            out.alias = frozenset(_rids(a)) if a not in (None, NULL) else None
        if api.borrow is not None:
            arg_i, link = api.borrow
            owned = set()
            for rid in _rids(get(arg_i)):
                owned.update(r.rid for r in self.owned(st, rid, link))
            out.borrowed = frozenset(owned)

    # ------------------------------------------------------------------ pieces

    @staticmethod
    def _ctx_name(res: Optional[Res], rid: Hashable) -> str:
        """How a context is named in ACL401 ("" when it is not known here)."""
        if res is not None and res.site is None:
            return f"`{res.name}`" if res.name else ""
        if res is not None and res.name:
            return f"`{res.name}` (line {res.site.line})"
        if res is not None:
            return f"from line {res.site.line}"
        return ""

    @staticmethod
    def _stream_key(arg: Arg) -> Hashable:
        if arg is NULL:
            return DEFAULT_STREAM
        rids = _rids(arg)
        return rids[0] if len(rids) == 1 else None

    def _endpoint(self, st: TState, end, get, out: CallResult, keys) -> Tuple[Hashable, ...]:
        if end == "result":
            res = out.acquired or out.keyed
            return (res.rid,) if res is not None else ()
        if end == "context":
            return (st.ctx,) if st.ctx is not None else ()
        if isinstance(end, int):
            return _rids(get(end))
        kind, _, arg = end.partition(":")
        i = int(arg)
        rid = st.keyed.get((kind, (keys[i] if i < len(keys) else None,)))
        return (rid,) if rid is not None else ()

    def _init_seq(self, res: Res, get) -> Res:
        seq = self.p.sequences.get(res.kind)
        if seq is None:
            return res
        state = seq.initial
        if seq.initial_when_null and all(get(i) is NULL for i in seq.initial_when_null[0]):
            state = seq.initial_when_null[1]
        return replace(res, seq=state)

    def sync_stream(self, st: TState, stream: Arg) -> None:
        """What acl.rt.synchronize_stream(stream) does (a project helper that runs it)."""
        self._sync(st, "stream", stream)

    def _sync(self, st: TState, what: str, arg: Arg) -> None:
        if what == "device":
            st.pending.clear()
            return
        if what == "event":
            rids = _rids(arg)
            rec = st.recorded.get(rids[0]) if len(rids) == 1 else None
            if rec is None:
                return
            key, done = rec
            left = st.pending.get(key, frozenset()) - done
            if left:
                st.pending[key] = left
            else:
                st.pending.pop(key, None)
            return
        key = self._stream_key(arg)
        if key is None:
            if what == "stream" and arg is None:
                st.pending.clear()  # an unknown stream: assume it is the one with the work
            return
        st.pending.pop(key, None)

    def _check_pending(self, st: TState, res: Res, api: Api, site: Site, async_key) -> bool:
        if not st.pending:
            return False
        if async_key is not None and not api.is_release:
            # queued work of its own (on a known stream): not a host-side read, free or destroy
            # (ACL202's cases); work on two streams sharing a handle is ordered by events
            return False
        chain = [res] + self.owners(st, res)
        for stream, touched in st.pending.items():
            if stream == async_key:
                continue  # stream order: the new work runs after the queued work
            for r in chain:
                if r.rid in touched:
                    self.report(site, res, dx.async_not_synchronized(
                        dx.subject(self.p, res), api.qualname, self._stream_label(st, stream),
                        released=api.is_release))
                    return True
        return False

    def _stream_label(self, st: TState, stream) -> str:
        if stream == DEFAULT_STREAM:
            return "the default stream"
        res = st.res.get(stream)
        if res is not None and res.name:
            return f"stream `{res.name}`"
        return "its stream"

    def release(self, st: TState, res: Res, api: Api, site: Site, kinds: FrozenSet[str]) -> None:
        """Release ``res`` with ``api`` (which releases ``kinds``): double (ACL301) and wrong-kind
        (ACL303) release, queued async work (ACL202), the release orders of orders.toml (ACL203)."""
        if not res.live:
            self._release_again(st, res, api, site, kinds)
            return
        res, then_kinds = self._release_kind(st, res, api, site, kinds)
        if not then_kinds:
            return  # a wrong-kind release (ACL303) releases nothing: the checks that follow see it live
        if res.kind == "stream" and res.rid in st.pending:
            self.report(site, res, dx.async_not_synchronized(dx.subject(self.p, res), api.qualname,
                                                             destroyed_stream=True))
            st.pending.pop(res.rid, None)
        else:
            self._check_pending(st, res, api, site, None)
        if res.orphan is not None:
            # a deferred order violation becomes real now that the child is released after its parent
            if res.orphan[1] is not None:
                order, psite, pname = res.orphan
                self.report(psite, res, self._order(order, pname, res, (
                    (res.site, "acquired here", "acquire"), (site, "released here, too late", "release"))))
            res = replace(res, orphan=None)
        elif res.external:
            self._external_after_parent(st, res, site, then_kinds)
        for order in self._orders_as_then(then_kinds):
            self._release_then(st, order, res, site, then_kinds)
        if st.released_then:
            self._release_first_late(st, res, site)
        st.res[res.rid] = replace(res, live=False, release_site=site, release_api=api.qualname)
        if st.ctx == res.rid:
            st.ctx = None  # the current context is gone; what is current now is not known
        if res.key is not None and st.keyed.get(res.key) == res.rid:
            del st.keyed[res.key]

    def _release_again(self, st: TState, res: Res, api: Api, site: Site, kinds: FrozenSet[str]) -> None:
        """ACL301: released twice."""
        if res.external and res.kind not in self.p.kinds:
            # a handle from outside released through several calls (a container of handles)
            merged = "|".join(sorted(set(res.kind.split("|")) | {k for k in kinds if k in self.p.kinds}))
            st.res[res.rid] = res = replace(res, kind=merged)
        self.report(site, res, dx.double_release(dx.subject(self.p, res), api.qualname, res.release_api,
                                                 res.release_site))

    def _release_kind(self, st: TState, res: Res, api: Api, site: Site, kinds: FrozenSet[str]):
        """The kind(s) the release treats ``res`` as; ACL303 for a release of another kind
        (then no kinds: the release does not happen)."""
        p = self.p
        if res.external and res.kind not in p.kinds:
            # a handle from outside takes the kind(s) its release says it has
            real = sorted(k for k in kinds if k in p.kinds)
            if real:
                res = replace(res, kind="|".join(real))
            return res, tuple(real)
        if not p.kind_matches(res.kind, kinds) and not res.external:
            self._wrong_kind(st, res, api, site, kinds)
            return res, ()
        return res, (res.kind,)

    def _wrong_kind(self, st: TState, res: Res, api: Api, site: Site, kinds: FrozenSet[str]) -> None:
        """ACL303, reported once: the handle stays live, and what only leaks because of this wrong
        argument (the handle itself, and the one of the right kind that was meant, when there is
        exactly one candidate: live, from here, owned by nothing, of a kind that owns or is owned
        by the handle's kind) is implied by it."""
        p = self.p
        wanted = " / ".join(sorted(p.label(k) for k in kinds))
        meant = [r for r in st.res.values() if r.live and not r.external and not r.escaped and r.implied is None
                 and p.kind_matches(r.kind, kinds) and self._related_kinds(res.kind, r.kind)
                 and not any(o.live for o in self.owners(st, r))]
        fix = None
        if len(meant) == 1:
            fix = dx.subject(p, meant[0])
            st.res[meant[0].rid] = replace(meant[0], implied=site)
        right = p.release_calls(res.kind)
        self.report(site, res, dx.wrong_release_api(dx.subject(p, res), api.qualname, wanted, meant=fix,
                                                    right_api=right[0] if right else ""))
        st.res[res.rid] = replace(res, implied=site)

    def _related_kinds(self, a: str, b: str) -> bool:
        """Does one kind own the other (a dataset its buffers, a buffer its memory)? Only then is a
        wrong-kind argument taken for the handle it holds (or is held by)."""
        return any(o.owns and ((a in o.then and b in o.first) or (b in o.then and a in o.first))
                   for o in self.p.orders)

    def _external_after_parent(self, st: TState, res: Res, site: Site, then_kinds) -> None:
        """A handle from outside linked (by what its owner class does elsewhere) to a parent
        that this code already released: the order was broken here."""
        for typ, target in res.links:
            parent = st.res.get(target)
            if parent is None or parent.live or parent.release_site is None:
                continue
            parent_kinds = set(parent.kind.split("|"))
            for order in self.p.orders:
                if order.link != typ or id(order) in self.disabled_orders or order.immediate:
                    continue
                if not (parent_kinds & order.then) or not (set(then_kinds) & order.first):
                    continue
                self.report(parent.release_site, res, self._order(
                    order, parent.name, res, ((site, "released here, too late", "release"),),
                    then_kind=sorted(parent_kinds)[0]))
                st.released_then.pop(id(order), None)

    def _orders_as_then(self, then_kinds) -> Sequence[Order]:
        """The orders in which a released kind is the `then` side."""
        by_then = self.p.orders_by_then
        if len(then_kinds) == 1:
            return by_then.get(then_kinds[0], ())
        seen, orders = set(), []
        for k in then_kinds:
            for o in by_then.get(k, ()):
                if id(o) not in seen:
                    seen.add(id(o))
                    orders.append(o)
        return orders

    def _release_then(self, st: TState, order: Order, res: Res, site: Site, then_kinds) -> None:
        """``res`` is the `then` of ``order``: every live `first` linked to it is released too late."""
        disabled = id(order) in self.disabled_orders
        children = list(st.res.values()) if order.link == "*" else st.linking(res.rid)
        for child in children:
            if not child.live or child.rid == res.rid or child.kind not in order.first or child.implied:
                continue
            if order.link != "*" and (order.link, res.rid) not in child.links:
                continue
            then_kind = res.kind if res.kind in self.p.kinds else then_kinds[0]
            if disabled:
                # the order is not checked, but the orphan still leaks with its own code
                if child.orphan is None and order.leak_code:
                    st.res[child.rid] = replace(child, orphan=(order, None, res.name))
            elif order.immediate:
                self.report(site, child, self._order(order, res.name, child,
                                                     ((child.site, "acquired here", "acquire"),), then_kind))
            elif child.orphan is None:
                st.res[child.rid] = replace(child, orphan=(order, site, res.name))
        if order.assume_related and not disabled:
            st.released_then[id(order)] = (site, res.name)

    def _release_first_late(self, st: TState, res: Res, site: Site) -> None:
        """Releasing a `first` resource that cannot be linked after an assumed-related `then`."""
        for order in self.p.orders:
            if res.kind not in order.first or id(order) not in st.released_then:
                continue
            if order.link != "*" and (not res.external or any(t == order.link for t, _ in res.links)):
                continue
            self._late_release(st, order, res, site)

    def _late_release(self, st: TState, order: Order, res: Res, site: Site) -> None:
        """`res` (a `first` of `order`) released after the `then` it belongs with. With a known
        acquire site the finding stays at the early release; a handle from a parameter, attribute or
        global has none, so the finding points at this late release."""
        psite, pname = st.released_then.pop(id(order))
        if res.site is None:
            self.report(site, res, self._order(order, pname, res,
                                               ((psite, self._then_released(order, pname), "release"),)))
        else:
            self.report(psite, res, self._order(order, pname, res, ((site, "released here, too late", "release"),)))

    def _then_released(self, order: Order, then_name: str) -> str:
        label = self.p.label(next(iter(order.then)))
        return f"{label} `{then_name}` released here, before it" if then_name else f"{label} released here, before it"

    def _order(self, order: Order, then_name: str, first: Res, related, then_kind: str = "") -> "dx.Diagnostic":
        then_label = self.p.label(then_kind or next(iter(order.then)))
        return dx.order_violation(order, then_label, then_name, self._first(first), related)

    def _first(self, res: Res) -> "dx.Subject":
        """The `first` side of an order: a handle from outside (a parameter, an attribute, an
        unknown result such as `acl.rt.get_context()`'s) has no acquire line here: its site is
        the function's, which is no creation line."""
        if res.site is None or res.external:
            return dx.Subject("", self.p.label(res.kind), res.name, res.api, None)
        return dx.subject(self.p, res)

    def unlink(self, st: TState, linked) -> None:
        """Undo the links of a call that failed (a buffer that add_dataset_buffer did not attach)."""
        for src, link in linked:
            res = st.res.get(src)
            if res is not None and link in res.links:
                st.res[src] = replace(res, links=tuple(x for x in res.links if x != link))

    def acquire(self, st: TState, rid: Hashable, kind: str, name: str, api: str, site: Site) -> Res:
        """An acquisition that is not an acl call (a project helper that returns a fresh handle)."""
        res = Res(rid=rid, kind=kind, name=name, api=api, site=site, ctx=st.ctx)
        seq = self.p.sequences.get(kind)
        if seq is not None:
            res = replace(res, seq=seq.initial)
        st.res[rid] = res
        return res

    # ------------------------------------------------------------------ leaks

    def leak_code(self, res: Res) -> str:
        """ACL101 unless the resource was orphaned by an order that names a leak code."""
        if res.orphan is not None and res.orphan[0].leak_code:
            return res.orphan[0].leak_code
        return "ACL101"

    def leak_reportable(self, st: TState, res: Res, process_kinds: FrozenSet[str] = frozenset()) -> bool:
        """A leak is reported once, at the root owner: not if an owner is live (it leaks instead)
        or escaped (ownership went with it). Process-scoped kinds (device, acl.init) only where
        the caller takes responsibility for their teardown (``process_kinds``)."""
        if not res.live or res.external or res.escaped or res.implied is not None:
            return False
        kind = self.p.kinds.get(res.kind)
        if kind is None or not kind.leak or (kind.scope == "process" and res.kind not in process_kinds):
            return False
        for owner in self.owners(st, res):
            if owner.escaped or owner.external:
                return False
            if owner.live:
                return False
        return True
