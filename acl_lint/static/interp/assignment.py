"""Assignment and escapes: binding values to names, attributes, containers; what an
overwrite loses (ACL104, ACL501 for an unread status); what escapes the function."""

from __future__ import annotations

from typing import Hashable, Set

import libcst as cst

from ... import diagnostics as dx

from ..low_value import context_created_here, dependents_checked
from .flags import forget_flags
from ..positions import cst_dotted as dotted
from ..values import Handles, Outcome, PState, UNKNOWN, _escaped, ext_id, is_null


def subscript_root(t: cst.BaseExpression) -> cst.BaseExpression:
    """``self.sets[dev][s]`` -> ``self.sets``: a slot at any depth belongs to the outermost container."""
    while type(t) is cst.Subscript:
        t = t.value
    return t


class Assignment:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def target_name(self, t: cst.BaseExpression) -> str:
        if isinstance(t, (cst.Tuple, cst.List)) and t.elements:
            return self.target_name(t.elements[0].value)
        d = dotted(t)
        if d:
            return d
        if type(t) is cst.Subscript:
            base = dotted(t.value)
            return base + "[...]" if base else ""
        return ""

    def assign(self, t: cst.BaseExpression, v, st: PState, stmt, loop_bind: bool = False) -> None:
        if type(t) is cst.Name:
            name = t.value
            if name == "_":
                self.discard(v, st, stmt)
                return
            if loop_bind and v is None:
                st.ts.res.pop(ext_id(name), None)  # a new element each iteration
            if st.assume:
                st.assume.pop(("dom", name), None)  # a new value: no longer one of a known set
                forget_flags(st, name)
            self.note_assigned(name)
            self.overwrite(name, v, st, stmt, loop_bind)
            st.env[name] = v
            if name in self.global_names:
                self.escape(v, st, "stored in a module global")
            return
        if type(t) is cst.Attribute:
            key = dotted(t)
            if key:
                self.note_assigned(key)
                if key.startswith("self.") and not self.summary_mode:
                    old = st.env.get(key)
                    if old is not None and (is_null(old) or (old[0] == "r" and all(
                            r in st.ts.res and not st.ts.res[r].live for r in old[1]))):
                        for rid in st.rids_of(v):
                            r = st.ts.res.get(rid)
                            if r is not None:
                                self.guarded_stores.add(r.site)
                self.overwrite(key, v, st, stmt, loop_bind)
                st.env[key] = v
                if not key.startswith("self."):
                    # another object's attribute: ownership goes with that object
                    base = key.split(".", 1)[0]
                    if base not in st.env or st.env.get(base) is None:
                        self.escape(v, st, f"stored in {key}")
            else:
                self.escape(v, st, "stored in an attribute")
            return
        if isinstance(t, (cst.Tuple, cst.List)):
            elems = t.elements
            starred = any(type(e) is cst.StarredElement for e in elems)
            if v is not None and v[0] == "t" and len(v[1]) == len(elems) and not starred:
                for e, x in zip(elems, v[1]):
                    self.assign(e.value, x, st, stmt, loop_bind)
            else:
                if v is not None and v[0] == "e":
                    for e in elems:
                        self.assign(e.value, v, st, stmt, loop_bind)
                    return
                if v is not None and v[0] == "t":
                    for x in v[1]:
                        self.mark_read(x, st)
                for e in elems:
                    self.assign(e.value, UNKNOWN, st, stmt, loop_bind)
            return
        if type(t) is cst.Subscript:
            base = self.ev(t.value, st, Outcome())
            for el in t.slice:
                if isinstance(el.slice, cst.Index):
                    self.ev(el.slice.value, st, Outcome())
            key = dotted(subscript_root(t))
            if base is not None and base[0] in ("b", "e") and not (
                    base[1][0] == "extbox" and key and (key.startswith("self.") or key in self.global_names)):
                bid = base[1]
                st.boxes[bid] = st.boxes.get(bid, frozenset()) | st.rids_of(v)
                self.mark_read(v, st)
                return
            if key and (key.startswith("self.") or key in self.global_names):
                root = key + "[]"
                old = st.env.get(root)
                st.env[root] = Handles(st.rids_of(old) | st.rids_of(v)) if old is not None else (
                    Handles(st.rids_of(v)) if st.rids_of(v) else UNKNOWN)
                self.mark_read(v, st)
                return
            self.escape(v, st, "stored in a container")
            return
        if type(t) is cst.StarredElement:
            self.assign(t.value, UNKNOWN, st, stmt)
            return

    def overwrite(self, key: str, new, st: PState, stmt, loop_bind: bool) -> None:
        old = st.env.get(key)
        if old is None:
            return
        if old[0] == "s":
            rec = st.status.get(old[1])
            if rec is not None and not rec.read and not (new is not None and new[0] == "s" and new[1] == old[1]):
                self.unchecked(st, old[1], overwritten_at=self.site(stmt))
            return
        if old[0] == "t":
            for x in old[1]:
                if x is not None and x[0] == "s":
                    rec = st.status.get(x[1])
                    if rec is not None and not rec.read:
                        self.unchecked(st, x[1], overwritten_at=self.site(stmt))
        if old[0] != "r" or loop_bind:
            return
        new_rids = st.rids_of(new)
        for rid in old[1]:
            if rid in new_rids:
                continue
            res = st.ts.res.get(rid)
            if res is None or not res.live or res.external or res.escaped:
                continue
            if self.p.kinds.get(res.kind) is None or self.p.kinds[res.kind].scope == "process":
                continue
            if rid in self.reachable(st, exclude=key):
                continue
            if not self.machine.leak_reportable(st.ts, res):
                continue
            self.record_leak(st, res, "overwrite", self.site(stmt))
            st.ts.res[rid] = _escaped(res)

    def reachable(self, st: PState, exclude: str = "", roots_only: bool = False) -> Set[Hashable]:
        out: Set[Hashable] = set()
        for key, v in st.env.items():
            if key == exclude or v is None:
                continue
            if roots_only and not self.is_root(key):
                continue
            out |= st.rids_of(v)
        if st.returned is not None:
            out |= st.rids_of(st.returned)  # the returned value outlives the function
        return out

    def is_root(self, key: str) -> bool:
        """Env keys that outlive the function: attributes, globals, the returned value."""
        if "." in key or key.endswith("[]"):
            return True
        if key in self.global_names:
            return True
        if self.fn is None and key in self.mod.global_refs:
            return True  # module level: a name that functions of the module use
        return False

    def escape(self, v, st: PState, why: str) -> None:
        for rid in st.rids_of(v):
            res = st.ts.res.get(rid)
            if res is not None and not res.escaped:
                st.ts.res[rid] = _escaped(res)
                if self.graph is not None:
                    self.graph.on_escape(res, why)

    def mark_read(self, v, st: PState) -> None:
        """``v``'s statuses are read (while ``self.showing``: only displayed, by print or a log line)."""
        if v is None:
            return
        if v[0] == "s":
            rec = st.status.get(v[1])
            if rec is not None:
                rec.read = True
                self.ever_read.add(v[1])
                if not self.showing:
                    self.ever_checked.add(v[1])
        elif v[0] == "t":
            for x in v[1]:
                self.mark_read(x, st)

    def discard(self, v, st: PState, call: cst.CSTNode) -> None:
        """A call's result thrown away: an ignored status is ACL501."""
        if v is None:
            return
        if v[0] == "s":
            self.unchecked(st, v[1], definite=True)
        elif v[0] == "t":
            for x in v[1]:
                if x is not None and x[0] == "s":
                    self.unchecked(st, x[1], definite=True)

    def unchecked(self, st: PState, sid, overwritten_at=None, definite: bool = False) -> None:
        """A status dropped unread. Thrown away on the spot (bare call, `_`) it is ACL501 at once;
        overwritten or left unread at an exit it is ACL501 only if no path ever reads it."""
        rec = st.status.get(sid)
        if rec is None or rec.read:
            return
        rec.read = True
        if not rec.checked_kind:
            return
        if definite and rec.call in self.low_value_calls:
            # decided at the end, when it is known whether the next call's status is checked
            self.unread.setdefault(sid, (rec.site, dx.unchecked_return_code(rec.call, ignored=True)))
            self.status_calls[sid] = rec.call
            self.low_value_pending[sid] = rec.call
        elif definite:
            self.unchecked_calls.append((rec.site, rec.call))
            self.machine.report(rec.site, None, dx.unchecked_return_code(rec.call, ignored=True))
        elif sid not in self.unread:
            self.status_calls[sid] = rec.call
            self.unread[sid] = (rec.site, dx.unchecked_return_code(rec.call, overwritten_at))
            if rec.call in self.low_value_calls:
                self.low_value_pending[sid] = rec.call

    def note_next_status(self, st: PState, sid) -> None:
        """Remember which status-bearing call comes next after a low-value one on this path."""
        for prev in reversed(st.status):
            if st.status[prev].call in self.low_value_calls:
                self.next_status.setdefault(prev, set()).add(sid)
            break

    def low_value(self, sid) -> bool:
        """rules/low_value.toml: an unchecked status that is noise where it stands (`acl.init()`
        right before a checked call), unless `report-low-value-statuses` is set."""
        call = self.low_value_pending.get(sid, "")
        when = self.low_value_calls.get(call)
        if when in ("next_call_checked", "context_created_here"):
            nxt = self.next_status.get(sid, ())
            if not nxt or not all(n in self.ever_read for n in nxt):
                return False
            return when == "next_call_checked" or context_created_here(
                self.mod, self.fn, getattr(self.unread.get(sid, (None,))[0], "node", None),
                self.p.low_value_unless.get(call, ()))
        if when == "dependents_checked":
            return dependents_checked(self.mod, self.p.low_value_dependents.get(call, ()))
        return False

    def flush_unread(self) -> None:
        for sid, (site, diagnostic) in self.unread.items():
            if sid not in self.ever_read and not self.low_value(sid):
                self.cur = None
                self.unchecked_calls.append((site, self.status_calls.get(sid, "")))
                self.machine.report(site, None, diagnostic)
        if not self.ever_checked:  # (printing a status is looking at it, not checking it)
            self.summarise_unchecked()

    def summarise_unchecked(self) -> None:
        """Code that checks none of its statuses gets one ACL501, at the first, listing the
        others: the fix is one habit (check, or a raising helper), not one edit per call (F9)."""
        keys = sorted((k for k, f in self.findings.items() if f[0] == "ACL501"),
                      key=lambda k: (self.findings[k][1].line, self.findings[k][1].column))
        if len(keys) < 2:
            return
        first = self.findings[keys[0]]
        call = next((c for s, c in self.unchecked_calls if s == first[1] and c), "a pyACL call")
        others = tuple((self.findings[k][1], self.findings[k][2], "step") for k in keys[1:])
        where = f"`{self.fn.name}()`" if self.fn is not None else "the module body"
        d = dx.unchecked_statuses(where, call, first[1].line, len(keys), others)
        for k in keys[1:]:
            del self.findings[k]
        self.findings[keys[0]] = (d.code, first[1], d.message, first[3], d.related, first[5])
