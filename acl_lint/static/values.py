"""The abstract values and path state of the static interpreter.

Values (hashable tuples tagged by their first item; ``None`` is unknown):

- ``("r", frozenset)``  one of these resources
- ``("c", v)``          a constant (``("c", 0)`` and ``("c", None)`` are null handles)
- ``("s", sid)``        the status returned by the call ``sid``
- ``("t", (v, ...))``   a tuple
- ``("z", (v, ...))``   a zip / enumerate of iterables
- ``("b", bid)``        a container (list/dict/set) holding the resources ``state.boxes[bid]``
- ``("e", bid)``        an element of that container

A :class:`PState` is one path: the environment, the typestate machine's state, container
contents, statuses, the leaking path so far, and whether the path ended (``dead``) or
returned a value (``returned``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Hashable, List, Set, Tuple

from ..typestate import Res, TState, replace
from .positions import NodeSite

MAX_STATES = 48  # path states kept per program point
LOOP_UNROLL = 2

UNKNOWN = None
NULLV = ("c", None)
ZERO = ("c", 0)


def is_null(v) -> bool:
    return v == NULLV or v == ZERO or v == ("c", False)


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

    def key(self):
        return (
            frozenset(self.env.items()),
            self.ts.key(),
            frozenset(self.boxes.items()),
            frozenset((k, v.read, v.rids) for k, v in self.status.items()),
            self.err,
            frozenset(self.assume.items()),
            self.dead,
            self.returned,
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


def dedupe(states: List[PState]) -> List[PState]:
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
    out = list(seen.values())
    return out[:MAX_STATES]


@dataclass
class LeakRecord:
    res: Res
    kinds: Set[str]  # "normal" | "error" | "iter" | "overwrite"
    exit_site: Any = None
    trace: Tuple = ()
    overwrite_site: Any = None
    code: str = "ACL101"


def _replace(res: Res, **kw) -> Res:
    return replace(res, **kw)


def _escaped(res: Res) -> Res:
    return replace(res, escaped=True)

