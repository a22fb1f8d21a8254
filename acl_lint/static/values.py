"""The abstract values and path state of the static interpreter.

Values (``None`` is unknown). Each is a typed, hashable pair ``(tag, payload)``: cheap to
make, merged by hashing, and ``v[0]`` says what it is:

- ``Handles(frozenset)`` ("r")  one of these resources
- ``Const(v)`` ("c")            a constant (``Const(0)`` and ``Const(None)`` are null handles)
- ``Status(sid)`` ("s")         the status returned by the call ``sid``
- ``Tup((v, ...))`` ("t")       a tuple
- ``Zipped((v, ...))`` ("z")    a zip / enumerate of iterables
- ``Box(bid)`` ("b")            a container (list/dict/set) holding the resources ``state.boxes[bid]``
- ``Elem(bid)`` ("e")           an element of that container

Resource ids: ``ext_id(key)`` for a handle from outside the function (a parameter, ``self.x``);
``(id(node), n)`` for what the call at ``node`` acquired; keyed resources by ``(kind, keys)``.

A :class:`PState` is one path: the environment, the typestate machine's state, container
contents, statuses, the leaking path so far, and whether the path ended (``dead``) or
returned a value (``returned``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Hashable, List, Optional, Set, Tuple

from ..typestate import Res, TState, replace
from .positions import NodeSite

MAX_STATES = 64  # path states kept per program point
_NONE: FrozenSet = frozenset()
LOOP_UNROLL = 2

class Value(tuple):
    """An abstract value: ``(TAG, payload)``, compared and hashed as that tuple."""

    __slots__ = ()
    TAG = ""

    def __new__(cls, payload):
        return tuple.__new__(cls, (cls.TAG, payload))

    def __getnewargs__(self):
        return (self[1],)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self[1]!r})"


class Handles(Value):
    """One of these resources (a frozenset of resource ids)."""

    __slots__ = ()
    TAG = "r"


class Const(Value):
    __slots__ = ()
    TAG = "c"


class Num(Value):
    """A number made by arithmetic on plain values (``w * h * 3 // 2``): never a handle."""

    __slots__ = ()
    TAG = "n"


class Status(Value):
    """The status a call returned (its id: ``("st", id(call))``)."""

    __slots__ = ()
    TAG = "s"


class Tup(Value):
    __slots__ = ()
    TAG = "t"


class Zipped(Value):
    __slots__ = ()
    TAG = "z"


class Box(Value):
    """A container of handles: ``state.boxes[bid]``."""

    __slots__ = ()
    TAG = "b"


class Elem(Value):
    """An element of the container ``bid``."""

    __slots__ = ()
    TAG = "e"


def ext_id(key: str, n: int = 0) -> Tuple:
    """The resource id of a handle from outside (``n``: rebound to another unknown handle)."""
    return ("ext", key, n) if n else ("ext", key)


UNKNOWN = None
NULLV = Const(None)
ZERO = Const(0)
FALSE = Const(False)


def is_null(v) -> bool:
    return v == NULLV or v == ZERO or v == FALSE


@dataclass
class StatusRec:
    site: NodeSite
    rids: FrozenSet[Hashable]
    read: bool
    checked_kind: bool  # ACL501 applies to this call's category
    call: str
    linked: Tuple = ()  # links the call made, undone on its failure branch


class PState:
    __slots__ = ("env", "ts", "boxes", "status", "err", "trace", "assume", "exit_site", "globals_", "nonnull",
                 "dead", "returned")

    def __init__(self):
        self.env: Dict[str, Any] = {}
        self.ts = TState()
        self.boxes: Dict[Hashable, FrozenSet[Hashable]] = {}
        self.status: Dict[Hashable, StatusRec] = {}
        self.err = False
        self.trace: Tuple = ()
        self.assume: Dict[Hashable, str] = {}
        self.exit_site = None
        self.globals_: FrozenSet[str] = frozenset()
        self.nonnull: FrozenSet[Hashable] = frozenset()  # handles a check showed to be non-null
        self.dead = False  # the path ended inside a statement (sys.exit, a check that must fail)
        self.returned: Any = None  # the value a `return` gave back (None: nothing or not returned)

    def copy(self) -> "PState":
        new = PState.__new__(PState)
        new.env = dict(self.env)
        new.ts = self.ts.copy()
        new.boxes = dict(self.boxes)
        new.status = {k: StatusRec(v.site, v.rids, v.read, v.checked_kind, v.call, v.linked)
                      for k, v in self.status.items()}
        new.err = self.err
        new.trace = self.trace
        new.assume = dict(self.assume)
        new.exit_site = self.exit_site
        new.globals_ = self.globals_
        new.nonnull = self.nonnull
        new.dead = self.dead
        new.returned = self.returned
        return new

    def status_refs(self) -> Set[Hashable]:
        """Statuses a later check can still read (bound to a variable, alone or in a tuple):
        what was assumed about any other status can never be consulted again."""
        refs: Set[Hashable] = set()
        for v in self.env.values():
            if v is None:
                continue
            if v[0] == "s":
                refs.add(v[1])
            elif v[0] in ("t", "z"):
                refs.update(x[1] for x in v[1] if x is not None and x[0] == "s")
        return refs

    def key(self):
        """Identity for merging equal paths: unknown bindings, and statuses already read that
        no variable holds any more, are left out (no rule can tell such paths apart). One pass
        over the bindings (the statuses they hold, as :meth:`status_refs`); empty parts shared."""
        env_items = []
        refs = set()
        for kv in self.env.items():
            v = kv[1]
            if v is None:
                continue
            env_items.append(kv)
            tag = v[0]
            if tag == "s":
                refs.add(v[1])
            elif tag == "t" or tag == "z":
                refs.update(x[1] for x in v[1] if x is not None and x[0] == "s")
        status, assume = self.status, self.assume
        return (
            frozenset(env_items),
            self.ts.key(),
            frozenset(self.boxes.items()) if self.boxes else _NONE,
            frozenset((k, v.read, v.rids) for k, v in status.items() if not v.read or k in refs) if status else _NONE,
            self.err,
            frozenset(kv for kv in assume.items() if kv[0] in refs or (type(kv[0]) is tuple and kv[0][0] == "truth")) if assume else _NONE,
            self.dead,
            self.returned,
        )

    def head_key(self):
        """The state as far as any rule can tell at a loop head: bindings and containers that
        hold no live handle of this function (unknown values, loop variables over plain data,
        external elements; constants and statuses stay) are left out, and the n-th instance of an
        acquisition counts as the first (a widening): a loop reaches its fixed point instead of
        being unrolled once per enclosing iteration."""
        live = {rid for rid, r in self.ts.res.items() if r.live and not r.external}
        env = frozenset((k, canon_value(v)) for k, v in self.env.items()
                        if v is not None and (v[0] in ("s", "c") or self.rids_of(v) & live))
        boxes = frozenset((b, frozenset(map(canon_rid, rs))) for b, rs in self.boxes.items() if rs & live)
        res = frozenset(
            (canon_rid(rid), r.kind, r.live, r.escaped, r.external, r.seq, r.release_api, r.orphan is None,
             tuple((t, canon_rid(x)) for t, x in r.links))
            for rid, r in self.ts.res.items())
        pending = frozenset((canon_rid(k), frozenset(map(canon_rid, v))) for k, v in self.ts.pending.items())
        refs = self.status_refs()
        status = frozenset((k, v.read, frozenset(map(canon_rid, v.rids)))
                           for k, v in self.status.items() if not v.read or k in refs)
        assume = frozenset(kv for kv in self.assume.items() if kv[0] in refs or (type(kv[0]) is tuple and kv[0][0] == "truth"))
        return (env, res, canon_rid(self.ts.ctx), pending, boxes, status, self.err, assume, self.dead)

    def coarse_key(self):
        """Over the path budget: states that differ only in whether a dead handle was released or
        never acquired (the two branches of `if self.x: destroy(self.x)`) are one for the rules."""
        live = {rid for rid, r in self.ts.res.items() if r.live}
        return (
            frozenset(kv for kv in self.env.items()
                      if kv[1] is not None and not is_null(kv[1]) and (kv[1][0] != "r" or kv[1][1] & live)),
            frozenset(kv for kv in self.ts.res.items() if kv[1].live),
            self.ts.ctx, frozenset(self.ts.pending.items()),
            frozenset(self.boxes.items()),
            frozenset(k for k, v in self.status.items() if not v.read),
            self.err, self.dead, self.returned,
        )

    def rids_of(self, v) -> FrozenSet[Hashable]:
        if v is None or not isinstance(v, tuple):
            return frozenset()
        tag = v[0]
        if tag == "r":
            return v[1]
        if tag in ("b", "e"):
            return self.boxes.get(v[1], frozenset())
        if tag == "t" or tag == "z":
            out: Set[Hashable] = set()
            for x in v[1]:
                out |= self.rids_of(x)
            return frozenset(out)
        return frozenset()

    def add_trace(self, site, text: str, kind: str = "step") -> None:
        if len(self.trace) < 40:
            self.trace = self.trace + ((site, text, kind),)


@dataclass
class Outcome:
    normal: List[PState] = field(default_factory=list)
    ret: List[PState] = field(default_factory=list)
    exc: List[PState] = field(default_factory=list)
    brk: List[PState] = field(default_factory=list)
    cont: List[PState] = field(default_factory=list)

    def extend(self, other: "Outcome", normal: bool = True) -> None:
        if normal:
            self.normal.extend(other.normal)
        self.ret.extend(other.ret)
        self.exc.extend(other.exc)
        self.brk.extend(other.brk)
        self.cont.extend(other.cont)


def canon_rid(rid):
    """An acquisition's n-th instance ``(site, n)`` as its site."""
    return rid[0] if type(rid) is tuple and len(rid) == 2 and type(rid[1]) is int else rid


def canon_value(v):
    """A value with its resource ids as :func:`canon_rid` (for :meth:`PState.head_key`)."""
    if v is None:
        return None
    tag = v[0]
    if tag == "r":
        return ("r", frozenset(map(canon_rid, v[1])))
    if tag in ("t", "z"):
        return (tag, tuple(canon_value(x) for x in v[1]))
    return v


def dedupe(states: List[PState], cuts: Optional[List[int]] = None) -> List[PState]:
    """Equal states merged (a failed path gives way to an equal normal one). Over
    ``MAX_STATES`` states are joined (``static/joins.py``) and, if that is not enough, the
    paths farthest from success are dropped and the count is appended to ``cuts``."""
    if len(states) <= 1:
        return states
    seen = {}
    for s in states:
        k = s.key()
        if k not in seen:
            seen[k] = s
        else:
            old = seen[k]
            if old.err and not s.err:
                seen[k] = s
            elif old.err == s.err and old.trace != s.trace:
                old.trace = common_branches(old.trace, s.trace)
    out = list(seen.values())
    if len(out) > MAX_STATES:
        from .joins import over_budget

        out = over_budget(out, cuts)
    return out


def common_branches(kept: Tuple, other: Tuple) -> Tuple:
    """``kept`` without the branches ``other`` did not take: two paths that reach the same state
    through different sides of a test show that the test decided nothing (explanations are true)."""
    taken = {(id(getattr(t, "node", None)), getattr(t, "truth", None)) for _s, t, k in other if k == "branch"}
    out = tuple(step for step in kept if step[2] != "branch"
                or (id(getattr(step[1], "node", None)), getattr(step[1], "truth", None)) in taken)
    return out if len(out) != len(kept) else kept


@dataclass
class LeakRecord:
    res: Res
    kinds: Set[str]  # "normal" | "error" | "iter" | "overwrite"
    exit_site: Any = None
    trace: Tuple = ()
    overwrite_site: Any = None
    code: str = "ACL101"
    failed: Tuple = ()  # (site, call) of the statuses the path (``trace``) assumes failed


def ext_path(res: Res) -> str:
    """The access path of a handle from outside (``self.ds``, ``ds/added_to`` for what was
    borrowed from it), from its resource id; its name for other resources."""
    rid = res.rid
    if isinstance(rid, tuple) and len(rid) >= 2 and rid[0] == "ext" and isinstance(rid[1], str):
        return rid[1]
    return res.name


def _replace(res: Res, **kw) -> Res:
    return replace(res, **kw)


def _escaped(res: Res) -> Res:
    return replace(res, escaped=True)

