"""Exits: what is still live and unreachable when a path leaves the function is a leak;
statuses never read are ACL501."""

from __future__ import annotations

from dataclasses import replace
from typing import Dict, List, Set, Tuple

import libcst as cst

from ...typestate import Res, Site
from ... import diagnostics as dx
from ...findings import Finding, Related
from ..positions import NodeSite
from ..positions import cst_dotted as _dotted
from ..summaries import EXIT_CALLS
from ..values import MAX_STATES, LeakRecord, Outcome, PState, canon_rid

#: keyed kinds whose release is the teardown of the process (acl.rt.reset_device, acl.finalize)
PROCESS_TEARDOWN = frozenset({"device", "process"})



class Exits:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def record_leak(self, st: PState, res: Res, how: str, at) -> None:
        if self.summary_mode:
            return
        key = res.site
        rec = self.leaks.get(key)
        if rec is None:
            rec = self.leaks[key] = LeakRecord(res=res, kinds=set(), exit_site=at, trace=st.trace,
                                               failed=_failures(st))
        rec.kinds.add(how)
        if key not in self.leak_owned:
            self.leak_owned[key] = self.owned_sites(st, res)
        if how == "overwrite" and rec.overwrite_site is None:
            rec.overwrite_site = at
        code = self.machine.leak_code(res)
        if code != "ACL101":
            rec.code = code
        if how == "normal" and "normal" not in rec.kinds - {how}:
            rec.exit_site, rec.trace, rec.res, rec.failed = at, st.trace, res, _failures(st)
        if how in ("normal", "error"):
            self.leaks_at.setdefault(_exit_key(at), {}).setdefault(key, res)
            held = self.held_by(st, res)
            if held is not None:
                self.leak_held.setdefault((_exit_key(at), res.rid), held)

    @staticmethod
    def held_by(st: PState, res: Res):
        """(container, earlier) when the name a leaked handle was acquired into now holds another
        value and a local container still holds the handle (a list a loop fills); ``earlier``: the
        name holds a later instance of the same acquire (the next iteration's). Else None."""
        if res.name not in st.env:  # no name, or acquired into a container (`hosts[...]`)
            return None
        bound = st.rids_of(st.env.get(res.name))
        if res.rid in bound:
            return None
        holders = [k for k, v in st.env.items() if v is not None and v[0] == "b" and res.rid in st.boxes.get(v[1], ())]
        if not holders:
            return None
        site = canon_rid(res.rid)
        return holders[0], any(canon_rid(r) == site and r != res.rid for r in bound)

    def owned_sites(self, st: PState, res: Res) -> Tuple:
        """(site, text) of the live handles a leaked one owns (a dataset's buffers and their
        memory), wherever they were acquired (helpers included): they leak with it."""
        out, seen, todo = [], {res.rid}, [res.rid]
        while todo:
            for child in self.machine.owned(st.ts, todo.pop(0)):
                if child.rid in seen or not child.live or child.external or child.site is None:
                    continue
                seen.add(child.rid)
                todo.append(child.rid)
                out.append((child.site, f"owns the {self.p.label(child.kind)} acquired here by {child.api}"))
        return tuple(out)

    def check_exits(self, outcome: Outcome) -> None:
        for cat in ("ret", "exc"):
            for st in getattr(outcome, cat):
                if st.dead and cat == "ret":
                    continue
                self.check_exit(st, cat)
        self.flush_unread()
        self.flush_null_checks()

    def check_exit(self, st: PState, cat: str) -> None:
        self.collect_owner_facts(st, cat)
        candidates = [r for r in st.ts.res.values() if r.live and not r.external and not r.escaped]
        unread = any(not rec.read and rec.checked_kind for rec in st.status.values())
        if (candidates or unread) and self.process_exit(st, cat) \
                and not self.options.get("report-process-exit-leaks"):
            # the process ends here: the driver takes back what it held (design.md section 7);
            # asked only when something could be reported (the call graph is not free)
            return
        roots = self.reachable(st, roots_only=True) if candidates else set()
        if cat == "exc" and candidates and self.fn is not None and self.fn.name == "__init__" \
                and self.options.get("report-constructor-raise"):
            # the object was never built: what __init__ stored on self is lost with it
            roots = {r for key, v in st.env.items() if v is not None and self.is_root(key)
                     and not key.startswith("self.") for r in st.rids_of(v)} | st.rids_of(st.returned)
        for res in candidates:
            if res.rid in roots:
                continue
            if res.kind not in self.p.kinds:
                continue
            if not self.machine.leak_reportable(st.ts, res, frozenset(self.torn_down)):
                continue
            if any(o.rid in roots for o in self.machine.owners(st.ts, res)):
                continue
            how = "error" if (st.err or cat == "exc") else "normal"
            self.record_leak(st, res, how, st.exit_site)
        # statuses never looked at
        for sid, rec in st.status.items():
            if not rec.read and rec.checked_kind:
                if cat == "ret" and st.returned is not None and sid in self._status_ids(st.returned):
                    continue
                self.unchecked(st, sid)

    def process_exit(self, st: PState, cat: str) -> bool:
        """Does this path end the process? An exception that propagates uncaught to module level
        (through any chain of project calls), an exit call, or the end of an entry function that
        tears the device down (handles still live there go with the process)."""
        graph = self.host.callgraph
        if cat == "exc":
            node = getattr(st.exit_site, "node", None)
            if isinstance(node, cst.Call) and _dotted(node.func) in EXIT_CALLS:
                return True
            return graph.exits_process(self.fn)
        # its end, or a return on a normal path (an early return on a failure is reported: that is
        # where the entry function's missing cleanup shows)
        return (st.exit_site is None or not st.err) and bool(self.torn_down & PROCESS_TEARDOWN) \
            and graph.ends_process(self.fn)

    @staticmethod
    def _status_ids(v) -> Set:
        if v is None:
            return set()
        if v[0] == "s":
            return {v[1]}
        if v[0] == "t":
            out = set()
            for x in v[1]:
                out |= Exits._status_ids(x)
            return out
        return set()

    def findings_of(self, mod, fn) -> List[Finding]:
        """This interpretation's findings: what the machine emitted, then the leaks."""
        interp = self
        fname = fn.qualname if fn is not None else "<module>"
        out: List[Finding] = []
        for (code, site, message, res, related, trace) in interp.findings.values():
            rel = [Related(mod.path, s.line, s.column, m, k) for (s, m, k) in related if s is not None]
            out.append(Finding(
                code=code, message=message, path=getattr(site, "path", mod.path), line=site.line, column=site.column,
                end_line=site.end_line, end_column=site.end_column, related=tuple(rel), function=fname,
                resource=(res.name if res is not None else "") or _call_text(site),
                acquire_call=res.api if res is not None else "",
            ))
        # a handle given to an invented acl.* name (ACL502: `destroy_model` for unload) leaks
        # because of that call: the ACL502 is the one finding of that defect (issue 10 item 1)
        leaks = [r for r in interp.leaks.values() if r.res.rid not in self.invented_args]
        for rec, also in _fan_in(leaks, self.leaks_at):
            out.append(self._leak_finding(rec, mod, fname, also))
        if self.cuts:
            out.append(self._cut_finding(mod, fn, fname))
        return out

    def _cut_finding(self, mod, fn, fname: str) -> Finding:
        """ACL003 at the `def` line: the function was not fully checked (never a silent clean)."""
        unit = f"`{fname}`" if fn is not None else "the module's top-level code"
        first = self.cut_sites[0] if self.cut_sites else None
        d = dx.paths_cut(unit, MAX_STATES, max(self.cuts), first)
        node = fn.node if fn is not None else None
        line, col = (1, 1)
        if node is not None:
            site = NodeSite(mod.path, node, mod.positions)
            line, col = site.line, site.column
        rel = (Related(mod.path, first.line, first.column, "paths dropped here", "step"),) if first else ()
        return Finding(code="ACL003", message=d.message, path=mod.path, line=line, column=col, end_line=line,
                       end_column=col + 1, related=rel, function=fname, resource="paths")

    def _end_site(self, mod) -> Site:
        """The last line of this function (of the module, for its top level): where it ends."""
        if self.fn is not None:
            end = mod.positions.of(self.fn.node)[2]
        else:
            end = max(1, len(mod.text.rstrip().splitlines()))
        return Site(mod.path, end, 1, end, 1)

    def _leak_finding(self, rec: LeakRecord, mod, fname: str, also: Tuple[Res, ...] = ()) -> Finding:
        res = rec.res
        subj = dx.subject(self.p, res)
        again = ""
        if "iter" in rec.kinds:
            d = dx.leak_per_iteration(dx.Leak(subj, exit="end"))
        elif "overwrite" in rec.kinds:
            d = dx.handle_overwritten(subj, at=rec.overwrite_site)
        else:
            error_only = "normal" not in rec.kinds
            code = rec.code if rec.code != "ACL101" else ("ACL102" if error_only else "ACL101")
            held = {o.rid: self.leak_held.get((_exit_key(rec.exit_site), o.rid)) for o in (res,) + tuple(also)}
            subj = dx.subject(self.p, res, held=held[res.rid])
            facts = _leak_facts(subj, rec, error_only, self._end_site(mod))
            d = dx.leak(code, replace(facts, also=tuple(dx.subject(self.p, o, held=held[o.rid]) for o in also)))
            again = res.name if held[res.rid] and held[res.rid][1] else ""
        ends = [(s.line, s.column) for (s, _t, _k) in d.related if s is not None]
        steps = [Related(mod.path, res.site.line, res.site.column, subj.acquired_by[1], "acquire")]
        steps += [Related(s.path, s.line, s.column, text, "acquire") for (s, text) in self.leak_owned.get(res.site, ())]
        # the other handles left live at this exit (fan-in) come right after the primary's acquire
        steps += [Related(s.path, s.line, s.column, text, kind) for (s, text, kind) in d.related if kind == "acquire"]
        steps += _path_steps(rec, ends, again)
        steps += [Related(s.path, s.line, s.column, text, kind) for (s, text, kind) in d.related if kind != "acquire"]
        return Finding(
            code=d.code, message=d.message, path=res.site.path, line=res.site.line,
            column=res.site.column, end_line=res.site.end_line, end_column=res.site.end_column,
            related=tuple(steps), function=fname, resource=res.name, acquire_call=res.api,
        )


