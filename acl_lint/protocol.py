"""Load and validate ``rules/`` into typed, frozen objects.

This is the only place that knows the file format; everything else asks a
:class:`Protocol`. A malformed entry stops with :class:`RuleDataError` naming
the file and the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

from . import apinames
from .apinames import ApiNames, UnknownApi, below_acl
from .ruledata import RuleDataError, load_toml, rules_dir

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


class _Entry:
    """Typed access to one TOML table with error messages naming file and entry."""

    def __init__(self, path: Path, what: str, data: Mapping[str, Any], allowed: Tuple[str, ...]):
        self.path, self.what, self.data = path, what, data
        if not isinstance(data, Mapping):
            self.fail("must be a table")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)}")

    def fail(self, msg: str):
        raise RuleDataError(f"{self.path.name}: {self.what}: {msg}")

    def get(self, key: str, typ, default=None, required=False):
        if key not in self.data:
            if required:
                self.fail(f"missing key {key!r}")
            return default
        value = self.data[key]
        if typ is not None and not isinstance(value, typ) or isinstance(value, bool) and typ is int:
            self.fail(f"key {key!r} must be {getattr(typ, '__name__', typ)}, got {value!r}")
        return value

    def str_list(self, key: str, default=(), required=False) -> Tuple[str, ...]:
        value = self.get(key, (str, list), None, required)
        if value is None:
            return tuple(default)
        if isinstance(value, str):
            return (value,)
        if not all(isinstance(v, str) for v in value):
            self.fail(f"key {key!r} must be a string or a list of strings")
        return tuple(value)

    def int_list(self, key: str) -> Tuple[int, ...]:
        value = self.get(key, list, [])
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
            self.fail(f"key {key!r} must be a list of argument indices")
        return tuple(value)


_API_KEYS = (
    "call", "returns", "status", "acquires", "keyed_acquire", "keyed_release", "releases", "uses",
    "links", "alias_result", "borrow", "sets_context", "context_bound", "async_stream", "async_args",
    "sync", "records_event", "null_arg", "sources", "transfers", "callback_input",
)


@dataclass(frozen=True)
class CallbackInput:
    """`callback_input` of api/*.toml: the callback (this call's arg `callback_arg`, or that arg of
    the call `registered_by` registering it) receives this call's `args` as its first parameters."""

    callback_arg: int
    args: Tuple[int, ...]
    registered_by: str = ""


def _callback_input(e: "_Entry", apis_hint=None) -> Optional[CallbackInput]:
    data = e.get("callback_input", dict)
    if data is None:
        return None
    sub = _Entry(e.path, f"{e.what} callback_input", data, ("callback_arg", "args", "registered_by"))
    return CallbackInput(sub.get("callback_arg", int, required=True), sub.int_list("args"),
                         sub.get("registered_by", str, ""))


def _load_kinds(path: Path) -> Dict[str, Kind]:
    data = load_toml(path).get("kind", {})
    kinds = {}
    for name, table in data.items():
        e = _Entry(path, f"kind {name!r}", table, ("label", "family", "scope", "sources", "leak",
                                                     "before_finalize"))
        scope = e.get("scope", str, "function")
        if scope not in ("function", "process"):
            e.fail(f"scope must be 'function' or 'process', got {scope!r}")
        kinds[name] = Kind(name, e.get("label", str, required=True), e.get("family", str, ""), scope,
                           e.str_list("sources"), e.get("leak", bool, True), e.get("before_finalize", bool, False))
    return kinds


def _kind_names(kinds: Dict[str, Kind]) -> FrozenSet[str]:
    return frozenset(kinds) | frozenset(k.family for k in kinds.values() if k.family) | {"any"}


def _endpoint(e: _Entry, value, kinds) -> Endpoint:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if value in ("result", "context"):
        return value
    if isinstance(value, str) and ":" in value:
        kind, _, arg = value.partition(":")
        if kind in kinds and arg.isdigit():
            return value
    e.fail(f"link endpoint must be 'result', 'context', '<kind>:<arg>' or an arg index, got {value!r}")


def _items(e: _Entry, key: str, fields: Tuple[str, ...]):
    """The entries of the list of tables ``key`` of ``e`` (`links`, `null_arg`, `uses`...),
    each checked as it is reached."""
    for item in e.get(key, list, []):
        yield _Entry(e.path, f"{e.what} {key}", item, fields)


def _pair(e: _Entry, key: str, fields: Tuple[Tuple[str, type], ...]) -> Optional[tuple]:
    """The inline table ``key`` of ``e`` whose fields are all required, as a tuple
    (`borrow`, `records_event`); None when absent."""
    data = e.get(key, dict)
    if data is None:
        return None
    sub = _Entry(e.path, f"{e.what} {key}", data, tuple(name for name, _ in fields))
    return tuple(sub.get(name, typ, required=True) for name, typ in fields)


def _api_status(e: _Entry) -> Tuple[str, str]:
    """`returns` and `status` of an api entry, checked against each other."""
    returns = e.get("returns", str, required=True)
    if returns not in RETURN_SHAPES:
        e.fail(f"returns must be one of {', '.join(RETURN_SHAPES)}, got {returns!r}")
    status = e.get("status", str, "")
    if status and status not in STATUS_KINDS:
        e.fail(f"status must be one of {', '.join(STATUS_KINDS)}, got {status!r}")
    if returns in ("ret", "value_ret", "values_ret") and not status:
        e.fail("a call that returns a status needs a `status` category")
    return returns, status


def _load_api(path: Path, i: int, table, kinds: Dict[str, Kind]) -> Api:
    call = table.get("call", f"#{i + 1}") if isinstance(table, Mapping) else f"#{i + 1}"
    e = _Entry(path, f"api {call!r}", table, _API_KEYS)
    names = _kind_names(kinds)

    def kind(name: str) -> str:
        if name not in kinds:
            e.fail(f"unknown kind {name!r}")
        return name

    def roles(key: str) -> Tuple[ArgRole, ...]:
        out = []
        for sub in _items(e, key, ("arg", "kind", "ref")):
            wanted = sub.str_list("kind", required=True)
            for w in wanted:
                if w not in names:
                    sub.fail(f"unknown kind {w!r}")
            out.append(ArgRole(sub.get("arg", int, required=True), frozenset(wanted), sub.get("ref", bool, False)))
        return tuple(out)

    def keyed(key: str) -> Optional[Keyed]:
        table_ = e.get(key, dict)
        if table_ is None:
            return None
        sub = _Entry(path, f"api {call!r} {key}", table_, ("kind", "key"))
        return Keyed(kind(sub.get("kind", str, required=True)), sub.int_list("key"))

    returns, status = _api_status(e)
    acquires = e.get("acquires", str, "")
    if acquires:
        kind(acquires)
    links = tuple(Link(_endpoint(sub, sub.get("from", None, required=True), kinds),
                       _endpoint(sub, sub.get("to", None, required=True), kinds),
                       sub.get("type", str, required=True))
                  for sub in _items(e, "links", ("from", "to", "type")))
    borrow = _pair(e, "borrow", (("arg", int), ("link", str)))
    alias_result = e.get("alias_result", (str, int))
    if isinstance(alias_result, str) and alias_result != "context":
        e.fail("alias_result must be 'context' or an arg index")
    sets_context = e.get("sets_context", (str, int))
    if isinstance(sets_context, str) and sets_context != "result":
        e.fail("sets_context must be 'result' or an arg index")
    rec = _pair(e, "records_event", (("event", int), ("stream", int)))
    sync = e.get("sync", str, "")
    if sync and sync not in SYNC_KINDS:
        e.fail(f"sync must be one of {', '.join(SYNC_KINDS)}")
    nulls = tuple(NullArg(sub.get("arg", int, required=True), sub.get("code", str, required=True),
                          sub.get("message", str, required=True))
                  for sub in _items(e, "null_arg", ("arg", "code", "message")))
    async_stream = e.get("async_stream", int)
    return Api(
        call=e.get("call", str, required=True),
        returns=returns,
        status=status,
        acquires=acquires,
        keyed_acquire=keyed("keyed_acquire"),
        keyed_release=keyed("keyed_release"),
        releases=roles("releases"),
        uses=roles("uses"),
        links=links,
        alias_result=alias_result,
        borrow=borrow,
        sets_context=sets_context,
        context_bound=e.int_list("context_bound"),
        async_stream=async_stream,
        async_args=e.int_list("async_args"),
        sync=sync,
        records_event=rec,
        null_args=nulls,
        sources=e.str_list("sources", required=True),
        transfers=e.int_list("transfers"),
        callback_input=_callback_input(e),
    )


def _load_orders(path: Path, kinds) -> Tuple[Order, ...]:
    out = []
    for i, table in enumerate(load_toml(path).get("order", [])):
        e = _Entry(path, f"order #{i + 1}", table, (
            "first", "first_kinds_with", "then", "link", "code", "message", "leak_code", "immediate", "owns",
            "assume_related", "option", "sources", "enforce"))
        attr = e.get("first_kinds_with", str, "")
        if attr:  # the kinds that have this attribute set in kinds.toml
            if attr not in ("before_finalize",) or "first" in table:
                e.fail("first_kinds_with names a boolean kind attribute (before_finalize), instead of `first`")
            first = tuple(sorted(k for k, kind in kinds.items() if getattr(kind, attr)))
        else:
            first = e.str_list("first", required=True)
        then = e.str_list("then", required=True)
        for k in first + then:
            if k not in kinds:
                e.fail(f"unknown kind {k!r}")
        out.append(Order(
            frozenset(first), frozenset(then), e.get("link", str, required=True),
            e.get("code", str, required=True), e.get("message", str, required=True),
            e.get("leak_code", str, ""), e.get("immediate", bool, False), e.get("owns", bool, False),
            e.get("assume_related", bool, False), e.get("option", str, ""), e.str_list("sources"),
            e.get("enforce", bool, True),
        ))
    return tuple(out)


def _load_sequences(path: Path, kinds, apis) -> Dict[str, Sequence]:
    out = {}
    for i, table in enumerate(load_toml(path).get("sequence", [])):
        e = _Entry(path, f"sequence #{i + 1}", table,
                   ("kind", "code", "initial", "initial_when_null", "step", "sources"))
        kind = e.get("kind", str, required=True)
        if kind not in kinds:
            e.fail(f"unknown kind {kind!r}")
        steps = []
        for j, st in enumerate(e.get("step", list, [])):
            s = _Entry(path, f"sequence {kind!r} step #{j + 1}", st,
                       ("calls", "arg", "allowed", "to", "error", "message", "via", "when_null", "creates",
                        "normal_paths_only"))
            calls = s.str_list("calls", required=True)
            for c in calls:
                if c not in apis:
                    s.fail(f"unknown call {c!r}")
            via = s.get("via", str, "")
            if via not in ("", "owned"):
                s.fail("via must be 'owned'")
            error = s.str_list("error")
            if error and not s.get("message", str, ""):
                s.fail("a step with error states needs a message")
            creates = s.get("creates", dict)
            if creates is not None:
                c = _Entry(path, f"sequence {kind!r} step #{j + 1} creates", creates, ("kind", "link"))
                ck = c.get("kind", str, required=True)
                if ck not in kinds:
                    c.fail(f"unknown kind {ck!r}")
                creates = (ck, c.get("link", str, required=True))
            steps.append(Step(frozenset(calls), s.get("arg", int, required=True),
                              frozenset(s.str_list("allowed", required=True)), s.get("to", str, required=True),
                              frozenset(error), s.get("message", str, ""), via, s.int_list("when_null"),
                              creates, s.get("normal_paths_only", bool, False)))
        iwn = e.get("initial_when_null", dict)
        if iwn is not None:
            s = _Entry(path, f"sequence {kind!r} initial_when_null", iwn, ("args", "state"))
            iwn = (s.int_list("args"), s.get("state", str, required=True))
        out[kind] = Sequence(kind, e.get("code", str, required=True), e.get("initial", str, required=True),
                             tuple(steps), iwn, e.str_list("sources"))
    return out


_EFFECTS = frozenset({"device_default", "device_reset", "device_reset_all", "result", "arg", "destroy", "clear",
                      "clear_on_zero", "none"})


def _load_context(path: Path, apis) -> Tuple[FrozenSet[str], Dict[str, str]]:
    e = _Entry(path, "context", load_toml(path), ("needs", "effect"))
    needs = e.str_list("needs", required=True)
    effects = e.get("effect", dict, {})
    for call in list(needs) + list(effects):
        if call not in apis:
            e.fail(f"unknown call {call!r}")
    for call, effect in effects.items():
        if effect not in _EFFECTS:
            e.fail(f"effect of {call!r} must be one of {', '.join(sorted(_EFFECTS))}, got {effect!r}")
    return frozenset(needs), dict(effects)


_LOW_VALUE_WHEN = frozenset({"next_call_checked"})


def _load_low_value(path: Path, apis) -> Dict[str, str]:
    """rules/low_value.toml: call -> the condition under which its unchecked status is noise."""
    if not path.exists():
        return {}
    out = {}
    for call, table in load_toml(path).get("status", {}).items():
        e = _Entry(path, f"status {call!r}", table, ("when", "failure", "why"))
        if call.removeprefix("acl.") not in apis:
            e.fail(f"unknown call {call!r}")
        when = e.get("when", str, "")
        if when not in _LOW_VALUE_WHEN:
            e.fail(f"when must be one of {', '.join(sorted(_LOW_VALUE_WHEN))}, got {when!r}")
        out[call] = when
    return out


def load(directory: Optional[Path] = None) -> Protocol:
    """Read and validate every rule file below ``directory`` (default: the shipped rules)."""
    base = Path(directory) if directory else rules_dir()
    kinds = _load_kinds(base / "kinds.toml")
    apis: Dict[str, Api] = {}
    api_files = sorted((base / "api").glob("*.toml"))
    if not api_files:
        raise RuleDataError(f"{base / 'api'}: no API files")
    for path in api_files:
        entries = load_toml(path).get("api", [])
        if not isinstance(entries, list):
            raise RuleDataError(f"{path.name}: `api` must be an array of tables ([[api]])")
        for i, table in enumerate(entries):
            api = _load_api(path, i, table, kinds)
            if api.call in apis:
                raise RuleDataError(f"{path.name}: api {api.call!r}: defined twice")
            apis[api.call] = api
    orders = _load_orders(base / "orders.toml", kinds)
    sequences = _load_sequences(base / "sequences.toml", kinds, apis)
    needs_context, context_effects = _load_context(base / "context.toml", apis)
    steps_by_call: Dict[str, List[Tuple[Sequence, Step]]] = {}
    for seq in sequences.values():
        for st in seq.steps:
            for c in st.calls:
                steps_by_call.setdefault(c, []).append((seq, st))
    by_then: Dict[str, List[Order]] = {}
    for o in orders:
        for k in o.then:
            by_then.setdefault(k, []).append(o)
    rank = {k: 0 for k in kinds}
    for _ in range(len(kinds)):
        changed = False
        for o in orders:
            if o.link == "*":
                continue
            for t in o.then:
                need = max(rank[f] for f in o.first) + 1
                if rank[t] < need:
                    rank[t], changed = need, True
        if not changed:
            break
    return Protocol(
        release_rank=rank,
        kinds=kinds,
        apis=apis,
        orders=orders,
        sequences=sequences,
        owning_links=frozenset(o.link for o in orders if o.owns),
        steps_by_call={k: tuple(v) for k, v in steps_by_call.items()},
        orders_by_then={k: tuple(v) for k, v in by_then.items()},
        needs_context=needs_context,
        context_effects=context_effects,
        names=apinames.load(base, apis),
        low_value=_load_low_value(base / "low_value.toml", apis),
    )


@lru_cache(maxsize=None)
def default() -> Protocol:
    """The shipped protocol, loaded once per process."""
    return load()
