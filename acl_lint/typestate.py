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

from dataclasses import dataclass, field
from dataclasses import replace as _dc_replace


def replace(obj, **changes):
    """dataclasses.replace that does not carry a cached hash over."""
    fields = getattr(obj, "__dataclass_fields__", {})
    if "_hash" in fields:
        changes.setdefault("_hash", None)
        if fields.keys() >= changes.keys():
            # Res: every field is an init field, no __post_init__: copy the instance dict
            # (5x faster than dataclasses.replace, which the runtime audit pays on every release)
            new = object.__new__(obj.__class__)
            new.__dict__.update(obj.__dict__)
            new.__dict__.update(changes)
            return new
    return _dc_replace(obj, **changes)
from typing import Any, Callable, Dict, FrozenSet, Hashable, Iterable, List, Optional, Sequence, Tuple

from .protocol import Api, Order, Protocol

#: marker for an argument that is a literal 0 / None (a null handle)
NULL = "<null>"
#: the stream key used for the default stream (a literal 0)
DEFAULT_STREAM = "<default-stream>"


@dataclass(frozen=True)
class Site:
    """Where something happened. Lines and columns are 1-based; end_* may be 0 (unknown)."""

    path: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0
    text: str = ""  # what happened there, for path steps ("acl.rt.free(ptr)")


@dataclass(frozen=True)
class Res:
    """One resource as the machine knows it. Immutable: the machine replaces it on change."""

    rid: Hashable
    kind: str
    name: str  # the variable or attribute that holds it ("" when unknown)
    api: str  # qualified name of the acquiring call ("acl.rt.malloc")
    site: Site
    live: bool = True
    release_site: Optional[Site] = None
    release_api: str = ""
    ctx: Optional[Hashable] = None  # the context current when it was acquired
    links: Tuple[Tuple[str, Hashable], ...] = ()  # (link type, target rid)
    seq: str = ""  # state of the kind's sequence automaton
    orphan: Optional[Tuple[Order, Site, str]] = None  # deferred order violation: (order, site, parent name)
    external: bool = False  # came from outside the analysed code (a parameter, self.x): never a leak here
    escaped: bool = False  # ownership went elsewhere (returned, stored, handed to unknown code)
    key: Optional[Tuple] = None  # for keyed resources: (kind, key)
    origin: Optional[Hashable] = None  # static: the returned handle whose summary made this one
    _hash: Optional[int] = field(default=None, compare=False, repr=False)

    def __hash__(self) -> int:
        # states are merged by hashing every resource: remember it (the record is immutable)
        h = self._hash
        if h is None:
            h = hash((self.rid, self.kind, self.name, self.site, self.live, self.release_site, self.ctx,
                      self.links, self.seq, self.orphan, self.external, self.escaped, self.key, self.origin))
            object.__setattr__(self, "_hash", h)
        return h


def _res_defaults() -> Dict[str, Any]:
    import dataclasses

    return {f.name: f.default for f in dataclasses.fields(Res)
            if f.default is not dataclasses.MISSING}


_RES_DEFAULTS: Dict[str, Any] = {}


def new_res(**fields) -> Res:
    """Res(...) without the frozen dataclass's per-field object.__setattr__ (the runtime audit
    creates one per acquiring call). Same object, about 4x faster."""
    if not _RES_DEFAULTS:
        _RES_DEFAULTS.update(_res_defaults())
    obj = object.__new__(Res)
    d = obj.__dict__
    d.update(_RES_DEFAULTS)
    d.update(fields)
    return obj