def _exit_key(site) -> Tuple:
    """Where a path left: a return/raise/failed check by its position, or the function's end."""
    return (site.path, site.line, site.column) if site is not None else ("end",)


def _fan_in(records, live_at) -> List[Tuple[LeakRecord, Tuple[Res, ...]]]:
    """One finding per exit (design.md section 7, "one defect, one finding"): handles whose first
    leaking exit is the same return or raise (left live only on error paths), or the same normal
    exit (plain leaks, not orphans of a released owner: one per buffer), are one missing cleanup there; the first acquired is reported, naming every other
    handle live at that exit (also those reported at an earlier exit: the fix there needs them)."""
    out: List[Tuple[LeakRecord, Tuple[Res, ...]]] = []
    groups: Dict[Tuple, List[LeakRecord]] = {}
    for rec in records:
        if rec.kinds == {"error"} and rec.exit_site is not None:
            groups.setdefault(("error",) + _exit_key(rec.exit_site), []).append(rec)
        elif "normal" in rec.kinds and not rec.kinds & {"iter", "overwrite"} and rec.code == "ACL101":
            groups.setdefault(("normal",) + _exit_key(rec.exit_site), []).append(rec)
        else:
            out.append((rec, ()))
    for key, recs in groups.items():
        recs.sort(key=lambda r: (r.res.site.path != key[1], r.res.site.line, r.res.site.column))
        first = recs[0].res.site
        live = live_at.get(key[1:], {})
        others = [res for site, res in live.items() if site != first]
        others.sort(key=lambda r: (r.site.line, r.site.column))
        out.append((recs[0], tuple(others)))
    return out


