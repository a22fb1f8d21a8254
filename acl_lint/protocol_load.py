"""Read ``rules/`` into the typed, frozen records of :mod:`acl_lint.protocol`: the one place
that knows the file format. A malformed entry stops with :class:`RuleDataError` naming the file
and the entry."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

from . import apinames
from .protocol import (
    Api, ArgRole, CallbackInput, Endpoint, Keyed, Kind, Link, NullArg, Order, Protocol, Sequence, Step,
    RETURN_SHAPES, STATUS_KINDS, SYNC_KINDS,
)
from .ruledata import Entry as _Entry
from .ruledata import RuleDataError, load_toml, rules_dir


_API_KEYS = (
    "call", "returns", "status", "acquires", "keyed_acquire", "keyed_release", "releases", "uses",
    "links", "alias_result", "borrow", "sets_context", "context_bound", "async_stream", "async_args",
    "sync", "records_event", "null_arg", "sources", "transfers", "callback_input",
)


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
            "assume_related", "option", "option_default", "sources", "enforce"))
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
            e.get("enforce", bool, True), e.get("option_default", bool, True),
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


_LOW_VALUE_WHEN = frozenset({"next_call_checked", "context_created_here", "dependents_checked"})
_LOW_VALUE_LEAK_WHEN = frozenset({"entry_returns"})


def _low_value_entries(tables, path: Path, section: str, fields, whens, apis):
    """(call, entry, when) of one section of rules/low_value.toml, each call and `when` checked."""
    for call, table in tables.get(section, {}).items():
        e = _Entry(path, f"{section} {call!r}", table, fields)
        if call.removeprefix("acl.") not in apis:
            e.fail(f"unknown call {call!r}")
        when = e.get("when", str, "")
        if when not in whens:
            e.fail(f"when must be one of {', '.join(sorted(whens))}, got {when!r}")
        yield call, e, when


def _load_low_value(path: Path, apis):
    """rules/low_value.toml, read once:
    - [status.*]: call -> the condition under which its unchecked status is noise, call -> the
      calls whose presence in the module keeps it worth reporting (``unless_module_calls``), and
      call -> the later calls its failure makes fail (``dependents``);
    - [leak.*]: call -> (when, entry_arg, unless_used_by)."""
    if not path.exists():
        return {}, {}, {}, {}
    tables = load_toml(path)
    statuses, unless, dependents = {}, {}, {}
    for call, e, when in _low_value_entries(tables, path, "status", ("when", "failure", "why", "unless_module_calls",
                                                                     "dependents"), _LOW_VALUE_WHEN, apis):
        statuses[call] = when
        unless[call] = e.str_list("unless_module_calls")
        dependents[call] = e.str_list("dependents", required=when == "dependents_checked")
        for other in dependents[call]:
            if other.removeprefix("acl.") not in apis:
                e.fail(f"unknown call {other!r} in dependents")
    leaks = {}
    for call, e, when in _low_value_entries(tables, path, "leak", ("when", "entry_arg", "unless_used_by", "why"),
                                            _LOW_VALUE_LEAK_WHEN, apis):
        used_by = e.str_list("unless_used_by")
        for other in used_by:
            if other.removeprefix("acl.") not in apis:
                e.fail(f"unknown call {other!r} in unless_used_by")
        leaks[call] = (when, e.get("entry_arg", int, 0), used_by)
    return statuses, unless, leaks, dependents


def load_protocol(directory: Optional[Path] = None) -> Protocol:
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
    low_value = _load_low_value(base / "low_value.toml", apis)
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
        low_value=low_value[0],
        low_value_unless=low_value[1],
        low_value_leaks=low_value[2],
        low_value_dependents=low_value[3],
    )