class TState:
    """The machine's state on one path (static) or in one process (runtime)."""

    __slots__ = ("res", "ctx", "pending", "recorded", "keyed", "released_then", "linked")

    def __init__(self):
        self.res: Dict[Hashable, Res] = {}
        self.ctx: Optional[Hashable] = None  # current context; None = unknown
        self.pending: Dict[Hashable, FrozenSet[Hashable]] = {}  # stream -> resources touched by queued work
        self.recorded: Dict[Hashable, Tuple] = {}  # event -> (stream, work queued before the record)
        self.keyed: Dict[Tuple, Hashable] = {}  # (kind, key) -> rid
        self.released_then: Dict[int, Tuple[Site, str]] = {}  # id(order) -> where its `then` was released
        self.linked: set = set()  # rids that have links (what a release must look at for orders)

    def copy(self) -> "TState":
        new = TState.__new__(TState)
        new.res = dict(self.res)
        new.ctx = self.ctx
        new.pending = dict(self.pending)
        new.recorded = dict(self.recorded)
        new.keyed = dict(self.keyed)
        new.released_then = dict(self.released_then)
        new.linked = set(self.linked)
        return new

    def key(self) -> Tuple:
        """Hashable identity, for merging equal states at join points."""
        return (
            frozenset(self.res.items()),
            self.ctx,
            frozenset(self.pending.items()),
            frozenset(self.recorded.items()),
            frozenset(self.keyed.items()),
            frozenset(self.released_then.items()),
        )

    def live(self) -> Iterable[Res]:
        return (r for r in self.res.values() if r.live)


#: An argument as an engine resolved it: a set of possible resources, NULL, or None (unknown).
Arg = Any
#: emit(code, site, message, resource_or_None, related) -> None; related: tuple of (Site, message, kind)
Emit = Callable[[str, Site, str, Optional[Res], Tuple[Tuple[Site, str, str], ...]], None]