def _failures(st: PState) -> Tuple:
    """(site, call) of the calls whose status this path assumes failed (each call's last status)."""
    out = [(rec.site, rec.call) for sid, how in st.assume.items() if how == "failed"
           for rec in (st.status.get(sid),) if rec is not None and rec.site is not None]
    return tuple(sorted(out, key=lambda sc: (sc[0].line, sc[0].column)))


def _path_steps(rec: LeakRecord, ends, again: str = "") -> List[Related]:
    """The steps of a leaking path after the acquire: only events of this resource and its owners
    (releases of other handles are left out), branches that read a status or a handle (a test of
    plain values only as the last branch before a return or raise), each once, none repeating
    the exit; ``again``: the name a later iteration's acquire at the same site rebinds (a step)."""
    res = rec.res
    mine = {res.rid, res.origin} | {t for _typ, t in res.links}
    trace = rec.trace
    start = next((i for i, (s, _t, _k) in enumerate(trace) if s == res.site), None)
    if start is None:
        return []
    after = [(s, t, k) for (s, t, k) in trace[start + 1:]
             if s is not None and (k != "acquire" or (again and s == res.site))]
    # a test of plain values can only decide an early exit (the return or raise under it)
    last_branch = max((i for i, (_s, t, k) in enumerate(after) if k == "branch"
                       and (getattr(t, "rids", None) is None or t.rids & mine)), default=-1) \
        if rec.exit_site is not None else -1
    after = _with_failures(after, rec.failed, res.site)
    out, seen = [], set(ends)
    for i, (s, text, kind) in enumerate(after):
        if kind in ("release", "branch") and getattr(text, "rids", None) is not None and not (text.rids & mine):
            continue
        if kind == "branch" and not getattr(text, "acl", True) and i != last_branch:
            continue
        if kind == "acquire":  # the next iteration's (its failure, at the same call, said with it)
            shown = dx.acquired_again(s, again, any(f == s for f, _c in rec.failed))[1]
        else:
            shown = dx.failed_step(s, text)[1] if kind == "failed" else str(text)
        if (s.line, s.column) in seen or (s.line, shown) in seen:
            continue
        seen.update({(s.line, s.column), (s.line, shown)})
        out.append(Related(s.path, s.line, s.column, shown, "step"))
    return out


