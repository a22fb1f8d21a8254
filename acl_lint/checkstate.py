"""The state the checker (:mod:`acl_lint.typestate`) works on: where things happen (:class:`Site`),
the resources it tracks (:class:`Res`), one path's or one process's state (:class:`TState`) and
what a call did (:class:`CallResult`). Both engines build and read these records."""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as _dc_replace
from typing import Any, Callable, Dict, FrozenSet, Hashable, Iterable, List, Optional, Tuple

from .protocol import Order


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


_EMPTY: FrozenSet = frozenset()
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
    #: where a defect already reported on this path makes its leak implied (an ACL303 that
    #: passed it, or passed another handle where it was meant): its leak is not reported again
    implied: Optional[Site] = None
    _hash: Optional[int] = field(default=None, compare=False, repr=False)

    def __hash__(self) -> int:
        # states are merged by hashing every resource: remember it (the record is immutable)
        h = self._hash
        if h is None:
            h = hash((self.rid, self.kind, self.name, self.site, self.live, self.release_site, self.ctx,
                      self.links, self.seq, self.orphan, self.external, self.escaped, self.key, self.origin,
                      self.implied))
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

    __slots__ = ("res", "ctx", "pending", "recorded", "keyed", "released_then", "linked", "_mine")

    def __init__(self):
        self.res: Dict[Hashable, Res] = {}
        self.ctx: Optional[Hashable] = None  # current context; None = unknown
        self.pending: Dict[Hashable, FrozenSet[Hashable]] = {}  # stream -> resources touched by queued work
        self.recorded: Dict[Hashable, Tuple] = {}  # event -> (stream, work queued before the record)
        self.keyed: Dict[Tuple, Hashable] = {}  # (kind, key) -> rid
        self.released_then: Dict[int, Tuple[Site, str]] = {}  # id(order) -> where its `then` was released
        #: target rid -> {source rid: None}: who links to a resource (what a release and `owned` look
        #: at), so that their cost does not grow with the number of live linked resources
        self.linked: Dict[Hashable, Dict[Hashable, None]] = {}
        self._mine: set = set()  # targets whose inner dict this state may change (copy on write)

    def copy(self) -> "TState":
        new = TState.__new__(TState)
        new.res = dict(self.res)
        new.ctx = self.ctx
        new.pending = dict(self.pending)
        new.recorded = dict(self.recorded)
        new.keyed = dict(self.keyed)
        new.released_then = dict(self.released_then)
        new.linked = dict(self.linked)
        new._mine = set()
        self._mine = set()  # the inner dicts are shared now
        return new

    def index_links(self, src: Hashable, links) -> None:
        """Record that ``src`` links to the targets of ``links`` ((type, target), ...)."""
        for _typ, tgt in links:
            if tgt not in self._mine:
                self.linked[tgt] = dict(self.linked.get(tgt, ()))
                self._mine.add(tgt)
            self.linked[tgt][src] = None

    def linking(self, rid: Hashable) -> List["Res"]:
        """The live records of the resources that (may) link to ``rid``."""
        res = self.res
        return [res[s] for s in self.linked.get(rid, ()) if s in res]

    def key(self) -> Tuple:
        """Hashable identity, for merging equal states at join points."""
        empty = _EMPTY
        return (
            frozenset(self.res.items()),
            self.ctx,
            frozenset(self.pending.items()) if self.pending else empty,
            frozenset(self.recorded.items()) if self.recorded else empty,
            frozenset(self.keyed.items()) if self.keyed else empty,
            frozenset(self.released_then.items()) if self.released_then else empty,
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
