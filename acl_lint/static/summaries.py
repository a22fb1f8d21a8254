"""Function summaries: computed from a function's own interpretation, applied at its call sites.

A summary says which parameters a project helper releases, checks (a check helper raises
on a non-zero status) or keeps; which fresh handles it returns and what they own; which
attributes of ``self`` a method releases, nulls or acquires. Summaries are computed
bottom-up on demand with recursion cut off (a function being summarised that calls itself
is treated as unknown code), and applied by the :class:`SummaryCalls` part of the
interpreter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Set, Tuple

import libcst as cst

from ..protocol import Api
from .index import FunctionInfo, _blocks
from .positions import cst_dotted as dotted
from .values import (Box, Handles, NULLV, Outcome, PState, Status, StatusRec, Tup, UNKNOWN, _replace, ext_id,
                     ext_path)


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
        if fn.is_method and rets:
            self._summarise_attrs(summ, rets)
        self._summarise_returns(summ, rets, interp)
        raising = fn.name in self.engine.extra_check_helpers or (
            _RAISES.search(fn.module.text) and may_raise(fn.node))
        if raising or returns_constant(fn.node):
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
        if v not in (NULLV, None) and not (v[0] == "t" and all(x in (NULLV, None) or x[0] == "s" for x in v[1])):
            return False
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
        if len(shapes) == 1 and all_have and next(iter(shapes))[0] == "list":
            summ.returns_list = next(iter(shapes))[1]
        elif len(shapes) == 1 and all_have:
            summ.returns, summ.returns_len, summ.returns_boxes = next(iter(shapes))
            self._owned_templates(summ, rets, interp)

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


class SummaryCalls:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`: a call of a project function."""

    def apply_summary(self, fn, bound_self: Optional[str], node: cst.Call, st: PState, out: Outcome, target: str):
        summ = self.host.summaries.of(fn)
        exprs: List[Tuple[Optional[str], cst.BaseExpression]] = []
        for a in node.args:
            if a.star:
                exprs.append(("*", a.value))
            elif a.keyword is not None:
                exprs.append((a.keyword.value, a.value))
            else:
                exprs.append((None, a.value))
        vals = [self.ev(e, st, out) for _, e in exprs]
        if summ is None:
            for v in vals:
                self.escape(v, st, f"passed to {fn.qualname}()")
                self.mark_read(v, st)
            return UNKNOWN
        site = self.site(node)
        pseudo = self.host.summaries.pseudo_api(fn)
        releases = self._summary_args(fn, summ, bound_self, exprs, vals, st, out, site, pseudo)
        if bound_self is not None:
            releases += self._summary_attr_releases(summ, bound_self, st)
        if releases:
            self._release_in_order(fn, releases, st, site, pseudo)
        if bound_self is not None:
            self._summary_attr_stores(fn, summ, bound_self, node, st, site)
        if summ.always_raises:
            st.err = True
            st.exit_site = site
            out.exc.append(st.copy())
            st.dead = True
        if summ.returns is not None:
            return self._summary_returns(fn, summ, node, st, site, target)
        if summ.returns_list:
            return self._summary_returned_list(fn, summ, node, st, site, target)
        return UNKNOWN

    def _summary_args(self, fn, summ: Summary, bound_self, exprs, vals, st: PState, out: Outcome, site,
                      pseudo) -> List[Tuple[Any, FrozenSet[str], bool]]:
        """Apply what the helper does to each argument; returns the releases to make, in any order."""
        params = list(summ.params)
        offset = 1 if bound_self is not None and fn.is_method else 0  # a staticmethod called on self
        releases: List[Tuple[Any, FrozenSet[str], bool]] = []
        for pos, ((kw, expr), v) in enumerate(zip(exprs, vals)):
            pi = -1 if kw == "*" else (pos + offset if kw is None else (params.index(kw) if kw in params else -1))
            if pi < 0 or pi >= len(params):
                self.escape(v, st, f"passed to {fn.qualname}()")
                continue
            pname = params[pi]
            if pname in summ.checks:
                self.mark_read(v, st)
                self.check_status(expr, v, st, out, site, f"{fn.qualname}() raises")
                continue
            self.mark_read(v, st)
            if pname in summ.releases:
                releases += self._released_through(summ.releases[pname], expr, v, st)
            elif pname in summ.escapes:
                self.escape(v, st, f"kept by {fn.qualname}()")
            if pname in summ.releases_keyed:
                self._release_keyed(summ.releases_keyed[pname], expr, v, st, site, pseudo,
                                    summ.release_sites.get(pname, site))
        return releases

    def _released_through(self, kinds, expr, v, st: PState) -> List[Tuple[Any, FrozenSet[str], bool]]:
        """The handles an argument stands for, and what they own of the kinds the helper releases."""
        rids = st.rids_of(v)
        if not rids and v is None:
            key = dotted(expr)
            if key:
                rids = self.external(st, key, None)[1]
        group = len(rids) > 1 or (v is not None and v[0] in ("b", "e", "t"))
        out = []
        for r in rids:
            if r in st.ts.res:
                out.append((st.ts.res[r], kinds, group))
                # what it owns (the buffers of a dataset, their memory), where the helper
                # releases those kinds through it
                todo = [r]
                while todo:
                    cur_rid = todo.pop()
                    for child in self.machine.owned(st.ts, cur_rid):
                        todo.append(child.rid)
                        if child.live and self.p.kind_matches(child.kind, kinds):
                            out.append((child, kinds, True))
        return out

    def _release_keyed(self, kind: str, expr, v, st: PState, site, pseudo, release_site) -> None:
        """The helper releases the resource keyed by the argument (reset_device(device_id))."""
        from ..typestate import Res

        rids = st.rids_of(v)
        key = (kind, (next(iter(rids)) if len(rids) == 1 else self.key_of(expr, v),))
        krid = st.ts.keyed.get(key)
        kres = st.ts.res.get(krid) if krid is not None else None
        if kres is None:
            kres = Res(rid=key, kind=kind, name=dotted(expr), api="", site=site, external=True, key=key)
            st.ts.res[key] = kres
        self.cur = st
        self.machine.release(st.ts, kres, pseudo, release_site, frozenset({kind}))
        if not st.err:
            self.torn_down.add(kind)

    def _summary_attr_releases(self, summ: Summary, bound_self: str, st: PState):
        releases = []
        for attr, kinds in summ.releases_attrs.items():
            key = bound_self + attr[4:] if attr.startswith("self") else attr
            root = self.owner_root(key)
            if root is not None:  # released through self.<attr> by a helper method
                self.self_releases.setdefault(root, set()).update(k for k in kinds if k in self.p.kinds)
            v = st.env.get(key)
            rids = st.rids_of(v) if v is not None else self.external(st, key, None)[1]
            for rid in rids:
                res = st.ts.res.get(rid)
                if res is not None and res.live:
                    releases.append((res, kinds, False))
        return releases

    def _release_in_order(self, fn, releases, st: PState, site, pseudo) -> None:
        """One helper releasing several handles releases them in the documented order."""
        rank = self.p.release_rank

        def order(x) -> int:
            # a handle of a kind not known here (a parameter) goes by the kinds the helper releases:
            # the argument itself is the outermost (released last), what it holds goes first
            if x[0].kind in rank:
                return rank[x[0].kind]
            ranks = [rank.get(k, 0) for k in x[1]] or [0]
            return min(ranks) if x[2] else max(ranks)

        releases.sort(key=order)
        done = set()
        for res, kinds, group in releases:
            if res.rid in done:
                continue
            done.add(res.rid)
            cur = st.ts.res.get(res.rid, res)
            if group and cur.external and cur.kind == "unknown" and self.fn is not None and \
                    isinstance(cur.rid, tuple) and len(cur.rid) == 2 and cur.rid[1] in self.fn_params:
                continue  # a plain parameter that went into the container (a size), not a handle
            if group and not (cur.external or self.p.kind_matches(cur.kind, kinds)):
                continue  # a helper that releases a group releases what matches
            if group and not cur.live:
                continue
            self.cur = st
            self.machine.release(st.ts, cur, pseudo, site, kinds)
        self.release_count += 1
        from .interp.calls import Released

        st.add_trace(site, Released(f"released by {fn.qualname}()", {r.rid for r, _, _ in releases}), "release")

    def _summary_attr_stores(self, fn, summ: Summary, bound_self: str, node, st: PState, site) -> None:
        for attr in summ.nulls_attrs:
            key = bound_self + attr[4:]
            st.env[key] = NULLV
        for attr, (kind, api_name) in (summ.acquires_attrs.items() if bound_self == "self" else ()):
            key = bound_self + attr[4:]
            rid = (id(node), attr)
            self.overwrite(key, None, st, node, False)
            self.machine.acquire(st.ts, rid, kind, key, f"{fn.qualname}()", site)
            st.env[key] = Handles(frozenset({rid}))

    def _summary_returns(self, fn, summ: Summary, node, st: PState, site, target: str):
        """Fresh handles made by the helper, and what they own, acquired here."""
        items = [UNKNOWN] * summ.returns_len
        val = UNKNOWN
        made = []
        children = []
        for n, (index, kind) in enumerate(summ.returns):
            rid = self.new_rid(node, st, target) if n == 0 else (id(node), ("ret", n))
            name = target if index is None or n == 0 else f"{target}[{index}]"
            self.machine.acquire(st.ts, rid, kind, name, f"{fn.qualname}()", site)
            st.add_trace(site, f"{self.p.label(kind)} acquired by {fn.qualname}()", "acquire")
            children += self._acquire_owned(node, n, rid, summ.returns_owned.get(n, ()), st)
            val = Handles(frozenset({rid}))
            if "all" in summ.none_items or index in summ.none_items:
                self.maybe_none.add(rid)
            made.append(rid)
            if index is not None:
                items[index] = val
        if summ.returns[0][0] is None:
            return val
        for index, kinds in summ.returns_boxes:
            bid = ("retbox", id(node), index)
            st.boxes[bid] = frozenset(r for r in made + children
                                      if r in st.ts.res and st.ts.res[r].kind in kinds)
            items[index] = Box(bid)
        # the other elements behave like a status tied to the handles (`ptr, ret = helper()`)
        sid = ("st", id(node))
        st.status[sid] = StatusRec(site, frozenset(made), True, False, f"{fn.qualname}()")
        st.assume.pop(sid, None)
        items = [Status(sid) if x is None else x for x in items]
        return Tup(tuple(items))

    def _summary_returned_list(self, fn, summ: Summary, node, st: PState, site, target: str):
        """A list of fresh handles made by the helper: one handle per kind stands for its elements."""
        made = []
        for n, kind in enumerate(sorted(summ.returns_list)):
            rid = self.new_rid(node, st, target) if n == 0 else (id(node), ("ret", n))
            self.machine.acquire(st.ts, rid, kind, f"{target}[...]" if target else "", f"{fn.qualname}()", site)
            st.add_trace(site, f"{self.p.label(kind)} acquired by {fn.qualname}()", "acquire")
            made.append(rid)
        bid = ("retbox", id(node), None)
        st.boxes[bid] = frozenset(made)
        return Box(bid)

    def _acquire_owned(self, node, n: int, rid, templates, st: PState) -> List:
        children = []
        for j, t in enumerate(templates):
            crid = (id(node), ("owned", n, j))
            prid = rid if t.parent is None else (id(node), ("owned", n, t.parent))
            child = self.machine.acquire(st.ts, crid, t.kind, t.name, t.api, t.site)
            key = None
            if t.keyed:  # a channel is known by its description
                key = (t.kind, (prid,))
                crid = key
                st.ts.res.pop((id(node), ("owned", n, j)), None)
                st.ts.keyed[key] = key
            st.ts.res[crid] = _replace(child, rid=crid, links=((t.link, prid),), key=key, origin=rid)
            st.ts.index_links(crid, ((t.link, prid),))
            children.append(crid)
        return children
