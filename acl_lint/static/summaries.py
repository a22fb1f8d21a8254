"""Function summaries: computed from a function's own interpretation, applied at its call sites.

A summary says which parameters a project helper releases, checks (a check helper raises
on a non-zero status) or keeps; which fresh handles it returns and what they own; which
attributes of ``self`` a method releases, nulls or acquires. Summaries are computed
bottom-up on demand with recursion cut off (a function being summarised that calls itself
is treated as unknown code), and applied by :class:`~acl_lint.static.summary_calls.SummaryCalls`, the part of the
interpreter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Set, Tuple

import libcst as cst

from ..protocol import Api
from .index import FunctionInfo, _blocks
from .liveness import names_in
from .positions import cst_dotted as dotted, cst_walk
from .resolve import acl_call_name
from .values import NULLV, PState, Status, StatusRec, ext_id, ext_path, is_null


class OwnedTemplate(NamedTuple):
    """A handle a returned handle owns (a dataset's buffer, a buffer's memory), made anew per call."""

    kind: str
    site: Any
    api: str
    name: str
    parent: Optional[int]  # index of the owning template, None: the returned handle itself
    link: str
    keyed: bool  # known by its owner (a channel by its description)


@dataclass
class Summary:
    params: Tuple[str, ...]
    releases: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    escapes: Set[str] = field(default_factory=set)
    checks: Set[str] = field(default_factory=set)
    returns: Optional[Tuple[Tuple[Optional[int], str], ...]] = None  # ((tuple index or None, kind), ...)
    returns_len: int = 0
    #: per returned handle: what it owns
    returns_owned: Dict[int, Tuple[OwnedTemplate, ...]] = field(default_factory=dict)
    #: tuple slots holding a list of the handles made: (index, kinds)
    returns_boxes: Tuple[Tuple[int, FrozenSet[str]], ...] = ()
    #: a returned list of fresh handles: their kinds (each stands for the elements of that kind)
    returns_list: FrozenSet[str] = frozenset()
    releases_keyed: Dict[str, str] = field(default_factory=dict)  # param -> kind keyed by it
    release_sites: Dict[str, Any] = field(default_factory=dict)  # param -> where the helper releases it
    releases_attrs: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    nulls_attrs: Set[str] = field(default_factory=set)
    acquires_attrs: Dict[str, Tuple[str, str]] = field(default_factory=dict)
    always_raises: bool = False
    #: what some path returns as None (`return None`, a bare return, the end: "all"; a tuple's
    #: None items: their indexes): an `is None` test of it is a real check
    none_items: FrozenSet[Any] = frozenset()
    #: parameters whose non-zero status makes the function return a truthy value, and a zero
    #: one a falsy value (a verdict helper: `if check_ret("malloc", ret): continue`)
    verdicts: Set[str] = field(default_factory=set)
    #: parameters (lists the caller passes) the function appends fresh handles to: their kinds;
    #: the handles are the caller's from then on (`def fill(out): out.append(acl.rt.malloc(...)[0])`)
    fills: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    #: a helper whose paths return different shapes (`return ptr` / `return ptr, buf`): the shape
    #: per tuple length (0: a single handle), chosen at the call by how its result is unpacked
    returns_by_arity: Dict[int, Tuple[Any, int, Any]] = field(default_factory=dict)
    #: the returned handles (their `returns` index) that every path checked non-null before
    #: returning them (the helper raises or returns otherwise): never 0, never None at the caller
    returns_nonnull: FrozenSet[Optional[int]] = frozenset()
    #: parameters whose stream every normal return synchronised (or learnt to be None)
    syncs: Set[str] = field(default_factory=set)


@dataclass(frozen=True)
class HelperApi(Api):
    """A project function standing in for an acl call in messages."""

    display: str = ""

    @property
    def qualname(self) -> str:  # type: ignore[override]
        return self.display


_RAISES = re.compile(r"\braise\b|\bexit\(|\babort\(")
EXIT_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit", "os.abort"})


def may_raise(fn: cst.FunctionDef) -> bool:
    """Whether a function body has a `raise` or an exit call (a statement walk, no codegen)."""
    todo = [fn.body.body if isinstance(fn.body, cst.IndentedBlock) else fn.body.body]
    while todo:
        for stmt in todo.pop():
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Raise, cst.Assert)):
                        return True
                    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                        if dotted(small.value.func) in EXIT_CALLS:
                            return True
            elif not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                todo.extend(_blocks(stmt))
    return False


def _kept_on_self(s: PState) -> Set:
    """Handles a method stored on ``self`` (a field or a container): the object owns them, and
    the caller that receives one too only borrows it (``self._descs[k] = d; return d``)."""
    kept: Set = set()
    for key, v in s.env.items():
        if key.startswith("self.") and v is not None:
            kept |= s.rids_of(v)
    return kept


def returns_constant(fn: cst.FunctionDef) -> bool:
    """Whether a function body has `return True/False/<int>` (a verdict helper candidate)."""
    todo = [fn.body.body if isinstance(fn.body, cst.IndentedBlock) else fn.body.body]
    while todo:
        for stmt in todo.pop():
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Return) and (
                            type(small.value) is cst.Integer or
                            type(small.value) is cst.Name and small.value.value in ("True", "False")):
                        return True
            elif not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                todo.extend(_blocks(stmt))
    return False


def body_of(fn: FunctionInfo):
    body = fn.node.body
    return body.body if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)) else ()


def live_rids(v) -> List:
    """The resource sets a returned value holds: the value itself or the handles of a tuple."""
    if v is not None and v[0] == "r":
        return [v]
    if v is not None and v[0] == "t":
        return [x for x in v[1] if x is not None and x[0] == "r"]
    return []


def _checked_returns(returns, rets: List[PState]) -> FrozenSet[Optional[int]]:
    """The returned handles every path showed non-null (a status or a test of the handle)
    before returning them: a helper that raises on each failure (`check_ret(ret); return buf`)."""
    out = set()
    for index, _kind in returns:
        if all(_returned_nonnull(s, index) for s in rets):
            out.add(index)
    return frozenset(out)


def _returned_nonnull(s: PState, index: Optional[int]) -> bool:
    v = s.returned
    if index is not None:
        v = v[1][index] if v is not None and v[0] == "t" and index < len(v[1]) else None
    if v is None or v[0] != "r":
        return is_null(v) if v is not None else False  # `return None, ...` is the none_items' business
    return bool(v[1]) and all(r in s.nonnull for r in v[1])


def returns_none_literally(fn: FunctionInfo) -> bool:
    """Does the function's own body (not nested functions or classes) say `return None` or `return`?
    (One pass over the function's cached nodes; nested scopes are looked at only if needed.)"""
    nodes = fn.module.positions.nodes(fn.node)
    found = [n for n in nodes if type(n) is cst.Return
             and (n.value is None or (type(n.value) is cst.Name and n.value.value == "None"))]
    if not found:
        return False
    nested = {id(x) for n in nodes[1:] if type(n) in (cst.FunctionDef, cst.ClassDef) for x in cst_walk(n)}
    return any(id(n) not in nested for n in found)


def _none_items(rets: List[PState]):
    """Where the returned values of these paths are None ("all", or the index in a tuple)."""
    for s in rets:
        v = s.returned
        if v == NULLV or (v is None and s.exit_site is None):
            yield "all"
        elif v is not None and v[0] == "t":
            yield from (i for i, x in enumerate(v[1]) if x == NULLV)


class Summaries:
    """The summaries of one run, keyed by function."""

    def __init__(self, engine):
        self.engine = engine
        self.protocol = engine.protocol
        self._done: Dict[int, Optional[Summary]] = {}
        self._computing: Set[int] = set()
        self._pseudo: Dict[int, HelperApi] = {}
        self._deps: Dict[int, Set[str]] = {}
        self._raises: Dict[int, bool] = {}  # id(module) -> its text raises or exits somewhere

    def of(self, fn: FunctionInfo) -> Optional[Summary]:
        """The summary of ``fn`` (None: unknown, e.g. recursion); records what it depends on."""
        index = self.engine.index
        key = id(fn)
        if key in self._done:
            index.consulted |= self._deps.get(key, set())
            index.consulted.add(fn.module.path)
            return self._done[key]
        if key in self._computing:
            return None  # recursion: unknown
        self._computing.add(key)
        saved, index.consulted = index.consulted, set()
        try:
            summ = self._summarise(fn)
        except Exception:  # a summary is an optimisation of precision; never fatal
            summ = None
        finally:
            self._computing.discard(key)
            deps = index.consulted | {fn.module.path}
            self._deps[key] = deps
            index.consulted = saved | deps
        self._done[key] = summ
        return summ

    def pseudo_api(self, fn: FunctionInfo) -> HelperApi:
        api = self._pseudo.get(id(fn))
        if api is None:
            api = HelperApi(call=fn.qualname, returns="none", display=f"{fn.qualname}()")
            self._pseudo[id(fn)] = api
        return api

    # ------------------------------------------------------------------ computing

    def _module_raises(self, mod) -> bool:
        """Whether the module's text has a `raise` or an exit call at all (searched once per module)."""
        key = id(mod)
        found = self._raises.get(key)
        if found is None:
            found = self._raises[key] = bool(_RAISES.search(mod.text))
        return found

    def _summarise(self, fn: FunctionInfo) -> Summary:
        summ = Summary(params=fn.params)
        params = [p.lstrip("*") for p in fn.params]
        interp, out = self.engine.run_fn(fn)
        rets = [s for s in out.ret if not s.dead]
        if not rets and out.exc:
            summ.always_raises = True
        for i, p in enumerate(params):
            if not (fn.is_method and i == 0):
                self._summarise_param(summ, fn.params[i], p, interp, rets, out.exc)
                self._summarise_fills(summ, fn.params[i], p, rets)
        if fn.is_method and rets:
            self._summarise_attrs(summ, rets)
        self._summarise_returns(summ, rets, interp)
        if rets:
            self._summarise_syncs(fn, summ, params)
        raising = fn.name in self.engine.extra_check_helpers or (
            self._module_raises(fn.module) and may_raise(fn.node))
        if (raising or returns_constant(fn.node)) and (
                _may_test(fn, params) or fn.name in self.engine.extra_check_helpers):
            self._summarise_checks(fn, summ, params, bool(raising))
        return summ

    def _summarise_param(self, summ: Summary, param: str, p: str, interp, rets: List[PState], exc) -> None:
        """Does the function release, keep, or release what is keyed by the parameter ``p``?"""
        rid = ext_id(p)
        released, kinds = bool(rets), set()
        escaped = False
        for s in rets + exc:
            res = s.ts.res.get(rid)
            if res is None:
                continue
            if res.escaped or rid in interp.reachable(s, roots_only=True):
                escaped = True
        for s in rets:
            res = s.ts.res.get(rid)
            if res is None:
                continue  # the path learnt it was null: vacuously released
            if res.live:
                released = False
            else:
                kinds.update(res.kind.split("|"))
            # what the parameter holds (buffers of a dataset, their memory) released through it
            for other in s.ts.res.values():
                if other.external and not other.live and ext_path(other).startswith(p + "/"):
                    kinds.update(other.kind.split("|"))
        if released and kinds and kinds != {"unknown"}:
            summ.releases[param] = frozenset(kinds - {"unknown"}) or frozenset({"any"})
        elif escaped:
            summ.escapes.add(param)
        for kind in self.protocol.kinds:
            key = (kind, (rid,))
            if rets and all(key in s.ts.res and not s.ts.res[key].live for s in rets):
                summ.releases_keyed[param] = kind
                summ.release_sites[param] = rets[0].ts.res[key].release_site

    def _summarise_fills(self, summ: Summary, param: str, p: str, rets: List[PState]) -> None:
        """Fresh handles appended to the list passed as ``p`` (``interp.calls``: box ("param", p))."""
        kinds = {r.kind for s in rets for r in (s.ts.res.get(m) for m in s.boxes.get(("param", p), ()))
                 if r is not None and r.live and not r.external and r.kind in self.protocol.kinds}
        if kinds:
            summ.fills[param] = frozenset(kinds)

    def _return_shape(self, s: PState):
        """(items, length, boxes) of the fresh handles a path returns; None: none; False: not a shape."""
        v = s.returned
        if v is not None and v[0] == "r":
            k = self._fresh_kind(s, v[1])
            if k:
                return (((None, k),), 0, ())
        elif v is not None and v[0] == "t":
            items = tuple((idx, self._fresh_kind(s, x[1])) for idx, x in enumerate(v[1])
                          if x is not None and x[0] == "r")
            items = tuple(it for it in items if it[1])
            boxes = []
            for idx, x in enumerate(v[1]):
                if x is not None and x[0] == "b":
                    kinds = frozenset(r.kind for r in (s.ts.res.get(m) for m in s.boxes.get(x[1], ()))
                                      if r is not None and r.live and not r.external)
                    if kinds:
                        boxes.append((idx, kinds))
            if items:
                return (items, len(v[1]), tuple(boxes))
        elif v is not None and v[0] == "b" and v[1][0] == "box":  # a list of handles (a dict has named fields)
            kinds = frozenset(r.kind for r in (s.ts.res.get(m) for m in s.boxes.get(v[1], ()))
                              if r is not None and r.live and not r.external and r.kind in self.protocol.kinds)
            return ("list", kinds) if kinds else None
        if v is not None and not is_null(v) and not (
                v[0] == "t" and all(x is None or is_null(x) or x[0] == "s" for x in v[1])):
            return False  # (`return 0, ret` on a failure is a null handle and a status: no handles)
        return None

    def _summarise_returns(self, summ: Summary, rets: List[PState], interp) -> None:
        """Fresh handles returned to the caller (alone or in a tuple), the same shape on every path."""
        shapes = set()
        all_have = True
        for s in rets:
            found = self._return_shape(s)
            if found:
                shapes.add(found)
            elif found is False:
                all_have = False
        summ.none_items = frozenset(_none_items(rets))
        if interp.fn is not None and returns_none_literally(interp.fn):
            # its `return None` is on a branch the analysis found dead (a dead `is None` check of
            # its own, reported there): its caller's `is None` test echoes that one defect
            summ.none_items |= {"all"}
        if len(shapes) == 1 and all_have and next(iter(shapes))[0] == "list":
            summ.returns_list = next(iter(shapes))[1]
        elif len(shapes) == 1 and all_have:
            summ.returns, summ.returns_len, summ.returns_boxes = next(iter(shapes))
            summ.returns_nonnull = _checked_returns(summ.returns, rets)
            self._owned_templates(summ, rets, interp)
        elif all_have and all(sh[0] != "list" for sh in shapes):
            by_arity = {}
            for sh in shapes:
                by_arity.setdefault(sh[1], set()).add(sh)
            summ.returns_by_arity = {n: next(iter(v)) for n, v in by_arity.items() if len(v) == 1}

    def _owned_templates(self, summ: Summary, rets: List[PState], interp) -> None:
        """Record what each returned handle owns on a success path (a dataset's buffers and memory)."""
        m = interp.machine
        for s in rets:
            vals = live_rids(s.returned)
            if not vals:
                continue
            returned = set()
            for val in vals:
                returned |= set(val[1])
            for n, val in enumerate(vals):
                tmpl: List[OwnedTemplate] = []
                index_of = {}
                todo = [(rid, None) for rid in val[1] if rid in s.ts.res]
                while todo:
                    rid, parent = todo.pop(0)
                    for child in m.owned(s.ts, rid):
                        if not child.live or child.external or child.rid in index_of or child.rid in returned:
                            continue
                        link = next(t for t, tgt in child.links if tgt == rid and t in self.protocol.owning_links)
                        index_of[child.rid] = len(tmpl)
                        tmpl.append(OwnedTemplate(child.kind, child.site, child.api, child.name, parent, link,
                                                  child.key is not None))
                        todo.append((child.rid, index_of[child.rid]))
                if tmpl:
                    summ.returns_owned[n] = tuple(tmpl)
            return

    def _fresh_kind(self, s: PState, rids) -> Optional[str]:
        kept = _kept_on_self(s)
        for rid in rids:
            res = s.ts.res.get(rid)
            if res is not None and res.live and not res.external and res.kind in self.protocol.kinds \
                    and rid not in kept:
                return res.kind
        return None

    def _summarise_attrs(self, summ: Summary, rets: List[PState]) -> None:
        first = rets[0]
        attr_rids = {rid for rid in first.ts.res if isinstance(rid, tuple) and rid[0] == "ext"
                     and isinstance(rid[1], str) and rid[1].startswith("self.")}
        for rid in attr_rids:
            kinds = set()
            ok = True
            for s in rets:
                res = s.ts.res.get(rid)
                if res is None:
                    continue
                if res.live:
                    ok = False
                    break
                kinds.update(res.kind.split("|"))
            if ok and kinds:
                summ.releases_attrs[rid[1]] = frozenset(kinds - {"unknown"}) or frozenset({"any"})
        for key, v in first.env.items():
            if not key.startswith("self.") or key.endswith("[]"):
                continue
            if all(s.env.get(key) == NULLV for s in rets):
                summ.nulls_attrs.add(key)
                continue
            kinds = set()
            for s in rets:
                vv = s.env.get(key)
                found = None
                if vv is not None and vv[0] == "r":
                    for rid in vv[1]:
                        res = s.ts.res.get(rid)
                        if res is not None and res.live and not res.external and res.kind in self.protocol.kinds:
                            found = (res.kind, res.api)
                if found is None:
                    kinds = None
                    break
                kinds.add(found)
            if kinds and len(kinds) == 1:
                summ.acquires_attrs[key] = next(iter(kinds))

    def _summarise_syncs(self, fn: FunctionInfo, summ: Summary, params: List[str]) -> None:
        """Parameters the function synchronises on every path that returns (a project
        `synchronize_stream(stream)` that raises on failure): a second run with work pending on
        each such stream; a path that learnt the parameter is None (`if stream is None: return`)
        needs no sync (the call side does nothing for a None argument)."""
        synced = _stream_sync_args(fn, self.protocol)
        cands = [p for p in params if p in synced]
        if not cands:
            return
        interp = self.engine.interpreter(fn, summary_mode=True)
        init = self.engine.initial_state(fn)
        for p in cands:
            init.ts.pending[ext_id(p)] = frozenset()
        rets = [s for s in interp.run(body_of(fn), init).ret if not s.dead]
        for p in cands:
            if rets and all(ext_id(p) not in s.ts.pending or is_null(s.env.get(p)) for s in rets):
                summ.syncs.add(fn.params[params.index(p)])

    def _summarise_checks(self, fn: FunctionInfo, summ: Summary, params: List[str], raising: bool = True) -> None:
        """A parameter whose non-zero value makes the function raise or exit on every path
        (a check helper), or return a truthy value exactly when it is non-zero (a verdict)."""
        interp = self.engine.interpreter(fn, summary_mode=True)
        init = PState()
        sids = {}
        for i, p in enumerate(params):
            if fn.is_method and i == 0:
                continue
            sid = ("param", p)
            sids[p] = sid
            init.status[sid] = StatusRec(None, frozenset(), True, False, p)
            init.env[p] = Status(sid)
        out = interp.run(body_of(fn), init)
        rets = [s for s in out.ret if not s.dead]
        for i, p in enumerate(params):
            sid = sids.get(p)
            if sid is None:
                continue
            if fn.name in self.engine.extra_check_helpers and p == params[-1]:
                summ.checks.add(fn.params[i])
                continue
            if _is_verdict(rets, sid):
                summ.verdicts.add(fn.params[i])
                continue
            if not raising:
                continue
            fails = [s for s in out.exc if s.assume.get(sid) == "failed"]
            if not fails or any(s.assume.get(sid) != "failed" for s in out.exc):
                continue
            if any(s.assume.get(sid) == "failed" for s in rets):
                continue
            summ.checks.add(fn.params[i])
        if summ.checks:
            summ.always_raises = False


def _stream_sync_args(fn: FunctionInfo, protocol) -> Set[str]:
    """Names passed as the stream of a stream-synchronising pyACL call in the function's body."""
    out: Set[str] = set()
    head: Optional[Set[int]] = None  # the nodes of the signature and decorators, if a call is found
    for node in fn.module.positions.nodes(fn.node):
        if type(node) is cst.Call and node.args and type(node.args[0].value) is cst.Name:
            name = acl_call_name(fn.module, dotted(node.func)) if dotted(node.func) else None
            api = protocol.api(name) if name else None
            if api is not None and api.sync == "stream":
                if head is None:
                    parts = [*fn.node.decorators, fn.node.params, fn.node.returns]
                    head = {id(x) for part in parts if part is not None for x in cst_walk(part)}
                if id(node) not in head:
                    out.add(node.args[0].value.value)
    return out


def _may_test(fn: FunctionInfo, params: List[str]) -> bool:
    """Whether the body mentions a parameter that could be a status it checks (no such
    parameter: the second run of :meth:`Summaries._summarise_checks` would learn nothing)."""
    candidates = set(params[1:] if fn.is_method else params)
    return bool(candidates) and bool(candidates & names_in(fn.node.body))


def _truth(v) -> Optional[bool]:
    """The truth of a returned constant (a path that falls off the end returns None)."""
    if v is None or v == NULLV:
        return False
    if v[0] == "c" and (isinstance(v[1], (bool, int)) or v[1] is None):
        return bool(v[1])
    return None


def _is_verdict(rets: List[PState], sid) -> bool:
    """Every return path tested the status: truthy where it failed, falsy where it held."""
    seen = set()
    for s in rets:
        said = s.assume.get(sid)
        truth = _truth(s.returned)
        if said is None or truth is None or truth != (said == "failed"):
            return False
        seen.add(said)
    return seen == {"ok", "failed"}


# ----------------------------------------------------------------------------- applying
