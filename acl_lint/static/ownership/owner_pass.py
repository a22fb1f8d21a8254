"""The owner pass: ownership across the methods of a class (and the functions of a module).

A handle stored on ``self`` (or in a module global) belongs to the object
(module). After every function has been analysed path by path, this pass
asks, per owner:

- is every stored handle released through its attribute by *some* method?
  (ACL105; through a dataset attribute whose release forgets the memory or
  the buffers inside: ACL106 / ACL107);
- does a method that runs per call (not ``__init__``, not an initialiser, not
  only called from one) store a new handle over the old one (ACL104), leak
  a local on every call (ACL101 becomes ACL103), or run an initialiser again
  (ACL104 at the call)?

Release methods are recognised by what they do (they release through self),
run-once methods by name or by being called only from run-once methods.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import replace
from typing import Dict, Iterable, List, Optional, Set

import libcst as cst

from ... import diagnostics as dx
from ...findings import Finding, Related
from ...typestate import Site
from ..interp.exits import _path_steps
from ..positions import NodeSite, cst_walk
from .registry import check_deleted_objects

INIT_PATTERNS = ("__init__", "__new__", "__enter__", "init*", "_init*", "setup*", "_setup*", "open", "load*",
                 "_load*", "prepare*", "_prepare*", "start*", "_start*", "initialize*", "_initialize*",
                 "create*", "_create*", "build*", "_build*")
RELEASE_PATTERNS = ("__del__", "__exit__", "close", "release*", "_release*", "destroy*", "_destroy*", "free*",
                    "_free*", "finalize*", "deinit*", "_deinit*", "teardown*", "cleanup*", "_cleanup*",
                    "unload*", "reset*", "shutdown*", "stop*", "dispose*")


class _Facts:
    """Per-function analysis facts; methods of base classes outside the run are analysed on demand."""

    def __init__(self, engine, known: Dict[int, object]):
        self.engine, self.known = engine, known

    def get(self, key, default=None):
        return self.known.get(key, default)

    def of(self, fn):
        it = self.known.get(id(fn))
        if it is None and fn is not None:
            try:
                it = self.engine.interp_of(fn)  # the cached run
            except Exception:
                it = None
            self.known[id(fn)] = it
        return it


def _named_once(fn) -> bool:
    """Its module names ``fn`` only where it is defined: no call, no reference (a callback, a
    dispatch table), no identifier-like string (a ``getattr`` name). Comments and prose (a
    docstring that mentions it) do not count."""
    name, text = fn.name, fn.module.text
    word = re.compile(r"\b%s\b" % re.escape(name))
    if len(word.findall(text)) == 1:
        return True
    seen = 0
    for node in cst_walk(fn.module.tree):
        t = type(node)
        if t is cst.Name and node.value == name:
            seen += 1
        elif t is cst.SimpleString and _IDENT_STRING.match(node.raw_value) and word.search(node.raw_value):
            seen += 1
        if seen > 1:
            return False
    return True


_IDENT_STRING = re.compile(r"^[\w.]+$")
def _end_of(fn) -> Site:
    """The last line of a function: where a path that runs off its end leaves."""
    end = fn.module.positions.of(fn.node)[2]
    return Site(fn.module.path, end, 1, end, 1)


def _deciding_branch(path) -> Optional[tuple]:
    """(text, line) of the last branch on a leaking path that decides the handle's fate: one tied
    to it (its other side hands the handle on) or one that reads a status or a handle."""
    start = next((i for i, (s, _t, _k) in enumerate(path.trace) if s == path.res.site), len(path.trace))
    for s, text, kind in reversed(path.trace[start:]):
        if kind != "branch" or s is None or (path.exit_site is not None and s.line == path.exit_site.line):
            continue
        rids = getattr(text, "rids", None)
        if (path.res.rid in rids) if rids is not None else getattr(text, "acl", True):
            return (str(text), s.line)
    return None


def _matches(name: str, patterns: Iterable[str]) -> bool:
    """Case-insensitive, and `vpc_init` / `CreateDesc` / `_decode_thread_init` match like `init*`."""
    low = name.lower()
    words = [w for w in low.strip("_").split("_") if w]
    return any(fnmatch.fnmatchcase(low, p.lower()) or any(fnmatch.fnmatchcase(w, p.lower().lstrip("_"))
                                                          for w in words[-1:])
               for p in patterns)


class OwnerPass:
    def __init__(self, engine, options):
        self.engine = engine
        self.p = engine.protocol
        self.init_patterns = INIT_PATTERNS + tuple(options.get("init-methods") or ())
        self.release_names = tuple(options.get("release-methods") or ())

    # ------------------------------------------------------------------ helpers

    def covered(self, kind: str, kinds: Optional[Set[str]]) -> bool:
        if not kinds:
            return False
        if "any" in kinds:
            return True
        return any(self.p.kind_matches(kind, frozenset({k})) or k == kind for k in kinds)

    def subject(self, res) -> "dx.Subject":
        return dx.subject(self.p, res, named=False)

    def finding(self, res, d: "dx.Diagnostic", fn) -> Finding:
        site = res.site
        return Finding(code=d.code, message=d.message, path=site.path, line=site.line, column=site.column,
                       end_line=site.end_line, end_column=site.end_column,
                       related=(Related(site.path, site.line, site.column,
                                        f"{self.p.label(res.kind)} acquired by {res.api}", "acquire"),)
                       + tuple(Related(s.path, s.line, s.column, t, k) for s, t, k in d.related),
                       function=fn.qualname if fn is not None else "<module>", resource=res.name,
                       acquire_call=res.api)

    @staticmethod
    def release_methods(methods, releasing) -> tuple:
        """(site, name) of the owner's release methods, which skip the handle a finding is about."""
        out = []
        for name in sorted(releasing):
            fn = methods.get(name)
            if fn is not None:
                out.append((NodeSite(fn.module.path, fn.node, fn.module.positions), name))
        return tuple(sorted(out, key=lambda step: step[0].line))

    # ------------------------------------------------------------------ the pass

    def run(self, interps: Dict[int, object], findings: List[Finding], reported: Set[str]) -> List[Finding]:
        out: List[Finding] = []
        index = self.engine.index
        by_fn = _Facts(self.engine, {id(i.fn): i for i in interps.values() if i.fn is not None})
        replaced: Set[int] = set()
        for mod in [m for m in list(index.modules.values()) if m.path in reported]:
            for cls in mod.classes.values():
                index.consulted = set()
                chain = index.class_chain(cls)
                self.engine.deps.setdefault(mod.path, set()).update(
                    c.module.path for c in chain if c.module.path != mod.path)
                methods = index.methods_of(cls, chain)
                # overridden base methods still run (super().release())
                overridden = [m for c in chain for n, m in c.methods.items() if methods.get(n) is not m]
                self.check_owner(cls.name, methods, by_fn, out, findings, replaced, is_class=True,
                                 extra=overridden)
            for fn in list(mod.functions.values()) + [m for c in mod.classes.values() for m in c.methods.values()]:
                self.check_object_calls(by_fn.get(id(fn)), by_fn, out)
                check_deleted_objects(self, by_fn.get(id(fn)), by_fn, out)
            module_fns = {f.name: f for f in mod.functions.values()}
            module_fns["<module>"] = None
            self.check_module(mod, module_fns, by_fn, interps, out)
        return [f for i, f in enumerate(findings) if i not in replaced] + out

    def check_owner(self, owner, methods, by_fn, out, findings, replaced, is_class, extra=()) -> None:
        facts = {name: by_fn.of(fn) for name, fn in methods.items()}
        releases: Dict[str, Set[str]] = {}
        for it in list(facts.values()) + [by_fn.of(fn) for fn in extra]:
            if it is None:
                continue
            for attr, kinds in list(it.self_releases.items()) + list(it.callback_releases_of.items()):
                releases.setdefault(attr, set()).update(kinds)
        assume_all = any(_matches(n, self.release_names) for n in methods) if self.release_names else False
        once, callers = self.run_once(methods, facts)
        # run at most once per object by every call chain of the project: nothing is overwritten
        once_here = {n for n, fn in methods.items() if n not in once and self.once_per_object(fn)}
        releasing = {n for n, it in facts.items() if it is not None and it.self_releases} | {
            n for n in methods if _matches(n, RELEASE_PATTERNS)}
        reported: Set[object] = set()
        unreleased_per_call: Dict[str, List[tuple]] = {}
        overwrites: List[tuple] = []  # (res, attr, per-call method, fn) stored over per call
        inside: List[tuple] = []  # (res, attr, fn) left inside an attribute its releases forget
        for name, it in facts.items():
            if it is None:
                continue
            fn = methods[name]
            rerun = name not in once and name not in releasing and not name.startswith("__")
            per_call = rerun and name not in once_here and not self.dead(name, fn, callers)
            # a helper whose callers release what it stores (gen / execute / drop) is part of a pair
            for site, (attr, res, direct, owner_attr) in it.self_stores.items():
                if site in reported:
                    continue
                kinds = releases.get(attr)
                if assume_all:
                    kinds = {"any"}
                if direct and owner_attr and owner_attr != attr and not self.covered(res.kind, kinds) \
                        and releases.get(owner_attr):
                    # also owned through a dataset/buffer kept on self: judge it by that owner
                    attr, direct, kinds = owner_attr, False, releases.get(owner_attr)
                if direct:
                    if not self.covered(res.kind, kinds):
                        reported.add(site)
                        if per_call and site not in it.container_stores and site not in it.guarded_stores \
                                and (callers.get(name) or not name.startswith("_")):
                            # (a private method no method calls is a callback or thread entry: once)
                            # leaked per call AND never released: one finding, the per-call one
                            unreleased_per_call.setdefault(attr, []).append((res, name, fn))
                            continue
                        out.append(self.finding(res, dx.owner_never_releases(
                            self.subject(res), attr, owner, skipped_by=self.release_methods(methods, releasing)), fn))
                        continue
                    paired = self.paired(name, attr, res.kind, facts, callers)
                    if per_call and not paired and site not in it.container_stores and \
                            site not in it.guarded_stores and not self.covered(res.kind, it.self_releases.get(attr)) \
                            and not self.covered(res.kind, it.callback_releases_of.get(attr)):
                        reported.add(site)
                        overwrites.append((res, attr, name, fn))
                else:
                    if kinds and not self.covered(res.kind, kinds):
                        reported.add(site)
                        inside.append((res, attr, fn))
            self.per_call_effects(name, fn, it, facts, once, per_call, rerun, findings, replaced, out)

        self.report_inside(owner, inside, facts, methods, out)
        for res, attr, name, fn, via in self.at_acquire(overwrites, facts):
            out.append(self.finding(res, dx.handle_overwritten(self.subject(res), attr=attr, method=name,
                                                               via=via), fn))
        unreleased_per_call = {attr: [(r, n, f) for r, _a, n, f, _v in self.at_acquire(
            [(r, attr, n, f) for r, n, f in stores], facts)] for attr, stores in unreleased_per_call.items()}
        self.check_taken(facts, methods, releasing, out)
        self.check_field_exits(facts, methods, once | once_here, callers, out)
        self.per_call_unreleased(owner, unreleased_per_call, self.release_methods(methods, releasing), out)

    def per_call_effects(self, name, fn, it, facts, once, per_call, rerun, findings, replaced, out) -> None:
        """A local leaked by a per-call method leaks on every call (ACL101 becomes ACL103); a
        keyed subscribe/unsubscribe pair is the class's lifecycle; an initialiser run again (per
        call, or even once after ``__init__`` ran it) overwrites what it stored (ACL104)."""
        for i, f in enumerate(findings):
            if f.code == "ACL101" and f.function == fn.qualname and f.path == fn.module.path:
                if self.keyed_pair(f, name, facts):
                    replaced.add(i)
                elif per_call:
                    replaced.add(i)
                    d = dx.leak_per_iteration(None, per_call_of=name, base=f.message)
                    out.append(replace(f, code=d.code, message=d.message))
        if not rerun:
            return
        for callee, site in it.self_calls:
            if callee in once and callee != name and facts.get(callee) is not None \
                    and (per_call or callee in self.run_by_init(facts)):
                stored = facts[callee].self_stores
                if stored and not it.self_releases:
                    d = dx.handle_overwritten(method=name, initialiser=callee, stored=sorted(
                        {"self." + x[0] for x in stored.values()}))
                    out.append(self.finding_at(site, d, fn.qualname, f"self.{callee}()", callee))

    @staticmethod
    def at_acquire(stores, facts) -> List[tuple]:
        """One finding per (handle, field), at the acquire (PATTERNS F8): a store made by a
        per-call method at its call of a helper that itself stores the handle in the same field
        (reported there) is folded into the helper's store, as a step (site, caller)."""
        def key(site):
            return (site.path, site.line, site.column)

        by_method = {(name, attr): i for i, (_r, attr, name, _f) in enumerate(stores)}
        into: Dict[int, int] = {}
        for i, (res, attr, name, _fn) in enumerate(stores):
            it = facts.get(name)
            callee = next((c for c, s in (it.self_calls if it is not None else ()) if key(s) == key(res.site)), None)
            if callee is not None and by_method.get((callee, attr), i) != i:
                into[i] = by_method[(callee, attr)]
        via: Dict[int, List[tuple]] = {}
        for i in sorted(into, key=lambda i: stores[i][0].site.line):
            j = into[i]
            while j in into:
                j = into[j]
            via.setdefault(j, []).append((stores[i][0].site, stores[i][2]))
        return [(res, attr, name, fn, tuple(via.get(i, ()))) for i, (res, attr, name, fn) in enumerate(stores)
                if i not in into]

    def per_call_unreleased(self, owner, stores_by_attr, skipped_by, out) -> None:
        """Stored per call and released by no method: one ACL104 per attribute (the per-call
        leak grows with every call), the other per-call stores and the owner's release
        methods as steps (issue 11 item 8)."""
        for attr, stores in stores_by_attr.items():
            res, name, fn = stores[0]
            also = tuple((r.site, n) for r, n, _ in stores[1:])
            out.append(self.finding(res, dx.handle_overwritten(
                self.subject(res), attr=attr, method=name, never_released_by=owner, also=also,
                skipped_by=skipped_by), fn))

    def check_taken(self, facts, methods, releasing, out) -> None:
        """``h = self.pool.pop()`` in a method that can return with ``h`` neither released, put
        back, stored nor handed on: a leak there, of the kind the class keeps in ``self.pool``
        (not on the error paths of a release method: a failed release is the news there)."""
        kinds: Dict[str, Set[str]] = {}
        for it in facts.values():
            for site, (attr, res, _direct, _o) in (it.self_stores.items() if it is not None else ()):
                if site in it.container_stores:
                    kinds.setdefault(attr, set()).add(res.kind)
        for name, it in facts.items():
            for site, (attr, res, exits) in (it.taken_live.items() if it is not None else ()):
                if len(kinds.get(attr, ())) != 1:
                    continue  # not a container of handles of one kind: nothing to say
                how, exit_site, _err, path = next((e for e in exits if not e[2]), exits[0])
                error_only = all(e[2] for e in exits)
                if error_only and name in releasing:
                    continue
                subj = dx.taken_out(self.p.label(next(iter(kinds[attr]))), attr, res.name, site, res.api)
                end = _end_of(methods[name])
                leak = dx.Leak(subj, exit=how, exit_site=exit_site, error_only=error_only, end_site=end,
                               branch=_deciding_branch(path))
                d = dx.leak_on_error_path(leak) if error_only else dx.resource_leak(leak)
                # the path: the pop, the branches that decide the handle's fate, the exit
                steps = [(r, r.message, r.kind) for r in _path_steps(path, [((exit_site or end).line,
                                                                            (exit_site or end).column)])]
                d = d._replace(related=(dx.taken_step(attr, site, res.api),) + tuple(steps) + d.related)
                out.append(self.finding_at(site, d, methods[name].qualname, res.name, res.api))

    def check_field_exits(self, facts, methods, once, callers, out) -> None:
        """A per-call method storing a fresh handle in ``self.x`` that it releases on a normal
        path, but that another exit (an early return on an error) leaves live in ``self.x``: the
        next call overwrites it (issue 11 item 5)."""
        for name, it in facts.items():
            if it is None or not it.field_exits or name in once or name.startswith("__") \
                    or _matches(name, RELEASE_PATTERNS) or not (callers.get(name) or not name.startswith("_")):
                continue
            for site, (attr, res, exits) in it.field_exits.items():
                # left live only on error paths, released on a normal one (else it is a field the
                # object keeps, judged by the other rules)
                left = [e for e in exits if e[0]]
                if not left or any(not e[3] for e in left) or site in it.guarded_stores \
                        or not any(not e[0] and not e[3] for e in exits):
                    continue
                _held, how, exit_site, _err = left[0]
                leak = dx.Leak(dx.subject(self.p, res), exit=how, exit_site=exit_site, error_only=True,
                               end_site=_end_of(methods[name]))
                out.append(self.finding(res, dx.field_left_live(leak, attr, name), methods[name]))

    def check_object_calls(self, it, by_fn, out) -> None:
        """``m = Model(p); m.init_resource()`` where ``Model.__init__`` already runs
        ``init_resource()``, which stores handles on the object without releasing the old ones:
        the first set is overwritten (ACL104 at the second call). A release method called on the
        object in between (in the order the calls were met) makes the second run legitimate."""
        if it is None or not it.object_calls:
            return
        done: Set[object] = set()
        for built_site, init_fn, method, site in it.object_calls:
            if built_site in done:
                continue
            m_it = by_fn.of(method)
            if m_it is None or m_it.self_releases:
                done.add(built_site)  # released (or unknown) before any re-run
                continue
            stored = sorted({"self." + attr for s, (attr, _r, direct, _o) in m_it.self_stores.items()
                             if direct and s not in m_it.container_stores and s not in m_it.guarded_stores})
            if not stored or method.name not in self.run_by(init_fn, by_fn):
                continue
            done.add(built_site)
            cls = init_fn.cls.name
            d = dx.handle_overwritten(method=it.fn.qualname, initialiser=f"{cls}.{method.name}", stored=stored,
                                      built=(built_site, cls))
            out.append(self.finding_at(site, d, it.fn.qualname, f"{cls}.{method.name}()", method.name))

    @staticmethod
    def finding_at(site, d: "dx.Diagnostic", function: str, resource: str, acquire_call: str) -> Finding:
        """A finding located at ``site`` (a call), with the diagnostic's steps as related."""
        return Finding(code=d.code, message=d.message, path=site.path, line=site.line, column=site.column,
                       end_line=site.end_line, end_column=site.end_column,
                       related=tuple(Related(s.path, s.line, s.column, t, k) for s, t, k in d.related),
                       function=function, resource=resource, acquire_call=acquire_call)

    def run_by(self, init_fn, by_fn) -> Set[str]:
        """The methods ``init_fn`` runs through ``self.method()`` calls, transitively."""
        seen: Set[str] = set()
        todo = [init_fn]
        while todo:
            f_it = by_fn.of(todo.pop())
            for callee, _site in (f_it.self_calls if f_it is not None else ()):
                m = self.engine.index.method(init_fn.cls, callee)
                if callee not in seen and m is not None:
                    seen.add(callee)
                    todo.append(m)
        return seen

    @staticmethod
    def run_by_init(facts) -> Set[str]:
        """The methods ``__init__`` runs through ``self.method()`` calls, transitively."""
        seen: Set[str] = set()
        todo = ["__init__"]
        while todo:
            it = facts.get(todo.pop())
            for callee, _site in (it.self_calls if it is not None else ()):
                if callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
        return seen

    def paired(self, name: str, attr: str, kind: str, facts, callers, seen: frozenset = frozenset()) -> bool:
        """Every caller of ``name`` releases ``self.attr`` (directly or through a drop method it
        calls), or is itself such a helper: create in a helper, execute, drop, per call (F3)."""
        who = callers.get(name)
        if not who or name in seen:
            return False
        seen = seen | {name}
        for c in who:
            it = facts.get(c)
            if it is None:
                return False
            if not (self.covered(kind, it.self_releases.get(attr)) or self.covered(
                    kind, it.callback_releases_of.get(attr)) or self.paired(c, attr, kind, facts, callers, seen)):
                return False
        return True

    def keyed_pair(self, f: Finding, name: str, facts) -> bool:
        """A keyed acquisition (`subscribe_report(thread, stream)`) in one method whose keyed
        release of the same kind is made by a sibling method (`unsubscribe_report`): the
        pair is the object's lifecycle (PATTERNS F17)."""
        api = self.p.api(f.acquire_call[4:]) if f.acquire_call.startswith("acl.") else None
        if api is None or api.keyed_acquire is None:
            return False
        kind = api.keyed_acquire.kind
        return any(it is not None and n != name and kind in it.torn_down for n, it in facts.items())

    def run_once(self, methods, facts):
        """Run-once methods (by name, or called only from run-once methods), and who calls whom."""
        once = {n for n in methods if _matches(n, self.init_patterns)}
        callers: Dict[str, Set[str]] = {}
        for name, it in facts.items():
            if it is None:
                continue
            for callee, _ in it.self_calls:
                callers.setdefault(callee, set()).add(name)
        changed = True
        while changed:
            changed = False
            for n in methods:
                if n not in once and callers.get(n) and callers[n] <= once:
                    once.add(n)
                    changed = True
        return once, callers

    def dead(self, name: str, fn, callers) -> bool:
        """A private method (``_name``) that nothing in the project calls and nothing names (no
        callback, thread target or ``getattr`` string): dead code, so it runs on no call and
        overwrites nothing per call. A public method with no caller stays a library entry."""
        if not name.startswith("_") or callers.get(name) or not _named_once(fn):
            return False
        graph = self.engine.callgraph
        return next(iter(graph.sites(fn)), None) is None and graph.all_callers_read(fn)

    def once_per_object(self, fn, seen: frozenset = frozenset()) -> bool:
        """Does every call chain of the project run ``fn`` at most once per object (PATTERNS F7)?
        One call site, outside any loop, from module code, from the object's own ``__init__``,
        or from a caller that itself runs once (a ``main()`` called once). A method nothing in the project calls (public
        API of a library class, a thread entry, a callback) is not known to run once."""
        if fn is None or id(fn) in seen:
            return False
        graph = self.engine.callgraph
        sites = []
        for site in graph.sites(fn):  # read lazily: a second site or a loop answers early
            sites.append(site)
            if len(sites) > 1 or site.in_loop:
                return False
        if len(sites) != 1 or not graph.all_callers_read(fn):
            return False
        caller = sites[0].caller
        if caller is None or (caller.name == "__init__" and caller.cls is fn.cls):
            return True
        return self.once_per_object(caller, seen | {id(fn)})

    def check_module(self, mod, module_fns, by_fn, interps, out) -> None:
        """Module globals: stored by a function with `global x`, released by any function of the module."""
        its = [by_fn.get(id(f)) for f in mod.functions.values()]
        its = [i for i in its if i is not None]
        releases: Dict[str, Set[str]] = {}
        for it in its:
            for attr, kinds in it.self_releases.items():
                releases.setdefault(attr, set()).update(kinds)
        for it in its:
            for site, (attr, res, direct, _owner) in it.self_stores.items():
                if direct and not self.covered(res.kind, releases.get(attr)):
                    out.append(self.finding(
                        res, dx.owner_never_releases(self.subject(res), attr, "", module=True), it.fn))

    def report_inside(self, owner, inside, facts, methods, out) -> None:
        """Handles left inside attributes whose releases forget them (ACL105/106/107): one
        finding per code and set of release methods (a release loop over two datasets that
        forgets their memory is one defect), at the first handle, naming the others."""
        groups: Dict[tuple, List[tuple]] = {}
        for res, attr, fn in sorted(inside, key=lambda x: (x[0].site.line, x[0].site.column)):
            by = frozenset(n for n, it in facts.items() if it is not None and (
                attr in it.self_releases or attr in it.callback_releases_of))
            groups.setdefault((dx.owned_leak_code(self.p, res.kind), by), []).append((res, attr, fn))
        for (_code, by), group in groups.items():
            res, attr, fn = group[0]
            d = self.owned_inside(res, attr, owner)
            if len(group) > 1 and by:
                d = dx.owned_inside_also(d, attr, [(self.subject(r), a) for r, a, _f in group[1:]],
                                         self.release_methods(methods, by))
            out.append(self.finding(res, d, fn))
            if not by:
                out.extend(self.finding(r, self.owned_inside(r, a, owner), f) for r, a, f in group[1:])

    def owned_inside(self, res, attr: str, owner: str) -> "dx.Diagnostic":
        """Owned through ``self.attr`` whose releases forget it: ACL106 (memory), ACL107
        (buffers) as the orders of rules/ classify orphans, else ACL105."""
        code = dx.owned_leak_code(self.p, res.kind)
        if code == "ACL105":
            return dx.owner_never_releases(self.subject(res), attr, owner, inside=True)
        return dx.leak(code, dx.Leak(self.subject(res)), attr=attr, owner=owner)