@dataclass
class CallResult:
    acquired: Optional[Res] = None  # the resource the call returned (handle / value of a tuple)
    keyed: Optional[Res] = None  # a keyed resource it acquired (set_device, dvpp_create_channel)
    alias: Optional[FrozenSet[Hashable]] = None  # the result is (one of) these resources
    created: Tuple[Res, ...] = ()  # resources a sequence step made (system-allocated output memory)
    linked: Tuple[Tuple[Hashable, Tuple[str, Hashable]], ...] = ()  # links the call made: (source, link)
    borrowed: Optional[FrozenSet[Hashable]] = None  # the result is reachable from an argument


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
            if not o.enforce or (o.option and opts.get(o.option, True) is False)
        )

    # ------------------------------------------------------------------ describing

    def describe(self, res: Res) -> str:
        label = self.p.label(res.kind)
        name = f" `{res.name}`" if res.name else ""
        if res.external:
            return f"{label}{name}"
        return f"{label}{name} from {res.api} (line {res.site.line})"

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
        res = st.res
        for crid in st.linked:  # only resources with links can be owned
            r = res.get(crid)
            if r is None:
                continue
            for t, tgt in r.links:  # (a plain loop: this runs on every execute at run time)
                if tgt == rid and t in links:
                    out.append(r)
                    break
        return out

    # ------------------------------------------------------------------ the call

    def call(
        self,
        st: TState,
        api: Api,
        args: Sequence[Arg],
        site: Site,
        result_rid: Hashable = None,
        name: str = "",
        keys: Sequence[Hashable] = (),
        external_factory: Optional[Callable[[int, str], Optional[Hashable]]] = None,
        error_path: bool = False,
        succeeded: bool = True,
    ) -> CallResult:
        """Apply one call. ``args`` are resolved arguments (index-aligned; missing = unknown).

        ``succeeded=False`` (the runtime saw a non-zero status or a null handle):
        the checks run, but nothing is acquired, linked, queued or switched.

        ``result_rid`` names the resource the call acquires (the static engine
        uses the acquire site, the runtime the handle); ``keys`` are the
        values of the call's arguments for keyed resources (device id...).
        """
        p = self.p
        get = lambda i: args[i] if i < len(args) else None  # noqa: E731
        out = CallResult()

        for na in api.null_args:
            if get(na.arg) is NULL:
                handle = ""
                if api.uses:
                    for r in _rids(get(api.uses[-1].arg)):
                        res = st.res.get(r)
                        handle = res.name if res else ""
                self.emit(na.code, site, na.message.format(handle=handle or "the handle"), None, ())

        # context binding (ACL401)
        if st.ctx is not None:
            for i in api.context_bound:
                for rid in _rids(get(i)):
                    res = st.res.get(rid)
                    if res is not None and res.live and res.ctx is not None and res.ctx != st.ctx:
                        ctx_res = st.res.get(res.ctx)
                        cur_res = st.res.get(st.ctx)
                        self.emit(
                            "ACL401", site,
                            f"{self.describe(res)} was created under context "
                            f"{self._ctx_name(ctx_res, res.ctx)} but {api.qualname} runs under context "
                            f"{self._ctx_name(cur_res, st.ctx)}",
                            res, ((res.site, "acquired here", "acquire"),),
                        )

        async_key = self._stream_key(get(api.async_stream)) if api.async_stream is not None else None

        # uses: use after release, and touching what queued async work still uses (ACL202)
        for role in api.uses:
            for rid in _rids(get(role.arg)):
                res = st.res.get(rid)
                if res is None:
                    continue
                if not res.live:
                    if res.release_site is not None and not role.ref:
                        self.emit(
                            "ACL302", site,
                            f"{self.describe(res)} is used by {api.qualname} after it was released "
                            f"by {res.release_api} at line {res.release_site.line}",
                            res, ((res.release_site, "released here", "release"),),
                        )
                    continue
                if not role.ref:
                    self._check_pending(st, res, api, site, async_key)

        # sequences (ACL201, ACL204)
        steps = p.steps_by_call.get(api.call)
        if steps:
            for seq, step in steps:
                if step.when_null and any(get(i) is not NULL for i in step.when_null):
                    continue
                targets = []
                for rid in _rids(get(step.arg)):
                    res = st.res.get(rid)
                    if res is None:
                        continue
                    targets.extend(self.owned(st, rid) if step.via == "owned" else [res])
                for res in targets:
                    if res.kind != seq.kind or not res.live or not res.seq:
                        continue
                    if res.seq in step.error:
                        if not (step.normal_paths_only and error_path):
                            self.emit(
                                seq.code, site,
                                step.message.format(name=res.name or "?", line=res.site.line, call=api.qualname),
                                res, ((res.site, "acquired here", "acquire"),),
                            )
                    elif res.seq not in step.allowed:
                        continue
                    if res.seq != step.to:
                        st.res[res.rid] = replace(res, seq=step.to)
                    if step.creates is not None:
                        kind, link = step.creates
                        rid = ("made", kind, res.rid)
                        made = Res(rid=rid, kind=kind, name=f"output memory of {res.name or 'buffer'}",
                                   api=api.qualname, site=site, ctx=st.ctx, links=((link, res.rid),))
                        st.linked.add(rid)
                        st.res[rid] = made
                        out.created = out.created + (made,)

        # synchronisation
        if api.sync:
            self._sync(st, api.sync, get(0))
        if api.records_event:
            ev, sm = api.records_event
            key = self._stream_key(get(sm))
            for rid in _rids(get(ev)):
                st.recorded[rid] = (key, st.pending.get(key, frozenset()))

        # releases
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

        if not succeeded:
            return out

        # pending work on async calls
        if async_key is not None:
            touched = set(st.pending.get(async_key, ()))
            for i in api.async_args:
                touched.update(_rids(get(i)))
            st.pending[async_key] = frozenset(touched)

        # acquires
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

        # links made by the call
        for link in api.links:
            sources = self._endpoint(st, link.source, get, out, keys)
            targets = self._endpoint(st, link.target, get, out, keys)
            for s in sources:
                res = st.res.get(s)
                if res is None:
                    continue
                new = tuple((link.type, t) for t in targets if (link.type, t) not in res.links and t != s)
                if new:
                    st.res[s] = replace(res, links=res.links + new)
                    st.linked.add(s)
                    out.linked = out.linked + tuple((s, n) for n in new)

        # context switches
        if api.sets_context is not None:
            if api.sets_context == "result":
                st.ctx = result_rid if out.acquired is not None else None
            else:
                rids = _rids(get(api.sets_context))
                st.ctx = rids[0] if len(rids) == 1 else None

        if api.alias_result is not None:
            a = get(api.alias_result)
            out.alias = frozenset(_rids(a)) if a not in (None, NULL) else None
        if api.borrow is not None:
            arg_i, link = api.borrow
            owned = set()
            for rid in _rids(get(arg_i)):
                owned.update(r.rid for r in self.owned(st, rid, link))
            out.borrowed = frozenset(owned)
        return out

    # ------------------------------------------------------------------ pieces

    @staticmethod
    def _ctx_name(res: Optional[Res], rid: Hashable) -> str:
        if res is not None and res.site is None:  # a handle from outside (a parameter)
            return f"`{res.name}` (from the caller)" if res.name else "a handle from the caller"
        if res is not None and res.name:
            return f"`{res.name}` (line {res.site.line})"
        if res is not None:
            return f"from line {res.site.line}"
        return "?"

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
                    what = "released" if api.is_release else "used"
                    self.emit(
                        "ACL202", site,
                        f"{self.describe(res)} is {what} by {api.qualname} while async work queued on "
                        f"{self._stream_label(st, stream)} may still use it: synchronize the stream first",
                        res, ((res.site, "acquired here", "acquire"),),
                    )
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
        p = self.p
        if not res.live:
            if res.external and res.kind not in p.kinds:
                # a handle from outside released through several calls (a container of handles)
                merged = "|".join(sorted(set(res.kind.split("|")) | {k for k in kinds if k in p.kinds}))
                st.res[res.rid] = res = replace(res, kind=merged)
            where = f" at line {res.release_site.line}" if res.release_site is not None else ""
            self.emit(
                "ACL301", site,
                f"{self.describe(res)} is released again by {api.qualname}; it was released by "
                f"{res.release_api or 'an earlier call'}{where}",
                res, ((res.release_site, "first released here", "release"),) if res.release_site else (),
            )
            return
        if res.external and res.kind not in p.kinds:
            # a handle from outside takes the kind(s) its release says it has
            real = sorted(k for k in kinds if k in p.kinds)
            if real:
                res = replace(res, kind="|".join(real))
            then_kinds = tuple(real)
        else:
            then_kinds = (res.kind,)
            if not p.kind_matches(res.kind, kinds) and not res.external:
                wanted = " / ".join(sorted(p.label(k) for k in kinds))
                self.emit(
                    "ACL303", site,
                    f"{self.describe(res)} is released with {api.qualname}, which releases {wanted}",
                    res, ((res.site, "acquired here", "acquire"),),
                )
        # releasing a stream with queued work, or a resource queued work uses
        if res.kind == "stream" and res.rid in st.pending:
            self.emit(
                "ACL202", site,
                f"{self.describe(res)} is destroyed by {api.qualname} while async work is queued on it: "
                f"synchronize the stream first",
                res, ((res.site, "acquired here", "acquire"),),
            )
            st.pending.pop(res.rid, None)
        else:
            self._check_pending(st, res, api, site, None)
        # a deferred order violation becomes real now that the child is released after its parent
        if res.orphan is not None and res.orphan[1] is not None:
            order, psite, pname = res.orphan
            self.emit(
                order.code, psite,
                self._order_message(order, pname, res),
                res, ((res.site, "acquired here", "acquire"), (site, "released here, too late", "release")),
            )
        if res.orphan is not None:
            res = replace(res, orphan=None)
        elif res.external:
            # a handle from outside linked (by what its owner class does elsewhere) to a parent
            # that this code already released: the order was broken here
            for typ, target in res.links:
                parent = st.res.get(target)
                if parent is None or parent.live or parent.release_site is None:
                    continue
                parent_kinds = set(parent.kind.split("|"))
                for order in p.orders:
                    if order.link != typ or id(order) in self.disabled_orders or order.immediate:
                        continue
                    if not (parent_kinds & order.then) or not (set(then_kinds) & order.first):
                        continue
                    self.emit(order.code, parent.release_site,
                              self._order_message(order, parent.name, res, then_kind=sorted(parent_kinds)[0]),
                              res, ((site, "released here, too late", "release"),))
                    st.released_then.pop(id(order), None)
        # orders where this kind is the `then` side
        if len(then_kinds) == 1:
            orders = p.orders_by_then.get(then_kinds[0], ())
        else:
            seen, orders = set(), []
            for k in then_kinds:
                for o in p.orders_by_then.get(k, ()):
                    if id(o) not in seen:
                        seen.add(id(o))
                        orders.append(o)
        for order in orders:
            disabled = id(order) in self.disabled_orders
            if order.link == "*":
                children = list(st.res.values())
            else:
                children = [st.res[r] for r in st.linked if r in st.res]
            for child in children:
                if not child.live or child.rid == res.rid or child.kind not in order.first:
                    continue
                if order.link == "*" or (order.link, res.rid) in child.links:
                    then_kind = res.kind if res.kind in p.kinds else then_kinds[0]
                    if disabled:
                        # the order is not checked, but the orphan still leaks with its own code
                        if child.orphan is None and order.leak_code:
                            st.res[child.rid] = replace(child, orphan=(order, None, res.name))
                    elif order.immediate:
                        self.emit(
                            order.code, site, self._order_message(order, res.name, child, then_kind=then_kind),
                            child, ((child.site, "acquired here", "acquire"),),
                        )
                    elif child.orphan is None:
                        st.res[child.rid] = replace(child, orphan=(order, site, res.name))
            if order.assume_related and not disabled:
                st.released_then[id(order)] = (site, res.name)
        # releasing a `first` resource that we cannot link after an assumed-related `then`
        if st.released_then:
            for order in p.orders:
                if res.kind in order.first and id(order) in st.released_then and order.link != "*":
                    if not res.external or any(t == order.link for t, _ in res.links):
                        continue
                    self._late_release(st, order, res, site)
                elif order.link == "*" and id(order) in st.released_then and res.kind in order.first:
                    self._late_release(st, order, res, site)
        st.res[res.rid] = replace(res, live=False, release_site=site, release_api=api.qualname)
        if st.ctx == res.rid:
            st.ctx = None  # the current context is gone; what is current now is not known
        if res.key is not None and st.keyed.get(res.key) == res.rid:
            del st.keyed[res.key]

    def _late_release(self, st: TState, order: Order, res: Res, site: Site) -> None:
        """`res` (a `first` of `order`) released after the `then` it belongs with. With a known
        acquire site the finding stays at the early release; a handle from a parameter, attribute or
        global has none, so the finding points at this late release."""
        psite, pname = st.released_then.pop(id(order))
        if res.site is None:
            self.emit(order.code, site, self._order_message(order, pname, res),
                      res, ((psite, self._then_released(order, pname), "release"),))
        else:
            self.emit(order.code, psite, self._order_message(order, pname, res),
                      res, ((site, "released here, too late", "release"),))

    def _then_released(self, order: Order, then_name: str) -> str:
        label = self.p.label(next(iter(order.then)))
        return f"{label} `{then_name}` released here, before it" if then_name else f"{label} released here, before it"

    def _order_message(self, order: Order, then_name: str, first: Res, then_kind: str = "") -> str:
        then_label = self.p.label(then_kind or next(iter(order.then)))
        return order.message.format(
            then=then_name or "?", then_label=then_label, first=first.name or "?",
            first_label=self.p.label(first.kind),
            first_at=f" (line {first.site.line})" if first.site is not None else "",
        )

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
        if not res.live or res.external or res.escaped:
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
