"""Whether a ``continue`` can leave a ``while`` loop (PATTERNS F6).

``while n - done != 0:`` reached again by a ``continue`` taken before anything the test reads
could change is still true there: the test had one value on that path, so the path goes round
again and never leaves the loop through it. The check is syntactic and conservative: the test
reads only local names (and their attributes), and in the body every ``continue`` of the loop
comes, in source order, before every assignment to those names (and before every call that is
given an object whose attribute the test reads), with none of them in a ``finally``.
"""

from __future__ import annotations

from typing import Iterator, List, Set, Tuple

import libcst as cst

#: the expressions a test may consist of (no calls: their value can change at any time)
PLAIN = (cst.Name, cst.Attribute, cst.Integer, cst.SimpleString, cst.Comparison, cst.ComparisonTarget,
         cst.BinaryOperation, cst.UnaryOperation, cst.BooleanOperation, cst.LeftParen, cst.RightParen)
LOOPS = (cst.For, cst.While)
SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def root(expr) -> str:
    while isinstance(expr, (cst.Attribute, cst.Subscript)):
        expr = expr.value
    return expr.value if isinstance(expr, cst.Name) else ""


def test_roots(test: cst.BaseExpression) -> Tuple[Set[str], Set[str]]:
    """The names the test reads, and those it reads attributes of; ``None`` if it is not plain."""
    names: Set[str] = set()
    objects: Set[str] = set()
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Attribute):
            r = root(node)
            if not r:
                return None
            names.add(r)
            objects.add(r)
            continue
        if isinstance(node, cst.Name):
            names.add(node.value)
            continue
        if not isinstance(node, PLAIN) and not isinstance(node, (cst.BaseCompOp, cst.BaseBinaryOp,
                                                                  cst.BaseUnaryOp, cst.BaseBooleanOp)):
            return None
        stack.extend(c for c in node.children if not isinstance(c, cst.BaseParenthesizableWhitespace))
    return names, objects


def target_roots(target) -> Iterator[str]:
    if isinstance(target, (cst.Tuple, cst.List)):
        for e in target.elements:
            yield from target_roots(e.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_roots(target.value)
    elif isinstance(target, cst.AsName):
        yield from target_roots(target.name)
    else:
        r = root(target)
        if r:
            yield r


def changed(node: cst.CSTNode, names: Set[str], objects: Set[str]) -> bool:
    """Does ``node`` itself (not its children) bind a test name or hand a tested object to a call?"""
    t = type(node)
    if t is cst.AssignTarget or t is cst.AugAssign or t is cst.AnnAssign or t is cst.NamedExpr:
        return any(r in names for r in target_roots(node.target))
    if t is cst.For:
        return any(r in names for r in target_roots(node.target))
    if t is cst.WithItem or t is cst.ExceptHandler:
        alias = node.asname if t is cst.WithItem else node.name
        return alias is not None and any(r in names for r in target_roots(alias))
    if t is cst.Del:
        return any(r in names for r in target_roots(node.target))
    if t in (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal) or isinstance(node, SCOPES):
        return True  # rare in such loops: not worth modelling
    if t is cst.Call:  # `obj.step()`, `advance(obj)`: the object itself, not `obj.size`, is given
        return root(node.func) in objects and isinstance(node.func, cst.Attribute) or any(
            n.value in objects for a in node.args for n in _bare_names(a.value))
    return False


def _bare_names(node: cst.CSTNode) -> Iterator[cst.Name]:
    """The names in ``node`` used as themselves (not those whose attribute is taken)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Name):
            yield n
        elif not isinstance(n, (cst.Attribute, cst.Subscript)):
            stack.extend(n.children)


def _nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)


def local_names(fn: cst.FunctionDef, params) -> Set[str]:
    """The names bound in ``fn`` (its parameters, its assignments) and not declared global."""
    bound: Set[str] = set(params)
    outside: Set[str] = set()
    for n in _nodes(fn.body):
        t = type(n)
        if t in (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For):
            bound.update(target_roots(n.target))
        elif t is cst.Global or t is cst.Nonlocal:
            outside.update(a.name.value for a in n.names)
    return bound - outside


def continue_keeps_test(node: cst.While, fn: cst.FunctionDef, params) -> bool:
    """True when no ``continue`` of ``node`` (a loop of ``fn``) can follow a change of what its
    test reads."""
    roots = test_roots(node.test)
    if roots is None or not roots[0] or "self" in roots[0] or not roots[0] <= local_names(fn, params):
        return False
    conts: List[int] = []
    changes: List[int] = []
    _walk(node.body, roots, 0, False, conts, changes, [0])
    return bool(conts) and (not changes or max(conts) < min(changes))


def _walk(node, roots, depth: int, in_finally: bool, conts: List[int], changes: List[int], clock: List[int]):
    """Source-order walk: positions of this loop's ``continue`` statements and of the changes
    (a change in a ``finally`` counts as first: it runs on the way out of a ``continue``)."""
    clock[0] += 1
    if isinstance(node, cst.Continue) and depth == 0:
        conts.append(clock[0])
    if changed(node, *roots):
        changes.append(-1 if in_finally else clock[0])
    inner = depth + 1 if isinstance(node, LOOPS) else depth
    for child in node.children:
        _walk(child, roots, inner, in_finally or isinstance(node, cst.Finally), conts, changes, clock)