def _with_failures(after: List, failed: Tuple, acquired) -> List:
    """The steps with the calls the path assumes failed (at or after the acquire) put in by
    position: where a cleanup or a later call must fail for the path to exist, a reader sees it."""
    start = (acquired.line, acquired.column)
    for site, call in failed:
        pos = (site.line, site.column)
        if pos < start:
            continue
        at = next((i for i, (s, _t, _k) in enumerate(after) if (s.line, s.column) > pos), len(after))
        after.insert(at, (site, call, "failed"))
    return after


def _leak_facts(subj, rec: LeakRecord, error_only: bool, end_site=None) -> "dx.Leak":
    """How a static leak's path left the function, for its message."""
    site = rec.exit_site
    branch = None
    for (s, text, kind) in reversed(rec.trace):
        if kind == "branch" and s is not None:
            if site is None or s.line != site.line:
                branch = (text, s.line)
            break
    if site is None:
        return dx.Leak(subj, exit="end", branch=branch, error_only=error_only, end_site=end_site)
    node = site.node
    how = "return" if isinstance(node, cst.Return) else "raise" if isinstance(node, cst.Raise) else "other"
    return dx.Leak(subj, exit=how, exit_site=site, exit_call=site.text if how == "other" else "",
                   branch=branch, error_only=error_only)


def _call_text(site) -> str:
    try:
        return site.text
    except Exception:
        return ""
