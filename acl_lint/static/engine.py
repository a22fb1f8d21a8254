"""The static engine: parse every file once, index the project, analyse each function.

Also the interprocedural part: function summaries (which parameters a helper
releases, checks or keeps; which fresh handle it returns; which attributes of
``self`` a method releases) computed bottom-up on demand, with recursion cut
off (a function being summarised that calls itself is treated as unknown code).
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

import libcst as cst

from .. import budget, protocol as protocol_mod
from ..findings import FileError, Finding, Related
from ..sources import mentions_acl  # noqa: F401 (also the prefilter of lint.py)
from ..protocol import Api
from .index import FunctionInfo, ModuleInfo, ProjectIndex
from .interp import NULLV, Interpreter, Outcome, PState, dotted
from ..typestate import Res


@dataclass
class Summary:
    params: Tuple[str, ...]
    releases: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    escapes: Set[str] = field(default_factory=set)
    checks: Set[str] = field(default_factory=set)
    returns: Optional[Tuple[Tuple[Optional[int], str], ...]] = None  # ((tuple index or None, kind), ...)
    returns_len: int = 0
    #: per returned handle: what it owns, as (kind, site, api, name, parent index or None, link)
    returns_owned: Dict[int, Tuple] = field(default_factory=dict)
    #: tuple slots holding a list of the handles made: (index, kinds)
    returns_boxes: Tuple[Tuple[int, FrozenSet[str]], ...] = ()
    releases_keyed: Dict[str, str] = field(default_factory=dict)  # param -> kind keyed by it
    release_sites: Dict[str, Any] = field(default_factory=dict)  # param -> where the helper releases it
    releases_attrs: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    nulls_attrs: Set[str] = field(default_factory=set)
    acquires_attrs: Dict[str, Tuple[str, str]] = field(default_factory=dict)
    always_raises: bool = False


@dataclass(frozen=True)
class HelperApi(Api):
    """A project function standing in for an acl call in messages."""

    display: str = ""

    @property
    def qualname(self) -> str:  # type: ignore[override]
        return self.display


_RAISES = re.compile(r"\braise\b|\bexit\(|\babort\(")
#: check helpers of the Ascend samples and common wrappers, for when their module is not linted
DEFAULT_CHECK_NAMES = ("check_ret", "_check_ret", "check_acl_ret", "acl_check", "check_status", "_check")


class Engine:
    """Holds the project index and the summaries of one run; answers the interpreter's questions."""

    def __init__(self, options: Optional[Mapping[str, Any]] = None):
        self.options = dict(options or {})
        self.protocol = protocol_mod.default()
        self.index = ProjectIndex()
        self.index.loader = self._load_lazy
        self.index.gate = self._gate
        self._statusish = True
        self._zero: Dict[int, Set[str]] = {}
        self.project_loader = None  # path -> text, for modules outside this run's files
        self._summaries: Dict[int, Optional[Summary]] = {}
        self._computing: Set[int] = set()
        self._pseudo: Dict[int, HelperApi] = {}
        self._summary_deps: Dict[int, Set[str]] = {}
        self.deps: Dict[str, Set[str]] = {}  # analysed path -> other project paths its result depends on
        self._class_links: Dict[int, Dict[str, Tuple[Tuple[str, str], ...]]] = {}
        self._runs: Dict[int, Tuple[Interpreter, Outcome]] = {}
        extra_checks = self.options.get("check-helpers") or ()
        self.extra_check_helpers = frozenset(extra_checks)
        #: names of check helpers assumed to raise on a non-zero status when their body is not visible
        self.check_names = frozenset(DEFAULT_CHECK_NAMES) | self.extra_check_helpers

    # ------------------------------------------------------------------ questions from the interpreter

    def zero_names_for(self, mod: ModuleInfo) -> Set[str]:
        z = self._zero.get(id(mod))
        if z is None:
            z = self._zero[id(mod)] = self.index.zero_names(mod)
        return z

    def _load_lazy(self, path: str) -> Optional[ModuleInfo]:
        if self.project_loader is None:
            return None
        try:
            text = self.project_loader(path)
            if text is None:
                return None
            tree = cst.parse_module(text)
        except Exception:
            return None
        return self.index.add(path, tree, text)

    def module_of(self, fn) -> ModuleInfo:
        return fn.module if isinstance(fn, FunctionInfo) else self._current_module

    def acl_call_name(self, mod: ModuleInfo, name: str) -> Optional[str]:
        head, _, rest = name.partition(".")
        if head in mod.acl_aliases or (head == "acl" and "acl" not in mod.imports):
            return rest or None
        member = mod.acl_members.get(head)
        if member is not None:
            return f"{member}.{rest}" if rest else member
        return None

    def resolve_call(self, mod: ModuleInfo, fn, func: cst.BaseExpression, name: str, statusish: bool = True):
        """The project function a call runs. A module without acl calls only matters as a check
        helper (it raises on a bad status): it is followed only from code that uses acl and
        for calls that pass a status; what such modules call in turn (os, threading) is not."""
        self._statusish = statusish and mod.uses_acl
        try:
            target, bound = self._resolve_call(mod, fn, func, name)
        finally:
            self._statusish = True
        if target is not None and not target.module.uses_acl and not (statusish and mod.uses_acl):
            return None, None
        return target, bound

    def _gate(self, path: str) -> bool:
        mod = self.index.modules.get(path)
        if mod is not None:
            return mod.uses_acl or self._statusish
        if self._statusish:
            return True
        text = self.project_loader(path) if self.project_loader is not None else None
        return text is not None and mentions_acl(text)

    def _resolve_call(self, mod: ModuleInfo, fn, func: cst.BaseExpression, name: str):
        if isinstance(func, cst.Name):
            target = self.index.resolve_function(mod, name)
            if target is not None:
                return target, None
            cls = self.index.resolve_class(mod, name)
            if cls is not None:
                init = self.index.method(cls, "__init__")
                if init is not None:
                    return init, "<new>"
            return None, None
        if isinstance(func, cst.Attribute) and name:
            head, _, attr = name.rpartition(".")
            if head == "self" and isinstance(fn, FunctionInfo) and fn.cls is not None:
                m = self.index.method(fn.cls, attr)
                if m is not None:
                    return m, "self"
                return None, None
            target_mod = None
            if head in mod.module_imports:  # import pkg.helpers as h; h.release(...)
                target_mod = self.index.resolve_module(mod, mod.module_imports[head])
            elif head in mod.imports:  # from pkg import helpers; helpers.release(...)
                spec, name_ = mod.imports[head]
                target_mod = self.index.resolve_module(mod, f"{spec}.{name_}" if spec.strip(".") else spec + name_)
            if target_mod is not None:
                f = target_mod.functions.get(attr)
                if f is not None:
                    return f, None
                cls = target_mod.classes.get(attr)
                if cls is not None:
                    init = self.index.method(cls, "__init__")
                    if init is not None:
                        return init, "<new>"
        return None, None

    def pseudo_api(self, fn: FunctionInfo) -> HelperApi:
        api = self._pseudo.get(id(fn))
        if api is None:
            api = HelperApi(call=fn.qualname, returns="none", display=f"{fn.qualname}()")
            self._pseudo[id(fn)] = api
        return api

    # ------------------------------------------------------------------ summaries

    def summary(self, fn: FunctionInfo) -> Optional[Summary]:
        key = id(fn)
        if key in self._summaries:
            self.index.consulted |= self._summary_deps.get(key, set())
            self.index.consulted.add(fn.module.path)
            return self._summaries[key]
        if key in self._computing:
            return None  # recursion: unknown
        self._computing.add(key)
        saved, self.index.consulted = self.index.consulted, set()
        try:
            summ = self._summarise(fn)
        except Exception:  # a summary is an optimisation of precision; never fatal
            summ = None
        finally:
            self._computing.discard(key)
            deps = self.index.consulted | {fn.module.path}
            self._summary_deps[key] = deps
            self.index.consulted = saved | deps
        self._summaries[key] = summ
        return summ

    def _body(self, fn: FunctionInfo):
        body = fn.node.body
        return body.body if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)) else ()

    def initial_state(self, fn: Optional[FunctionInfo]) -> PState:
        """Parameters are handles from outside (for a method: all but self)."""
        init = PState()
        if fn is None:
            return init
        site = None
        for i, p in enumerate(fn.params):
            if fn.is_method and i == 0:
                continue
            p = p.lstrip("*")
            rid = ("ext", p)
            init.ts.res[rid] = Res(rid=rid, kind="unknown", name=p, api="", site=site, external=True)
            init.env[p] = ("r", frozenset({rid}))
        return init

    def run_fn(self, fn: FunctionInfo) -> Tuple[Interpreter, Outcome]:
        """Interpret a function once; its findings and its summary both come from this run."""
        run = self._runs.get(id(fn))
        if run is None:
            interp = Interpreter(self, fn, self.protocol, self.options)
            interp.class_links = self.class_links(fn)
            out = interp.run(self._body(fn), self.initial_state(fn))
            interp.check_exits(out)
            run = self._runs[id(fn)] = (interp, out)
        return run

    def _summarise(self, fn: FunctionInfo) -> Summary:
        summ = Summary(params=fn.params)
        params = [p.lstrip("*") for p in fn.params]
        is_method = fn.is_method
        interp, out = self.run_fn(fn)
        rets = [s for s in out.ret if not s.env.get("<dead>")]
        if not rets and out.exc:
            summ.always_raises = True
        for i, p in enumerate(params):
            if is_method and i == 0:
                continue
            rid = ("ext", p)
            released, kinds = bool(rets), set()
            escaped = False
            for s in rets + out.exc:
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
                    if other.external and not other.live and other.name.startswith(p + "/"):
                        kinds.update(other.kind.split("|"))
            if released and kinds and kinds != {"unknown"}:
                summ.releases[fn.params[i]] = frozenset(kinds - {"unknown"}) or frozenset({"any"})
            elif escaped:
                summ.escapes.add(fn.params[i])
            for kind in self.protocol.kinds:
                key = (kind, (rid,))
                if rets and all(key in s.ts.res and not s.ts.res[key].live for s in rets):
                    summ.releases_keyed[fn.params[i]] = kind
                    summ.release_sites[fn.params[i]] = rets[0].ts.res[key].release_site
        if is_method and rets:
            self._summarise_attrs(summ, rets)
        # fresh handles returned to the caller (alone or in a tuple)
        shapes = set()
        all_have = True
        for s in rets:
            v = s.env.get("<return>")
            found = None
            if v is not None and v[0] == "r":
                k = self._fresh_kind(s, v[1])
                found = (((None, k),), 0) if k else None
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
                found = (items, len(v[1]), tuple(boxes)) if items else None
            if found:
                shapes.add(found if len(found) == 3 else found + ((),))
            elif v not in (NULLV, None) and not (v[0] == "t" and all(x in (NULLV, None) or x[0] == "s"
                                                                        for x in v[1])):
                all_have = False
        if len(shapes) == 1 and all_have:
            summ.returns, summ.returns_len, summ.returns_boxes = next(iter(shapes))
            self._owned_templates(summ, rets, interp)
        # check helpers: a parameter whose non-zero value makes the function raise or exit
        if fn.name in self.extra_check_helpers or (_RAISES.search(fn.module.text) and _may_raise(fn.node)):
            self._summarise_checks(fn, summ, params, is_method)
        return summ

    def _owned_templates(self, summ: Summary, rets: List[PState], interp: Interpreter) -> None:
        """Record what each returned handle owns on a success path (a dataset's buffers and memory)."""
        m = interp.machine
        for s in rets:
            v = s.env.get("<return>")
            vals = [v] if v is not None and v[0] == "r" else (
                [x for x in v[1] if x is not None and x[0] == "r"] if v is not None and v[0] == "t" else [])
            if not vals:
                continue
            returned = set()
            for val in vals:
                returned |= set(val[1])
            for n, val in enumerate(vals):
                tmpl = []
                index_of = {}
                todo = [(rid, None) for rid in val[1] if rid in s.ts.res]
                while todo:
                    rid, parent = todo.pop(0)
                    for child in m.owned(s.ts, rid):
                        if not child.live or child.external or child.rid in index_of or child.rid in returned:
                            continue
                        link = next(t for t, tgt in child.links if tgt == rid and t in self.protocol.owning_links)
                        index_of[child.rid] = len(tmpl)
                        tmpl.append((child.kind, child.site, child.api, child.name, parent, link,
                                     child.key is not None))
                        todo.append((child.rid, index_of[child.rid]))
                if tmpl:
                    summ.returns_owned[n] = tuple(tmpl)
            return

    def _fresh_kind(self, s: PState, rids) -> Optional[str]:
        for rid in rids:
            res = s.ts.res.get(rid)
            if res is not None and res.live and not res.external and res.kind in self.protocol.kinds:
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

    def _summarise_checks(self, fn: FunctionInfo, summ: Summary, params: List[str], is_method: bool) -> None:
        from .interp import StatusRec

        interp = Interpreter(self, fn, self.protocol, self.options, summary_mode=True)
        init = PState()
        sids = {}
        for i, p in enumerate(params):
            if is_method and i == 0:
                continue
            sid = ("param", p)
            sids[p] = sid
            init.status[sid] = StatusRec(None, frozenset(), True, False, p)
            init.env[p] = ("s", sid)
        out = interp.run(self._body(fn), init)
        rets = [s for s in out.ret if not s.env.get("<dead>")]
        for i, p in enumerate(params):
            sid = sids.get(p)
            if sid is None:
                continue
            if fn.name in self.extra_check_helpers and p == params[-1]:
                summ.checks.add(fn.params[i])
                continue
            fails = [s for s in out.exc if s.assume.get(sid) == "failed"]
            if not fails or any(s.assume.get(sid) != "failed" for s in out.exc):
                continue
            if any(s.assume.get(sid) == "failed" for s in rets):
                continue
            summ.checks.add(fn.params[i])
        if summ.checks:
            summ.always_raises = False

    # ------------------------------------------------------------------ analysis

    def add_file(self, path: str, text: str) -> Optional[Finding]:
        """Parse and index one file; a parse failure is returned as an ACL001 finding."""
        try:
            tree = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            return _parse_error(path, text, exc)
        except (RecursionError, MemoryError) as exc:
            return Finding("ACL001", f"cannot parse: {type(exc).__name__}", path, 1, 1, 1, 1, function="<module>")
        except cst.CSTValidationError as exc:  # parses, but Python rejects it too (a bare except: not last)
            return Finding("ACL001", f"syntax error: {exc}", path, 1, 1, 1, 2, function="<module>")
        self.index.add(path, tree, text)
        return None

    def analyse_module(self, mod: ModuleInfo, interps: Optional[Dict[int, Interpreter]] = None
                       ) -> Tuple[List[Finding], List[FileError]]:
        findings: List[Finding] = []
        errors: List[FileError] = []
        self._interps = interps if interps is not None else {}
        self.index.consulted = set()
        self._current_module = mod
        units: List[Tuple[Optional[FunctionInfo], Sequence[cst.CSTNode]]] = [(None, mod.tree.body)]
        units += [(fn, self._body(fn)) for fn in mod.all_functions]
        clock = budget.start(self.options)
        for i, (fn, body) in enumerate(units):
            name = fn.qualname if fn is not None else "<module>"
            try:
                clock.check()
                findings.extend(self.analyse_unit(mod, fn, body))
            except (budget.CutShort, RecursionError) as exc:  # never silently clean: ACL003 names it
                cut = isinstance(exc, budget.CutShort)
                errors.append(budget.incomplete(mod.path, name, exc, len(units) - i - 1 if cut else 0))
                if cut:
                    break
            except Exception as exc:  # one function's crash must not stop the run
                tb = traceback.extract_tb(exc.__traceback__)
                where = f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else "?"
                errors.append(FileError(mod.path, f"internal error while analysing {name}: "
                                                  f"{type(exc).__name__}: {exc} ({where})", name))
        budget.stop()
        self.deps[mod.path] = self.index.consulted - {mod.path}
        return findings, errors

    def class_links(self, fn: Optional[FunctionInfo]) -> Dict[str, Tuple[Tuple[str, str], ...]]:
        """How the handles a class keeps on self are linked (learnt from its other methods)."""
        if fn is None or fn.cls is None:
            return {}
        return self._class_links.get(id(fn.cls), {})

    def analyse_unit(self, mod: ModuleInfo, fn: Optional[FunctionInfo], body, graph=None,
                     fresh: bool = False) -> List[Finding]:
        self._current_module = mod
        if fn is not None and graph is None and not fresh:
            interp, out = self.run_fn(fn)
        else:
            interp = Interpreter(self, fn, self.protocol, self.options)
            interp.class_links = self.class_links(fn)
            interp.graph = graph
            out = interp.run(body, self.initial_state(fn))
            interp.check_exits(out)
            if fn is not None and graph is None:
                self._runs[id(fn)] = (interp, out)
        if getattr(self, "_interps", None) is not None and fn is not None:
            self._interps[id(fn)] = interp
        return self.to_findings(interp, mod, fn)

    # ------------------------------------------------------------------ findings

    def to_findings(self, interp: Interpreter, mod: ModuleInfo, fn: Optional[FunctionInfo]) -> List[Finding]:
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
        m = interp.machine
        for rec in interp.leaks.values():
            res = rec.res
            if "iter" in rec.kinds:
                code = "ACL103"
                why = ("is acquired on every iteration of the loop and the handle from the previous "
                       "iteration is never released")
            elif "overwrite" in rec.kinds:
                code = "ACL104"
                at = rec.overwrite_site
                why = f"is lost: `{res.name}` is reassigned at line {at.line} before it is released"
            else:
                error_only = "normal" not in rec.kinds
                code = rec.code if rec.code != "ACL101" else ("ACL102" if error_only else "ACL101")
                why = self._exit_text(rec, error_only)
            if code == "ACL106":
                why = "wraps a data buffer that is destroyed, but the memory itself is never freed; " + why
            elif code == "ACL107":
                why = "belongs to a dataset that is destroyed, but the buffer itself is never destroyed; " + why
            steps = [Related(mod.path, res.site.line, res.site.column,
                             f"{m.p.label(res.kind)} acquired by {res.api}", "acquire")]
            started = False
            for (s, text, kind) in rec.trace:
                if s is None:
                    continue
                if s == res.site:
                    started = True
                    continue
                if started and kind != "acquire":
                    steps.append(Related(s.path, s.line, s.column, str(text), "step"))
            if rec.exit_site is not None and code not in ("ACL103", "ACL104"):
                node = rec.exit_site.node
                what = ("returns here without releasing it" if isinstance(node, cst.Return) else
                        "raises here without releasing it" if isinstance(node, cst.Raise) else
                        "raises here (a failed check) without releasing it")
                steps.append(Related(rec.exit_site.path, rec.exit_site.line, rec.exit_site.column, what, "exit"))
            elif rec.exit_site is None and code not in ("ACL103", "ACL104"):
                steps.append(Related(res.site.path, res.site.line, res.site.column,
                                     "the function ends without releasing it", "exit"))
            elif code == "ACL104" and rec.overwrite_site is not None:
                steps.append(Related(mod.path, rec.overwrite_site.line, rec.overwrite_site.column,
                                     "reassigned here", "exit"))
            out.append(Finding(
                code=code, message=f"{m.describe(res)} {why}", path=res.site.path, line=res.site.line,
                column=res.site.column, end_line=res.site.end_line, end_column=res.site.end_column,
                related=tuple(steps), function=fname, resource=res.name, acquire_call=res.api,
            ))
        return out

    def relink_classes(self, mods, interps: Dict[int, Interpreter], findings: List[Finding]) -> List[Finding]:
        """Second look at release methods, knowing how the class links its handles.

        A release method sees `self.buffer` and `self.data` as handles from outside; that
        `data` is wrapped by `buffer` was learnt in `__init__`. With the links known, the
        documented release orders can be checked inside the release method.
        """
        redo = []
        for mod in mods:
            for cls in mod.classes.values():
                links: Dict[str, Set[Tuple[str, str]]] = {}
                for m in self.index.class_chain(cls):
                    for fn in m.methods.values():
                        it = interps.get(id(fn))
                        if it is not None:
                            for a, typ, b in it.self_links:
                                links.setdefault(a, set()).add((typ, b))
                if not links:
                    continue
                self._class_links[id(cls)] = {a: tuple(sorted(v)) for a, v in links.items()}
                redo += [fn for fn in cls.methods.values()
                         if interps.get(id(fn)) is not None and interps[id(fn)].self_releases]
        if not redo:
            return findings
        names = {(fn.module.path, fn.qualname) for fn in redo}
        kept = [f for f in findings if (f.path, f.function) not in names]
        for fn in redo:
            self._interps = interps
            try:
                kept.extend(self.analyse_unit(fn.module, fn, self._body(fn), fresh=True))
            except Exception:
                kept.extend(f for f in findings if (f.path, f.function) == (fn.module.path, fn.qualname))
        return kept

    def _exit_text(self, rec, error_only: bool) -> str:
        branch = ""
        site = rec.exit_site
        for (s, text, kind) in reversed(rec.trace):
            if kind == "branch" and s is not None:
                if site is None or s.line != site.line:
                    branch = f" ({text} at line {s.line})"
                break
        if site is None:
            return f"is not released when the function ends{branch}"
        node = site.node
        if isinstance(node, cst.Raise) or not isinstance(node, cst.Return) and error_only and not isinstance(
                node, cst.Return):
            if isinstance(node, cst.Raise):
                return f"is not released when the exception is raised at line {site.line}{branch}"
            return f"is not released when {site.text} raises at line {site.line}{branch}"
        return f"is not released when the function returns at line {site.line}{branch}"


