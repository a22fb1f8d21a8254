"""Facts for the owner pass, gathered while a function is interpreted (an observer of its exits).

Per function: which handles it stores on ``self`` (or a module global) and through which
attribute, which attributes it releases through, which ``self.method()`` calls it makes,
how the handles it stores are linked to each other. ``owner_pass.py`` reads them.
"""

from __future__ import annotations

import ast
from typing import Dict, Hashable, List, Optional, Set, Tuple

import libcst as cst

from ...typestate import Res
from ..positions import NodeSite
from ..positions import cst_dotted as dotted
from ..values import Elem, LeakRecord, Outcome, PState, ext_id, ext_path
from ..interp.calls import Released
from ..interp.exits import _failures


def _is_taken(rid) -> bool:
    """Is ``rid`` a handle taken out of a container by ``pop()`` (see ``taken_out``)?"""
    return isinstance(rid, tuple) and len(rid) == 3 and rid[0] == "ext" and isinstance(rid[2], tuple) \
        and rid[2][:1] == ("taken",)


class OwnerFacts:
    """Mixin of :class:`~acl_lint.static.interp.Interpreter`."""

    def init_owner_facts(self) -> None:
        self.self_stores: Dict[Hashable, Tuple[str, Res, bool, Optional[str]]] = {}  # res site -> (attr, res, direct, owner attr)
        self.self_releases: Dict[str, Set[str]] = {}  # attr -> kinds released through it
        self.callback_releases_of: Dict[str, Set[str]] = {}  # attr -> kinds a registered callback releases
        self.self_calls: List[Tuple[str, NodeSite]] = []  # self.method() calls
        self.container_stores: Set[Hashable] = set()  # stores into a container on self (not overwrites)
        self.self_links: Set[Tuple[str, str, str]] = set()  # (attr, link type, attr) between stored handles
        self.class_links: Dict[str, Tuple[Tuple[str, str], ...]] = {}  # attr -> ((link, attr), ...) from the class
        self.guarded_stores: Set[Hashable] = set()  # stores into self.x where the old value was null/released
        # objects this function builds (`self.model = Model(p)`): key -> (Model.__init__, site), and the
        # methods it then calls on them, in order: (construct site, __init__, method, call site)
        self.constructed: Dict[str, Tuple[object, NodeSite]] = {}
        self.pending_new: Optional[Tuple[str, object, NodeSite]] = None
        self.object_calls: List[Tuple[NodeSite, object, object, NodeSite]] = []
        # `del net` of an object built here: (construct site, __init__, name, del site)
        self.object_dels: List[Tuple[NodeSite, object, str, NodeSite]] = []
        # `h = self.pool.pop()`: pop site -> (attr, res, [(exit kind, exit site, error path, path
        # record)]) of the exits where the taken handle is neither released, put back, stored nor
        # handed on; `taking`: this function takes handles out (its branches are worth a look)
        self.taken_live: Dict[Hashable, Tuple[str, Res, List[Tuple[str, object, bool, LeakRecord]]]] = {}
        self.taking = False
        # a fresh handle stored in `self.x` here: acquire site -> (x, res, [(still held by self.x at
        # this exit, exit kind, exit site, error path)]) over the exits (the per-call temporary)
        self.field_exits: Dict[Hashable, Tuple[str, Res, List[Tuple[bool, str, object, bool]]]] = {}

    def owner_root(self, key: str) -> Optional[str]:
        """The attribute of self (or the module global) a root env key stands for."""
        if key.startswith("self."):
            rest = key[5:]
        elif self.fn is not None and key.split(".", 1)[0].rstrip("[]") in self.global_names:
            rest = key
        else:
            return None
        for sep in "./[":
            rest = rest.split(sep, 1)[0]
        return rest or None

    def collect_owner_facts(self, st: PState, cat: str) -> None:
        # a release made only on error paths (destroy, then raise) does not make this method a
        # release method of the attribute: its normal paths leave the handle to the object
        for res in (st.ts.res.values() if not st.err else ()):
            if res.external and not res.live:
                names = [ext_path(res)] if ext_path(res) else []
                if res.key is not None:
                    names += [k[1] for k in res.key[1] if isinstance(k, tuple) and len(k) >= 2 and k[0] == "ext"]
                    names += [k for k in res.key[1] if isinstance(k, str)]
                for n in names:
                    root = self.owner_root(n)
                    if root is not None:
                        self.self_releases.setdefault(root, set()).update(res.kind.split("|"))
        self.note_taken_live(st, cat)
        by_rid: Dict[Hashable, str] = {}
        containers: Set[Hashable] = set()
        for key, v in st.env.items():
            root = self.owner_root(key)
            if root is None or v is None:
                continue
            for rid in st.rids_of(v):
                by_rid.setdefault(rid, root)
                if key.endswith("[]") or v[0] in ("b", "e"):
                    containers.add(rid)
        self.note_field_exits(st, cat, by_rid)
        if cat != "ret" or st.err:
            return
        for res in st.ts.res.values():
            if res.rid in by_rid and not res.external:
                for typ, target in res.links:
                    if target in by_rid and by_rid[target] != by_rid[res.rid]:
                        self.self_links.add((by_rid[res.rid], typ, by_rid[target]))
        for res in st.ts.res.values():
            if not res.live or res.external or res.kind not in self.p.kinds or res.site in self.self_stores:
                continue
            owner_attr = next((by_rid[o.rid] for o in self.machine.owners(st.ts, res) if o.rid in by_rid), None)
            if res.rid in by_rid:
                self.self_stores[res.site] = (by_rid[res.rid], res, True, owner_attr)
                if res.rid in containers:
                    self.container_stores.add(res.site)
            elif owner_attr is not None:
                self.self_stores[res.site] = (owner_attr, res, False, owner_attr)

    def note_assigned(self, key: str) -> None:
        """``key`` is rebound: to the object a constructor call just built, or to something else."""
        pending, self.pending_new = self.pending_new, None
        if pending is not None and pending[0] == key:
            self.constructed[key] = (pending[1], pending[2])
        elif self.constructed:
            self.constructed.pop(key, None)

    def note_object_call(self, func, site: NodeSite) -> None:
        """``obj.method()`` on an object this function built: remembered for the owner pass
        (running an initialiser that ``__init__`` already ran leaks what the first run stored)."""
        built = self.constructed.get(dotted(func.value)) if self.constructed else None
        if built is None or built[0].cls is None or self.summary_mode:
            return
        method = self.host.resolver.index.method(built[0].cls, func.attr.value)
        if method is not None and all(c[3] != site for c in self.object_calls):
            self.object_calls.append((built[1], built[0], method, site))

    def deleted(self, node, st: PState) -> None:
        """``del self.pool[k]``: the element leaves the container as with ``self.pool.pop(k)``,
        and nothing holds it any more: a handle not released first is dropped (a leak). ``del net``
        of an object built here is remembered: its ``__del__`` runs only if nothing else references
        it (``registry.py``; the owner pass judges it)."""
        targets = [e.value for e in node.target.elements] if isinstance(node.target, cst.Tuple) else [node.target]
        for t in targets:
            if type(t) is cst.Name and t.value in self.constructed and not self.summary_mode:
                built = self.constructed.pop(t.value)  # whether it releases: the owner pass decides
                self.object_dels.append((built[1], built[0], t.value, self.site(t)))
                continue
            key = dotted(t.value) if type(t) is cst.Subscript else ""
            if not key.startswith("self.") or self.summary_mode:
                continue
            elem = self.ev(t, st, Outcome())
            if any(r in st.ts.res and not st.ts.res[r].live for r in st.rids_of(elem)):
                continue  # released here before it was deleted
            self.taken_out(key, t, st, "", how="del")

    def taken_out(self, key: str, node, st: PState, target: str, how: str = "pop"):
        """``self.pool.pop()``: the element leaves the container; until it is released, put back
        or handed on, this function holds it (a handle of the container's kind, if it holds any)."""
        rid = ext_id(key + "[]", ("taken", id(node)))
        site = self.site(node)
        stmt = self.cur_stmt  # `a, b = self.pairs.pop()`: the element is the pair, named by both
        if isinstance(stmt, cst.Assign) and stmt.value is node and isinstance(stmt.targets[0].target, cst.Tuple):
            target = ", ".join(dotted(e.value) or "_" for e in stmt.targets[0].target.elements)
        st.ts.res[rid] = Res(rid=rid, kind="unknown", name=target or key + ".pop()", api=how,
                             site=site, external=True)
        st.add_trace(site, "taken out", "acquire")  # where its leaking path starts
        self.taking = True
        bid = ("taken", id(node))  # an element: `a, b = self.pairs.pop()` binds both to it
        st.boxes[bid] = frozenset({rid})
        return Elem(bid)

    def note_taken_live(self, st: PState, cat: str) -> None:
        taken = [r for r in st.ts.res.values() if r.external and r.live and not r.escaped and _is_taken(r.rid)]
        if not taken or (self.process_exit(st, cat) and not self.options.get("report-process-exit-leaks")):
            return
        held: Set[Hashable] = set()
        for key, v in st.env.items():
            if v is not None and self.owner_root(key) is not None:
                held |= st.rids_of(v)
        for bid, rids in st.boxes.items():
            if bid[0] != "taken":  # put into another list: let it go (it may be handed on)
                held |= rids
        held |= st.rids_of(st.returned)
        for res in taken:
            if res.rid in held:
                continue
            how = ("return" if st.exit_site is not None else "end") if cat == "ret" else "raise"
            rec = self.taken_live.setdefault(res.site, (res.rid[1][5:-2], res, []))
            path = LeakRecord(res=res, kinds=set(), exit_site=st.exit_site, trace=st.trace, failed=_failures(st))
            rec[2].append((how, st.exit_site, st.err, path))

    def note_decided(self, node, t_states: List[PState], f_states: List[PState]) -> None:
        """An ``if`` whose one side hands a taken handle on (``self.busy.append(h)``) and whose
        other side does not decides that handle's fate: a step on the paths of the side that does
        not (a "not taken" step even without an ``else``), tied to the handle (shown in its path only)."""
        if not self.taking:
            return
        a = self.mod.positions.ast_of(node)
        if a is None:
            return
        uses = [{n.id for stmt in side for n in ast.walk(stmt) if type(n) is ast.Name} for side in (a.orelse, a.body)]
        for states, truth, other, own in ((t_states, True, uses[0], uses[1]), (f_states, False, uses[1], uses[0])):
            for st in states:
                rids = frozenset(rid for name in other - own if name in st.env
                                 for rid in st.rids_of(st.env[name]) if _is_taken(rid))
                if rids:
                    st.add_trace(self.site(node.test), Released(self.cond_text(node.test, truth), rids), "branch")

    def note_field_exits(self, st: PState, cat: str, by_rid: Dict[Hashable, str]) -> None:
        """Per exit: is each fresh handle this function stored in ``self.x`` released, or still
        held there? (``self._tmp`` released at the end of the normal path, left live by an early
        return.)"""
        stored = [r for r in st.ts.res.values() if not r.external and r.name.startswith("self.")
                  and r.kind in self.p.kinds and r.site is not None]
        if not stored or self.summary_mode:
            return
        if self.process_exit(st, cat) and not self.options.get("report-process-exit-leaks"):
            return
        how = ("return" if st.exit_site is not None else "end") if cat == "ret" else "raise"
        for res in stored:
            attr = self.owner_root(res.name)
            if attr is None:
                continue
            held = res.live and not res.escaped and by_rid.get(res.rid) == attr
            if not held and res.live:
                continue  # moved on (handed over, stored elsewhere): not this rule's business
            rec = self.field_exits.setdefault(res.site, (attr, res, []))
            rec[2].append((held, how, st.exit_site, st.err))

