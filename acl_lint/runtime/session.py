"""The audit session: one typestate machine fed by the shim, findings out.

A :class:`Session` holds the process-wide :class:`~acl_lint.typestate.TState`
(one state: the run is one path), the map from handle integers to resources,
each thread's current context, and the findings. Every intercepted call is
turned into :meth:`Machine.call` with arguments resolved per index:

* a literal 0 / ``None`` -> :data:`~acl_lint.typestate.NULL`;
* an int that is a known handle (live or released) -> the set of its resources;
* anything else -> unknown (``None``).

An acquire maps the returned handle to a fresh resource id ``("h", handle, n)``;
a later acquire that returns the same integer (an allocator reusing a freed
address) replaces the mapping. Results the protocol names (``alias_result``,
``borrow``: ``get_data_buffer_addr`` returns the memory a buffer wraps,
``get_dataset_buffer`` a buffer of the dataset) are mapped to those resources.

Locations are the caller's file and line: the first frame outside acl_lint and
outside the ``acl`` package. Leaks are the resources still live when the audit
ends, at their acquire sites; two or more ACL101 leaks from one acquire site are
one ACL103 (acquired per iteration or per call). Process-scoped kinds (``acl.init``,
``set_device``) are never leaks at run time: the process ending releases them,
and whether a program must tear them down before exit is the static engine's
business (it reports them only in functions that tear them down somewhere).
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from dataclasses import replace
from typing import Any, Callable, Dict, Hashable, List, Optional, Sequence, Tuple

from .. import diagnostics as dx
from .. import protocol as _protocol
from ..findings import FileError, Finding, Related, RunResult, registry
from ..typestate import NULL, Machine, Res, Site, TState
from .frames import FrameSites
from .shim import RAISED, Shim, Spec, _internal_dirs, thread_token

_getframe = sys._getframe
get_ident = thread_token  # never reused, unlike threading.get_ident()

#: a thread whose context is not known (it existed before the audit started)
UNKNOWN = "<unknown-context>"
#: the leak rules (codes.toml `leak = true`)
LEAK_CODES = frozenset(code for code, rule in registry().items() if rule.leak)


class _Thread:
    __slots__ = ("cur", "ctx", "name")

    def __init__(self, cur=None):
        self.cur = cur  # what is current: a context handle, ("default", device), UNKNOWN or None
        self.ctx = None  # the machine's view: the context resource id, or None (unknown / default)
        self.name = ""  # threading's name of the thread, for messages


class Session(FrameSites):
    """One audit: the shared machine state and its findings."""

    PRUNE_MIN = 64  # prune released resources when the state doubles past this
    GRAVEYARD_MAX = 200_000  # released resources remembered for ACL301/ACL302 after pruning

    def __init__(self, protocol=None, options: Optional[Dict[str, Any]] = None, stack_depth: int = 4):
        self.protocol = protocol or _protocol.default()
        self.machine = Machine(self.protocol, self._emit, options)
        self.state = TState()
        self.lock = threading.RLock()
        self.handles: Dict[int, frozenset] = {}  # handle int -> resource ids
        self.threads: Dict[int, _Thread] = {}  # by thread_token()
        self._before: set = set()  # threads running when a non-fresh audit started
        self.devices: Dict[Any, int] = {}  # device id -> set_device count seen
        self.errors: List[FileError] = []
        self.stack_depth = max(1, stack_depth)
        self.cwd = os.getcwd()
        self.shim = Shim(self)
        self.active = False
        self.files: set = set()
        self._found: Dict[Tuple[str, str, int], Finding] = {}
        self._last: Dict[Tuple[str, str, int], int] = {}  # key -> sequence number of its latest emission
        self._seq = 0
        self._serial = 1  # next acquisition serial
        self._acquired: Dict[Hashable, Tuple[int, Tuple]] = {}  # rid -> (serial, caller stack)
        self._graveyard: Dict[Hashable, Res] = {}  # released resources pruned from the state
        self._prune_at = self.PRUNE_MIN
        self._final: Optional[List[Finding]] = None
        self._skip: Dict[str, bool] = {}  # filename -> frame is ours / acl's
        self._sites: Dict[Tuple[int, int], Tuple[Any, Site, str]] = {}  # (id(code), lasti) -> site
        self._paths: Dict[str, str] = {}
        self._runner: Dict[str, bool] = {}  # filename -> stdlib / test runner (ends a stack)
        self._orphan_token: Dict[Hashable, Tuple] = {}  # rid -> invocation that orphaned it
        self._names: Dict[Site, str] = {}  # acquire site -> assigned variable
        self._funcs: Dict[Site, str] = {}  # site -> qualified name of the calling function
        self._internal = _internal_dirs()
        self._error_apis: set = set()
        self._feed = self._make_feed()

    # ------------------------------------------------------------------ lifecycle

    def start(self, module, fresh: Optional[bool] = None) -> "Session":
        """Wrap ``module`` (an ``acl`` module object). ``fresh``: no thread has a context yet."""
        if fresh is None:
            fresh = _is_fresh_sim(module)
        if not fresh:  # threads that already run may have a context we never saw set
            self._before = set(threading.enumerate())
        self._internal = _internal_dirs(module)
        self._skip.clear()
        self.shim.install(module)
        self.active = True
        return self

    def thread(self, token: int) -> "_Thread":
        """The state of the calling thread (``token``: its :func:`thread_token`), made on its first call."""
        th = self.threads.get(token)
        if th is None:
            current = threading.current_thread()
            th = self.threads[token] = _Thread(UNKNOWN if current in self._before else None)
            th.name = current.name
        return th

    def attach(self, module=None) -> bool:
        """Also wrap ``module`` (default: the current ``sys.modules['acl']``) if not wrapped yet."""
        module = module if module is not None else sys.modules.get("acl")
        if module is None or self.shim.wraps(module):
            return False
        self.shim.install(module)
        return True

    def stop(self) -> List[Finding]:
        """End the audit: restore the module, record the leaks; returns all findings."""
        if self.active:
            self.shim.uninstall()
            self.active = False
        if self._final is None:
            self._final = self.leak_findings()
        return self.findings

    # ------------------------------------------------------------------ results

    @property
    def findings(self) -> List[Finding]:
        """Findings so far (sorted); after :meth:`stop` they include the leaks."""
        with self.lock:
            out = dict(self._found)
        for f in self._final or ():
            out.setdefault((f.code, f.path, f.line), f)
        return sorted(out.values(), key=Finding.sort_key)

    def checkpoint(self) -> Tuple[int, int]:
        with self.lock:
            return (self._serial, self._seq + 1)

    def findings_since(self, cp: Tuple[int, int], leaks: bool = True,
                       exclude: Sequence[Tuple[Tuple[int, int], Tuple[int, int]]] = ()) -> List[Finding]:
        """Findings emitted since ``cp`` and (``leaks``) leaks of resources acquired since then,
        leaving out what happened between the checkpoint pairs of ``exclude``."""
        serial, seq = cp

        def excluded(value: int, i: int) -> bool:
            return any(a[i] <= value < b[i] for a, b in exclude)

        with self.lock:
            out = {k: f for k, f in self._found.items()
                   if self._last.get(k, 0) >= seq and not excluded(self._last.get(k, 0), 1)}
        if leaks:
            for f in self.leak_findings(since=serial, skip=lambda s: excluded(s, 0) if exclude else False):
                out.setdefault((f.code, f.path, f.line), f)
        return sorted(out.values(), key=Finding.sort_key)

    def result(self, findings: Optional[List[Finding]] = None) -> RunResult:
        findings = self.findings if findings is None else findings
        sources: Dict[str, str] = {}
        for f in findings:
            if f.path not in sources:
                text = _read(self.abspath(f.path))
                if text is not None:
                    sources[f.path] = text
        return RunResult(findings=list(findings), errors=list(self.errors),
                         files_checked=max(len(self.files), 1), sources=sources)

    def report(self, fmt: str = "concise", color: bool = False, findings: Optional[List[Finding]] = None) -> str:
        from ..report import render

        return render(self.result(findings), fmt, color=color)

    def abspath(self, path: str) -> str:
        return path if os.path.isabs(path) else os.path.join(self.cwd, path)

    # ------------------------------------------------------------------ leaks

    def leak_findings(self, since: int = 0, skip: Optional[Callable[[int], bool]] = None) -> List[Finding]:
        """Live resources acquired at or after serial ``since`` that are leaks now."""
        m = self.machine
        with self.lock:
            st = self.state
            groups: Dict[Tuple[str, str, int], List[Res]] = {}
            for res in list(st.res.values()):
                if not res.live:
                    continue
                info = self._acquired.get(res.rid)
                serial = info[0] if info else 0
                if serial < since or (skip is not None and skip(serial)):
                    continue
                if not m.leak_reportable(st, res):
                    continue
                code = m.leak_code(res)
                groups.setdefault((code, res.site.path, res.site.line), []).append(res)
            out = []
            for (code, _path, _line), rs in groups.items():
                out.append(self._leak_finding(code, rs))
        return sorted(out, key=Finding.sort_key)

    def _leak_finding(self, code: str, rs: List[Res]) -> Finding:
        m = self.machine
        res = rs[0]
        n = len(rs)
        subj = dx.subject(m.p, res)
        owner_release = None
        if res.orphan is not None and res.orphan[1] is not None:
            order, osite, oname = res.orphan
            owner_release = (osite, f"{m.p.label(next(iter(sorted(order.then))))}" + (f" `{oname}`" if oname else ""))
        d = dx.leak("ACL103" if code == "ACL101" and n >= 2 else code,
                    dx.Leak(subj, count=n, owner_release=owner_release))
        related = [Related(res.site.path, res.site.line, res.site.column, subj.acquired_by[1], "acquire")]
        info = self._acquired.get(res.rid)
        for (path, line, func) in (info[1] if info else ()):
            related.append(Related(path, line, 1, f"called from {func}", "call"))
        related += [Related(s.path, s.line, s.column, t, k) for (s, t, k) in d.related]
        return Finding(code=d.code, message=d.message, path=res.site.path, line=res.site.line, column=res.site.column,
                       end_line=res.site.end_line, end_column=res.site.end_column, related=tuple(related),
                       function=self._site_function(res.site), resource=res.name, acquire_call=res.api,
                       engine="runtime")

    # ------------------------------------------------------------------ emission

    def _emit(self, code, site, message, res, related) -> None:
        key = (code, site.path, site.line)
        self._seq += 1
        self._last[key] = self._seq
        if key in self._found:
            return
        rel = tuple(Related(s.path, s.line, s.column, msg, kind) for (s, msg, kind) in related if s is not None)
        self._found[key] = Finding(
            code=code, message=message, path=site.path, line=site.line, column=site.column,
            end_line=site.end_line, end_column=site.end_column, related=rel,
            function=self._site_function(site), resource=res.name if res is not None else "",
            acquire_call=res.api if res is not None else "", engine="runtime",
        )

    def _error(self, spec: Spec, exc: BaseException) -> None:
        if spec.call in self._error_apis:
            return
        self._error_apis.add(spec.call)
        self.errors.append(FileError("acl-lint runtime", f"internal error while auditing {spec.api.qualname}: "
                                                         f"{type(exc).__name__}: {exc}"))

    # ------------------------------------------------------------------ the hot path

    def _make_apply(self):
        """The machine's part of one call, apply(spec, args, value, ok, f, resolved, keys, no_ctx,
        tid), run by feed with the lock held: a closure over the session's state, like feed."""
        session = self
        handles = self.handles
        tget = self.threads.get
        st = self.state
        call = self.machine.call
        sites = self._sites
        report = self.machine.report
        graveyard = self._graveyard
        acquired = self._acquired

        def apply(spec, args, value, ok, f, resolved, keys, no_ctx, tid):
            """The machine's part of one call; runs with the lock held."""
            api = spec.api
            if f is not None:
                entry = sites.get((id(f.f_code), f.f_lasti))
                site = entry[1] if entry is not None and entry[0] is f.f_code else session._site(f)
            else:
                site = session._site(None)
            th = tget(tid) or session.thread(tid)
            st.ctx = th.ctx
            if graveyard:
                session._revive(resolved)
            if no_ctx and spec.needs_ctx and not session._context_gone(api, resolved):
                report(site, None, dx.no_current_context(api.qualname, th.name))
            rid = None
            name = ""
            if spec.acquires and ok:
                serial = session._serial
                session._serial = serial + 1
                rid = ("h", value, serial)
                name = session._name(site, f, api)
            keyed_before = None
            if spec.keyed_new and ok:
                keyed_before = session._keyed_live(api, keys)
            if spec.option_first:
                session._other_invocation(api, resolved, f)
            out = call(st, api, resolved, site, result_rid=rid, name=name, keys=keys, succeeded=ok)
            th.ctx = st.ctx
            if spec.option_then:
                session._note_orphans(spec, resolved, f)
            if out.acquired is not None:
                old = handles.get(value)
                if old is not None and graveyard:  # the address was reused: the old one is gone
                    for r in old:
                        graveyard.pop(r, None)
                handles[value] = frozenset((rid,))
                acquired[rid] = (serial, session._stack(f))
                if len(st.res) >= session._prune_at:
                    session._prune()
            if keyed_before is False and out.keyed is not None:
                acquired[out.keyed.rid] = (session._serial, session._stack(f))
                session._serial += 1
            if spec.value_map and ok and value.__class__ is int and value:
                cands = out.borrowed if out.borrowed is not None else out.alias
                if cands:
                    session._map_value(value, cands)
            if spec.context_call and ok:
                session._context_hook(spec.call, args, value, th)

        return apply

    def _make_feed(self):
        """The function the wrappers call after each real call: feed(spec, args, kwargs, result, no_ctx).

        A closure over the session's state (not a method) so the hot path reads locals only."""
        session = self
        hget = self.handles.get
        lock = self.lock
        skip = self._skip
        apply = self._make_apply()
        busy: set = set()  # threads inside the critical section
        deferred: List[tuple] = []

        def feed(spec: Spec, args: tuple, kwargs: dict, result: Any, no_ctx: bool) -> None:
            try:
                # outcome of the call from its return shape
                shape = spec.shape
                value = None
                if result is RAISED:
                    ok = False
                elif shape == 0:  # ret
                    ok = result == 0
                elif shape == 1:  # handle
                    value = result
                    ok = result.__class__ is int and result != 0
                elif shape == 2:  # value_ret / values_ret
                    try:
                        value, ret = result[0], result[-1]
                        ok = ret == 0 and (not spec.acquires or (value.__class__ is int and value != 0))
                    except Exception:
                        ok = False
                else:  # value / none
                    value = result
                    ok = True
                if kwargs:
                    args = spec.bind(args, kwargs)
                # the caller: first frame outside acl_lint and the acl package
                f = _getframe(2)
                while f is not None:
                    fn = f.f_code.co_filename
                    inside = skip.get(fn)
                    if inside is None:
                        inside = skip[fn] = session._is_internal(fn)
                    if not inside:
                        break
                    f = f.f_back
                resolved = [None] * spec.n
                nargs = len(args)
                for i in spec.idx:
                    if i < nargs:
                        a = args[i]
                        if a is None:
                            resolved[i] = NULL
                        elif a.__class__ is int:
                            resolved[i] = NULL if a == 0 else hget(a)
                keys = session._keys(spec, args) if spec.key_idx else ()
                tid = get_ident()
                if tid in busy:
                    # called again from inside our own critical section (a __del__ run by the
                    # garbage collector, a signal handler): queue it, the outer call applies it
                    deferred.append((spec, args, value, ok, f, resolved, keys, no_ctx, tid))
                    return
                with lock:
                    busy.add(tid)
                    try:
                        apply(spec, args, value, ok, f, resolved, keys, no_ctx, tid)
                        while deferred:
                            apply(*deferred.pop(0))
                    finally:
                        busy.discard(tid)
            except Exception as exc:  # never let the audit break the program
                session._error(spec, exc)

        return feed

    def _keys(self, spec: Spec, args: tuple) -> list:
        """Argument values for keyed resources: raw (a device id) or, for a handle, its resource."""
        keys: List[Any] = [None] * (spec.key_idx[-1][0] + 1)
        nargs = len(args)
        for i, as_handle in spec.key_idx:
            if i < nargs:
                a = args[i]
                if as_handle and a.__class__ is int and a:
                    rids = self.handles.get(a)
                    if rids is not None and len(rids) == 1:
                        keys[i] = next(iter(rids))
                        continue
                keys[i] = _hashable(a)
        return keys

    def _keyed_live(self, api, keys):
        """The live keyed resource the call would acquire again, else False (a new one)."""
        st = self.state
        ka = api.keyed_acquire
        kkey = (ka.kind, tuple(keys[i] if i < len(keys) else None for i in ka.key))
        old = st.res.get(st.keyed.get(kkey)) if kkey in st.keyed else None
        return old if old is not None and old.live else False

    # The free -> destroy_data_buffer order is acl-lint's choice for one teardown sequence (the
    # documentation does not order them; see rules/docs/ACL203.md). At run time it is checked only
    # when the buffer is destroyed and its memory freed by the same function invocation, as the
    # static engine checks it within one function: memory that outlives its buffer (a caller's
    # input, a staging area reused by the next buffer) is not the buffer's to free.

    def _note_orphans(self, spec: Spec, resolved, frame) -> None:
        res = self.state.res
        token = (id(frame), frame.f_code, frame.f_lasti) if frame is not None else None
        for role in spec.api.releases:
            a = resolved[role.arg] if role.arg < len(resolved) else None
            if a is None or a is NULL:
                continue
            for parent in a:
                for child in list(res.values()):
                    o = child.orphan
                    if (child.live and o is not None and o[1] is not None and o[0] in spec.option_then
                            and (o[0].link, parent) in child.links):
                        self._orphan_token[child.rid] = token

    def _released(self, api, resolved):
        """(rid, record) of what the release arguments of a call resolved to."""
        res = self.state.res
        for role in api.releases:
            a = resolved[role.arg] if role.arg < len(resolved) else None
            if a is None or a is NULL:
                continue
            for rid in a:
                r = res.get(rid)
                if r is not None:
                    yield rid, r

    def _other_invocation(self, api, resolved, frame) -> None:
        res = self.state.res
        for rid, r in self._released(api, resolved):
            if r.orphan is None or r.orphan[1] is None or not r.orphan[0].option:
                continue
            tok = self._orphan_token.pop(rid, None)
            same = (tok is not None and frame is not None and tok[0] == id(frame)
                    and tok[1] is frame.f_code and frame.f_lasti > tok[2])
            if not same:
                res[rid] = replace(r, orphan=None)

    def _context_gone(self, api, resolved) -> bool:
        """A release of a resource whose context was already destroyed: ACL203 says it, not ACL402."""
        res = self.state.res
        for _rid, r in self._released(api, resolved):
            ctx = res.get(r.ctx) if r.ctx is not None else None
            if ctx is not None and not ctx.live:
                return True
            for typ, tgt in r.links:
                t = res.get(tgt)
                if t is not None and t.kind == "context" and not t.live:
                    return True
        return False

    def _map_value(self, value: int, cands) -> None:
        res = self.state.res
        cur = self.handles.get(value)
        if cur is not None and any((r in res and res[r].live) for r in cur):
            return
        live = [r for r in cands if r in res and res[r].live]
        if len(live) == 1:
            self.handles[value] = frozenset(live)

    def _context_hook(self, call: str, args: tuple, value: Any, th: _Thread) -> None:
        """What ``call`` does to the current context of threads: its effect in rules/context.toml."""
        effect = self.protocol.context_effects.get(call, "none")
        threads = self.threads.values()
        if effect == "device_default":
            dev = args[0] if args else None
            self.devices[dev] = self.devices.get(dev, 0) + 1
            th.cur = ("default", dev)
            th.ctx = None
        elif effect == "result":
            th.cur = value
        elif effect == "arg":
            th.cur = args[0] if args else None
        elif effect == "destroy":
            h = args[0] if args else None
            rids = self.handles.get(h, ()) if h.__class__ is int else ()
            for t in threads:
                if t.cur == h:
                    t.cur = None
                if t.ctx is not None and t.ctx in rids:
                    t.ctx = None
        elif effect in ("device_reset", "device_reset_all"):
            dev = args[0] if args else None
            n = 0 if effect == "device_reset_all" else max(self.devices.get(dev, 0) - 1, 0)
            self.devices[dev] = n
            if n == 0:
                for t in threads:
                    if t.cur == ("default", dev):
                        t.cur = None
        elif effect == "clear" or (effect == "clear_on_zero" and value == 0):
            for t in threads:
                t.cur = None
                t.ctx = None
            self.devices.clear()

    # ------------------------------------------------------------------ memory

    def _prune(self) -> None:
        """Move released resources nothing refers to out of the state (keeps the machine's
        scans short in long runs); they come back when their handle is used again."""
        st = self.state
        keep = set()
        for r in st.res.values():
            for _t, tgt in r.links:
                keep.add(tgt)
            if r.ctx is not None:
                keep.add(r.ctx)
        for t in self.threads.values():
            keep.add(t.ctx)
        keep.update(st.keyed.values())
        keep.update(st.pending)
        for rids in st.pending.values():
            keep.update(rids)
        keep.update(st.recorded)
        dead = [rid for rid, r in st.res.items() if not r.live and rid not in keep]
        gy = self._graveyard
        for rid in dead:
            gy[rid] = st.res.pop(rid)
            self._acquired.pop(rid, None)
        if len(gy) > self.GRAVEYARD_MAX:
            # forget the oldest released handles (a use of one of them goes unreported)
            for rid in list(itertools.islice(gy, len(gy) - self.GRAVEYARD_MAX * 9 // 10)):
                del gy[rid]
                if isinstance(rid, tuple) and len(rid) == 3 and rid[0] == "h":
                    rids = self.handles.get(rid[1])
                    if rids is not None and rid in rids:
                        del self.handles[rid[1]]
        self._prune_at = max(self.PRUNE_MIN, 2 * len(st.res))

    def _revive(self, resolved) -> None:
        res, gy = self.state.res, self._graveyard
        for a in resolved:
            if a is None or a is NULL:
                continue
            for r in a:
                if r not in res and r in gy:
                    res[r] = gy.pop(r)


# ---------------------------------------------------------------------------- helpers


def _hashable(value: Any) -> Hashable:
    try:
        hash(value)
        return value
    except TypeError:
        return ("<unhashable>", id(value))


def _is_fresh_sim(module) -> bool:
    if not getattr(module, "__acl_lint_sim__", False):
        return False
    from .. import sim

    return not sim.state()["initialized"]


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None
