"""Leaks that are low value where they stand (rules/low_value.toml ``[leak.*]``), dropped from a
run's findings unless ``report-low-value-leaks = true``.

``entry_returns``: a callback thread (`acl.util.start_thread(entry, args)`) whose entry function
returns on its own ends by itself; never calling `stop_thread` on its id is noise (PATTERNS F14),
unless the id is also passed to a call that needs it released (`subscribe_report`).
"""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from ..findings import Finding
from .index import FunctionInfo, ModuleInfo
from .positions import cst_children, cst_walk
from .positions import cst_dotted as dotted
from .resolve import acl_call_name

LEAK_CODES = frozenset({"ACL101", "ACL102", "ACL103", "ACL105"})


def drop_low_value_leaks(engine, findings: List[Finding]) -> List[Finding]:
    table = engine.protocol.low_value_leaks
    if not table or engine.options.get("report-low-value-leaks"):
        return findings
    return [f for f in findings if not (f.code in LEAK_CODES and f.acquire_call in table
                                        and _low_value(engine, f, table[f.acquire_call]))]


def _low_value(engine, f: Finding, rule) -> bool:
    when, entry_arg, unless = rule
    mod = engine.index.modules.get(f.path)
    if mod is None or when != "entry_returns":
        return False
    call = _call_at(mod, f.line, f.acquire_call)
    if call is None or entry_arg >= len(call.args) or _used_by(mod, f.resource, unless):
        return False
    entry = call.args[entry_arg].value
    try:
        target, _ = engine.resolver.resolve_call(mod, _enclosing(mod, f.line), entry, dotted(entry) or "", False)
    except Exception:  # best effort: an entry that does not resolve keeps the finding
        return False
    return target is not None and _returns_on_its_own(target)


def _call_at(mod: ModuleInfo, line: int, qualname: str) -> Optional[cst.Call]:
    want = qualname.removeprefix("acl.")
    for stmt in cst_walk(mod.tree):
        if type(stmt) is not cst.SimpleStatementLine:
            continue
        start, _c, end, _e = mod.positions.of(stmt)
        if not start <= line <= end:
            continue
        for node in cst_walk(stmt):
            if type(node) is cst.Call and acl_call_name(mod, dotted(node.func) or "") == want \
                    and mod.positions.of(node, stmt)[0] == line:
                return node
    return None


def _enclosing(mod: ModuleInfo, line: int) -> Optional[FunctionInfo]:
    best = None
    for fn in mod.all_functions:
        start, _c, end, _e = mod.positions.of(fn.node)
        if start <= line <= end and (best is None or start >= mod.positions.of(best.node)[0]):
            best = fn
    return best


def _used_by(mod: ModuleInfo, name: str, calls) -> bool:
    """Is the handle (by its name) an argument of one of ``calls`` in this module?"""
    if not name or not calls:
        return False
    wanted = {c.removeprefix("acl.") for c in calls}
    for node in cst_walk(mod.tree):
        if type(node) is cst.Call and acl_call_name(mod, dotted(node.func) or "") in wanted \
                and any(dotted(a.value) == name for a in node.args):
            return True
    return False


def _returns_on_its_own(fn: FunctionInfo) -> bool:
    """Not an endless loop: no `while True:` (or `while 1:`) at its top level that neither
    breaks nor returns."""
    body = fn.node.body.body if isinstance(fn.node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if type(stmt) is cst.While and _always_true(stmt.test) and not _leaves(stmt.body):
            return False
    return True


def _always_true(test) -> bool:
    return (type(test) is cst.Name and test.value == "True") or (type(test) is cst.Integer and test.value != "0")


def _leaves(body) -> bool:
    """A `break` of this loop or a `return`/`raise` in its body (nested functions and loops
    apart: their `break` leaves them, not this loop)."""
    todo = list(cst_children(body))
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, (cst.Return, cst.Raise)):
            return True
        if type(node) is cst.Break:
            return True
        if isinstance(node, (cst.For, cst.While)):
            todo.extend(n for n in cst_walk(node.body) if isinstance(n, (cst.Return, cst.Raise)))
            continue
        todo.extend(cst_children(node))
    return False


def dependents_checked(mod: ModuleInfo, dependents) -> bool:
    """rules/low_value.toml ``dependents_checked``: the module makes at least one of the
    ``dependents`` calls (those a failure of the unchecked call makes fail) and throws none of
    their statuses away (each is assigned, tested, returned or passed on): the failure shows up
    there, checked (or reported as ACL501 itself where it is assigned and never read)."""
    wanted = {d.removeprefix("acl.") for d in dependents}
    made = False
    for node in cst_walk(mod.tree):
        t = type(node)
        if t is cst.Call:
            made = made or acl_call_name(mod, dotted(node.func) or "") in wanted
        elif (t is cst.Expr or (t is cst.Assign and all(dotted(a.target) == "_" for a in node.targets))) \
                and type(node.value) is cst.Call and acl_call_name(mod, dotted(node.value.func) or "") in wanted:
            return False  # a dependent whose status is thrown away: the failure goes unseen
    return made


def context_created_here(mod: ModuleInfo, fn: Optional[FunctionInfo], call, unless) -> bool:
    """rules/low_value.toml ``context_created_here``: `acl.rt.set_context(ctx)` after this very
    function created `ctx` with `acl.rt.create_context` (which already made it current), in a
    module with one context and one device, none of the ``unless`` calls (threads, callbacks:
    another thread must set the context itself) and no other context made current in between."""
    if fn is None or type(call) is not cst.Call or not call.args or not dotted(call.args[0].value):
        return False
    names = [dotted(n.func) or "" for n in cst_walk(mod.tree) if type(n) is cst.Call]
    acl_names = [acl_call_name(mod, n) for n in names]
    qualified = {qualified_name(mod, n) for n in names}
    if acl_names.count("rt.create_context") != 1 or acl_names.count("rt.set_device") > 1 \
            or any(u.removeprefix("acl.") in acl_names or u in qualified for u in unless):
        return False
    created = False
    for node, in_loop in _in_order(fn.node.body, False):
        if node is call:
            return created
        if type(node) is cst.Assign and type(node.value) is cst.Call \
                and acl_call_name(mod, dotted(node.value.func) or "") == "rt.create_context":
            targets = [t.target for t in node.targets]
            targets += [e.value for t in targets if type(t) is cst.Tuple for e in t.elements]
            created = not in_loop and any(dotted(t) == dotted(call.args[0].value) for t in targets)
        elif type(node) is cst.Call and acl_call_name(mod, dotted(node.func) or "") == "rt.set_context":
            created = False  # another set_context first: which context is current is not plain
    return False


def qualified_name(mod: ModuleInfo, name: str) -> str:
    """A dotted call name through the module's imports: `Thread` after `from threading import
    Thread` is `threading.Thread`; `Process` from a project module is that module's, not
    `multiprocessing.Process`."""
    head, _, rest = name.partition(".")
    base = mod.imported_spec(head)
    if base is None:
        return name
    return f"{base}.{rest}" if rest else base


def _in_order(node, in_loop: bool):
    """The nodes below ``node`` in source order, with whether a loop encloses them (not entering
    nested functions or classes)."""
    for child in cst_children(node):
        if isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        yield child, in_loop
        yield from _in_order(child, in_loop or isinstance(child, (cst.For, cst.While)))
