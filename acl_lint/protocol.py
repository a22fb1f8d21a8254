"""The protocol of ``rules/`` as typed, frozen objects: everything else asks a :class:`Protocol`.

:mod:`acl_lint.protocol_load` reads and validates the files (the only place that knows their
format); a malformed entry stops with :class:`~acl_lint.ruledata.RuleDataError` naming the file
and the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Mapping, Optional, Tuple, Union

from .apinames import ApiNames, UnknownApi, below_acl
from .ruledata import RuleDataError  # noqa: F401  (re-exported: what load raises)

RETURN_SHAPES = ("handle", "value_ret", "values_ret", "ret", "value", "none")
STATUS_KINDS = ("acquire", "use", "execute", "memcpy", "sync", "release", "query", "config")
#: statuses whose ignoring ACL501 reports by default
CHECKED_STATUSES = frozenset({"acquire", "use", "execute", "memcpy", "sync"})
SYNC_KINDS = ("stream", "event", "device")

Endpoint = Union[str, int]  # "result", "context", "<kind>:<arg>" or an arg index


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    family: str = ""
    scope: str = "function"  # "function" | "process"
    sources: Tuple[str, ...] = ()
    leak: bool = True
    before_finalize: bool = False  # must be released before acl.finalize (the finalize order)


@dataclass(frozen=True)
class ArgRole:
    arg: int
    kinds: FrozenSet[str]  # kinds, families, or {"any"}
    ref: bool = False  # referenced only (create_data_buffer): not an access for ACL202


@dataclass(frozen=True)
class Link:
    """A link an API makes between resources (`links` in api/*.toml): source -type-> target."""

    source: Endpoint
    target: Endpoint
    type: str


@dataclass(frozen=True)
class Keyed:
    """A resource known by the values of some arguments (the device of set_device)."""

    kind: str
    key: Tuple[int, ...]


@dataclass(frozen=True)
class NullArg:
    """A literal 0/None at ``arg`` is a finding ``code`` (`null_arg` in api/*.toml)."""

    arg: int
    code: str
    message: str


@dataclass(frozen=True)
class CallbackInput:
    """`callback_input` of api/*.toml: the callback (this call's arg `callback_arg`, or that arg of
    the call `registered_by` registering it) receives this call's `args` as its first parameters."""

    callback_arg: int
    args: Tuple[int, ...]
    registered_by: str = ""


@dataclass(frozen=True)
class Api:
    call: str  # below the acl module: "rt.malloc"
    returns: str
    status: str = ""
    acquires: str = ""
    keyed_acquire: Optional[Keyed] = None
    keyed_release: Optional[Keyed] = None
    releases: Tuple[ArgRole, ...] = ()
    uses: Tuple[ArgRole, ...] = ()
    links: Tuple[Link, ...] = ()
    alias_result: Optional[Endpoint] = None  # an arg index, or "context": the current context
    borrow: Optional[Tuple[int, str]] = None  # (arg, link type)
    sets_context: Optional[Endpoint] = None
    context_bound: Tuple[int, ...] = ()
    async_stream: Optional[int] = None
    async_args: Tuple[int, ...] = ()
    sync: str = ""
    records_event: Optional[Tuple[int, int]] = None
    null_args: Tuple[NullArg, ...] = ()
    sources: Tuple[str, ...] = ()
    transfers: Tuple[int, ...] = ()  # args whose ownership goes with the call (released by a callback)
    callback_input: Optional["CallbackInput"] = None  # which args a callback receives (callbacks.py)

    @property
    def qualname(self) -> str:
        return "acl." + self.call

    @property
    def has_status(self) -> bool:
        return self.returns in ("ret", "value_ret", "values_ret")

    @property
    def is_release(self) -> bool:
        return bool(self.releases or self.keyed_release)

    @property
    def is_acquire(self) -> bool:
        return bool(self.acquires or self.keyed_acquire)

    def handle_args(self) -> Tuple[int, ...]:
        """Arg indices whose handles the call looks at."""
        idx = {r.arg for r in self.releases} | {u.arg for u in self.uses}
        idx |= set(self.context_bound) | set(self.async_args)
        for link in self.links:
            for end in (link.source, link.target):
                if isinstance(end, int):
                    idx.add(end)
        if isinstance(self.alias_result, int):
            idx.add(self.alias_result)
        if self.borrow:
            idx.add(self.borrow[0])
        if isinstance(self.sets_context, int):
            idx.add(self.sets_context)
        if self.async_stream is not None:
            idx.add(self.async_stream)
        if self.records_event:
            idx.update(self.records_event)
        return tuple(sorted(idx))


@dataclass(frozen=True)
class Order:
    first: FrozenSet[str]
    then: FrozenSet[str]
    link: str
    code: str
    message: str
    leak_code: str = ""
    immediate: bool = False
    owns: bool = False
    assume_related: bool = False
    option: str = ""
    sources: Tuple[str, ...] = ()
    enforce: bool = True  # False: ownership only, no order is checked
    option_default: bool = True  # False: opt-in, checked only when ``option`` is set to true


@dataclass(frozen=True)
class Step:
    calls: FrozenSet[str]
    arg: int
    allowed: FrozenSet[str]
    to: str
    error: FrozenSet[str] = frozenset()
    message: str = ""
    via: str = ""  # "" | "owned"
    when_null: Tuple[int, ...] = ()
    creates: Optional[Tuple[str, str]] = None  # (kind, link type)
    normal_paths_only: bool = False


@dataclass(frozen=True)
class Sequence:
    kind: str
    code: str
    initial: str
    steps: Tuple[Step, ...]
    initial_when_null: Optional[Tuple[Tuple[int, ...], str]] = None
    sources: Tuple[str, ...] = ()


@dataclass
class Protocol:
    kinds: Dict[str, Kind]
    apis: Dict[str, Api]
    orders: Tuple[Order, ...]
    sequences: Dict[str, Sequence]
    #: link types through which the target owns the source (wrapped_by, added_to)
    owning_links: FrozenSet[str] = field(default=frozenset())
    #: call name -> steps of sequences touching it, precomputed for the hot path
    steps_by_call: Dict[str, Tuple[Tuple[Sequence, Step], ...]] = field(default_factory=dict)
    #: kind -> orders where the kind is `then`
    orders_by_then: Dict[str, Tuple[Order, ...]] = field(default_factory=dict)
    #: kind -> position in a safe release order (what must go first has a lower rank)
    release_rank: Dict[str, int] = field(default_factory=dict)
    #: calls that need a current context on the calling thread (context.toml, runtime)
    needs_context: FrozenSet[str] = field(default=frozenset())
    #: call -> what it does to the current context of threads (context.toml, runtime)
    context_effects: Dict[str, str] = field(default_factory=dict)
    #: which acl.* names exist (rules/pyacl_names.toml) and which are invented (unknown_api.toml)
    names: ApiNames = field(default_factory=ApiNames)
    #: call -> when its unchecked status is low value (rules/low_value.toml)
    low_value: Dict[str, str] = field(default_factory=dict)
    #: call -> calls whose presence in the module keeps its unchecked status worth reporting
    low_value_unless: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    #: call -> the later calls its failure makes fail (``dependents_checked``)
    low_value_dependents: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    #: call -> (when, entry arg, calls whose use of the handle keeps its leak worth reporting)
    #: for a handle whose leak is low value (rules/low_value.toml [leak.*])
    low_value_leaks: Dict[str, Tuple[str, int, Tuple[str, ...]]] = field(default_factory=dict)

    def kind_matches(self, kind: str, wanted: FrozenSet[str]) -> bool:
        if "any" in wanted or kind in wanted:
            return True
        k = self.kinds.get(kind)
        return bool(k and k.family and k.family in wanted)

    def label(self, kind: str) -> str:
        k = self.kinds.get(kind)
        if k is None and "|" in kind:
            return " / ".join(self.label(x) for x in kind.split("|"))
        return k.label if k else "handle"

    def api(self, call: str) -> Optional[Api]:
        """The catalogued API for ``rt.malloc`` or ``acl.rt.malloc``, else None."""
        return self.apis.get(below_acl(call))

    def release_calls(self, kind: str) -> Tuple[str, ...]:
        """Qualified names of the catalogued APIs that release a ``kind`` resource."""
        out = []
        for api in self.apis.values():
            kinds = {k for role in api.releases for k in role.kinds}
            if api.keyed_release is not None:
                kinds.add(api.keyed_release.kind)
            if any(self.kind_matches(kind, frozenset({k})) for k in kinds):
                out.append(api.qualname)
        return tuple(sorted(out))

    def is_pyacl_name(self, name: str) -> bool:
        """True when ``name`` (``acl.x.y`` or ``x.y``) is a pyACL function: catalogued, or
        registered by the binding (rules/pyacl_names.toml) though not described yet."""
        return below_acl(name) in self.apis or self.names.exists(name)

    def invented(self, name: str) -> Optional[UnknownApi]:
        """The rules/unknown_api.toml entry when public code is known to call ``name``
        believing it is a pyACL API (it is not)."""
        return self.names.unknown.get(below_acl(name))

    @property
    def unknown(self) -> Mapping[str, UnknownApi]:
        return self.names.unknown

    def closest_api(self, name: str) -> Optional[str]:
        """"Did you mean": ``acl.<call>`` for a catalogued name itself; for another name the
        API it was probably meant as (rules/unknown_api.toml first, then the closest real
        name by difflib, same submodule first), or None."""
        if below_acl(name) in self.apis:
            return "acl." + below_acl(name)
        return self.names.closest(name, self.apis)


# --------------------------------------------------------------------------- loading


def load(directory: Optional[Path] = None) -> Protocol:
    """Read and validate every rule file below ``directory`` (default: the shipped rules)."""
    from .protocol_load import load_protocol  # the file format: only when rules are read

    return load_protocol(directory)


@lru_cache(maxsize=None)
def default() -> Protocol:
    """The shipped protocol, loaded once per process."""
    return load()
