"""Who else holds an object that a function deletes with ``del name`` (issue 11 item 6).

``del net`` only unbinds a name. The object's ``__del__`` (the release its class relies
on) runs when the last reference goes, so a ``del`` after the object was filed somewhere
that outlives the function (``LOADED.append(net)``, ``self.models[k] = net``,
``registry[k] = net`` on a module global, ``out.append(net)`` on the caller's list) releases
nothing: the registry keeps it, and its handles stay live after the function returns.

The question is syntactic and cheap: the statements between the construction and the
``del`` that store the name into a holder whose root is ``self``, a parameter or a name the
function does not bind (a module global or a closure variable). A holder the function binds
itself (a local list) dies with the function, and is no registry.
"""

from __future__ import annotations

from typing import Optional, Set, Tuple

import libcst as cst

from ... import diagnostics as dx
from ..positions import NodeSite, cst_walk
from ..positions import cst_dotted as dotted

#: container methods that keep a reference to their argument
KEEPING_METHODS = frozenset({"append", "add", "insert", "setdefault", "appendleft", "put", "put_nowait"})


def _bound_locally(fn_node: cst.FunctionDef) -> Set[str]:
    """Names the function binds (assignments, loop and with targets, imports), minus its globals."""
    bound: Set[str] = set()
    declared: Set[str] = set()
    for node in cst_walk(fn_node.body):
        t = type(node)
        if t is cst.AssignTarget:
            targets = [node.target]
        elif t in (cst.AnnAssign, cst.AugAssign, cst.For):
            targets = [node.target]
        elif t is cst.AsName:
            targets = [node.name]
        elif t is cst.Global:
            declared.update(n.name.value for n in node.names)
            continue
        else:
            continue
        while targets:
            target = targets.pop()
            if type(target) is cst.Name:
                bound.add(target.value)
            elif type(target) in (cst.Tuple, cst.List):
                targets.extend(e.value for e in target.elements)
    return bound - declared


def _outlives(holder: cst.BaseExpression, params: Set[str], local: Set[str]) -> bool:
    root = holder
    while type(root) in (cst.Attribute, cst.Subscript):
        root = root.value
    if type(root) is not cst.Name:
        return False
    return root.value == "self" or root.value in params or root.value not in local


def registry_of(fn_node: cst.FunctionDef, params, name: str, after_line: int, before_line: int,
                line_of) -> Optional[Tuple[cst.CSTNode, str]]:
    """The first statement (an expression statement or an assignment) between ``after_line`` and
    ``before_line`` that files the object bound to ``name`` in a holder outliving the function:
    (statement, holder text), or None. ``line_of(statement)`` gives a statement's line."""
    local = _bound_locally(fn_node)
    params = set(params)
    for node in cst_walk(fn_node.body):
        t = type(node)
        holder = None
        call = node.value if t is cst.Expr else None
        if type(call) is cst.Call and type(call.func) is cst.Attribute and call.func.attr.value in KEEPING_METHODS \
                and any(type(a.value) is cst.Name and a.value.value == name for a in call.args):
            holder = call.func.value
        elif t is cst.Assign and type(node.value) is cst.Name and node.value.value == name:
            holder = next((tg.target for tg in node.targets if type(tg.target) in (cst.Subscript, cst.Attribute)),
                          None)
        if holder is None or not _outlives(holder, params, local):
            continue
        line = line_of(node)
        if after_line <= line < before_line:
            while type(holder) is cst.Subscript:
                holder = holder.value
            return node, dotted(holder) or "a container"
    return None


def check_deleted_objects(op, it, by_fn, out) -> None:
    """``net = Net(p); LOADED.append(net); del net`` in a function that runs per call, where
    ``Net.__del__`` releases what ``Net()`` acquired: ``del`` releases nothing (``LOADED`` keeps the
    object), so every call leaves another set of handles live (ACL103, at the first handle
    ``Net()`` stores). A release method called on the object before the ``del``, a function that
    runs once (its objects live until the process ends), or a class with no releasing
    ``__del__`` (``del`` was not meant as a release) is not reported."""
    if it is None or not it.object_dels:
        return
    fn = it.fn
    site_of = lambda node: NodeSite(fn.module.path, node, fn.module.positions)  # noqa: E731
    for built_site, init_fn, name, del_site in it.object_dels:
        methods = op.engine.index.methods_of(init_fn.cls)
        final = by_fn.of(methods["__del__"]) if "__del__" in methods else None
        if final is None or not final.self_releases or _released_before(it, by_fn, built_site, del_site):
            continue
        found = registry_of(fn.node, fn.params, name, built_site.line, del_site.line, lambda n: site_of(n).line)
        if found is None or op.once_per_object(fn):
            continue
        held = [(res, attr) for m in ["__init__", *sorted(op.run_by(init_fn, by_fn))]
                for m_it in [by_fn.of(methods.get(m)) if methods.get(m) is not None else None] if m_it is not None
                for (attr, res, direct, _o) in m_it.self_stores.values()
                if direct and op.covered(res.kind, final.self_releases.get(attr))]
        if not held:
            continue
        held.sort(key=lambda h: h[0].site.line)
        d = dx.deleted_object_kept(op.subject(held[0][0]), cls=init_fn.cls.name, function=fn.qualname, name=name,
                                   built=built_site, kept=(site_of(found[0]), found[1]), deleted=del_site,
                                   others=[(op.subject(r), a) for r, a in held[1:]], attr=held[0][1])
        out.append(op.finding(held[0][0], d, fn))


def _released_before(it, by_fn, built_site, del_site) -> bool:
    """A method that releases something was called on the object between its construction and the ``del``."""
    for built, _init, method, site in it.object_calls:
        m_it = by_fn.of(method)
        if built == built_site and site.line < del_site.line and (m_it is None or m_it.self_releases):
            return True
    return False