def _may_raise(fn: cst.FunctionDef) -> bool:
    """Whether a function body has a `raise` or an exit call (a statement walk, no codegen)."""
    from .index import _blocks

    todo = [fn.body.body if isinstance(fn.body, cst.IndentedBlock) else fn.body.body]
    while todo:
        for stmt in todo.pop():
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Raise, cst.Assert)):
                        return True
                    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                        name = dotted(small.value.func)
                        if name in ("sys.exit", "exit", "quit", "os._exit", "os.abort"):
                            return True
            elif not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                todo.extend(_blocks(stmt))
    return False


def _call_text(site) -> str:
    try:
        return site.text
    except Exception:
        return ""


def _parse_error(path: str, text: str, exc: cst.ParserSyntaxError) -> Finding:
    """ACL001 for a file libcst cannot parse; sources.py words the reason (Python 2 hints...)."""
    from ..sources import syntax_error_finding

    line = getattr(exc, "raw_line", 1) or 1
    col = (getattr(exc, "raw_column", 0) or 0) + 1
    msg = str(getattr(exc, "message", "") or "invalid syntax").splitlines()[0]
    return syntax_error_finding(path, text, line, col, msg)


# ----------------------------------------------------------------------------- public API


def analyze_files(files: Sequence[Tuple[str, str]], options: Optional[Mapping[str, Any]] = None,
                  project_files: Sequence[str] = (), read: Optional[Callable[[str], Optional[str]]] = None,
                  deps_out: Optional[Dict[str, Set[str]]] = None) -> Tuple[List[Finding], List[FileError]]:
    """Analyse (display_path, text) pairs together.

    Returns findings (incl. ACL001 for files that do not parse) and internal errors
    (one per function whose analysis crashed). ``project_files`` (with ``read``)
    names other files of the project that calls may resolve to: they are parsed
    only when something needs them, and never reported. ``deps_out`` receives,
    per analysed path, the other paths its findings depend on (for a cache).
    """
    engine = Engine(options)
    texts = dict(files)
    others = [p for p in project_files if p not in texts] if read is not None else []
    engine.index.known(others)
    engine.index.known(p for p, t in files if not mentions_acl(t))

    def load(path: str) -> Optional[str]:
        if path in texts:
            return texts[path]
        return read(path) if read is not None else None

    engine.project_loader = load
    findings: List[Finding] = []
    errors: List[FileError] = []
    mods = []
    engine.index.known(p for p, t in files if mentions_acl(t))
    for path, text in files:
        if not mentions_acl(text):
            # the prefilter: a file that never mentions acl holds nothing to check
            # (it is parsed only if a call resolves into it: a check helper module)
            continue
        try:
            f = engine.add_file(path, text)
        except Exception as exc:
            errors.append(FileError(path, f"internal error while parsing: {type(exc).__name__}: {exc}"))
            continue
        if f is not None:
            findings.append(f)
        else:
            mods.append(engine.index.modules[path])
    interps: Dict[int, Interpreter] = {}
    for mod in mods:
        fs, es = engine.analyse_module(mod, interps)
        findings.extend(fs)
        errors.extend(es)
    budget.start(engine.options)  # the project-wide passes get a file's time, too
    try:
        findings = engine.relink_classes(mods, interps, findings)
        from .owners import OwnerPass

        findings = OwnerPass(engine, engine.options).run(interps, findings, {m.path for m in mods})
    except (budget.CutShort, RecursionError) as exc:  # never silently clean: ACL003 for the files it covers
        errors.extend(budget.incomplete(m.path, budget.OWNER_PASS, exc) for m in mods)
    except Exception as exc:  # the owner pass must never take the per-function findings down with it
        errors.append(FileError("<project>", f"internal error in the ownership pass: {type(exc).__name__}: {exc}"))
    finally:
        budget.stop()
    unique = {}
    for f in findings:
        unique.setdefault((f.code, f.path, f.line, f.column), f)
    findings = sorted(unique.values(), key=Finding.sort_key)
    if deps_out is not None:
        deps_out.update(engine.deps)
    return findings, errors


def resource_graph(path: str, text: str, function: Optional[str] = None):
    """networkx.DiGraph of one function (``Class.method``; default: the first function with acl calls)."""
    from .graph import build_graph

    return build_graph(Engine(), path, text, function)
