"""Source positions and cheap structural queries, computed only when needed.

libcst's position metadata costs more than the parse itself, and walking a
libcst tree with a visitor is slow. Most files report nothing, so positions
are resolved lazily: a :class:`NodeSite` holds the libcst node (and the
statement it belongs to) and asks its file's :class:`Positions` only when a
message or a report needs a line.

The answer comes from an ``ast`` mirror of the file (CPython's parser, about
six times faster than libcst): the statements of both trees are paired by a
walk over statement bodies only, and a call inside a statement is found
among the mirror's calls by its callee text and rank. The mirror also
answers the structural questions the analysis asks (which names a nested
function uses, whether a loop body calls a release API) without a libcst
visitor.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Dict, List, Optional, Tuple

import libcst as cst

_SMALL = (cst.SimpleStatementLine,)


def _flat(stmts) -> List[cst.CSTNode]:
    out: List[cst.CSTNode] = []
    for s in stmts:
        if isinstance(s, cst.SimpleStatementLine):
            out.extend(s.body)
        else:
            out.append(s)
    return out


def _block(body) -> List[cst.CSTNode]:
    if isinstance(body, cst.IndentedBlock):
        return _flat(body.body)
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    return []


_NAME, _ATTRIBUTE = cst.Name, cst.Attribute


_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}
_SKIP_TYPES = (cst.BaseParenthesizableWhitespace, cst.Comma, cst.Dot, cst.BaseAugOp, cst.AssignEqual,
               cst.Semicolon, cst.Colon, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket,
               cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.Newline,
               cst.EmptyLine, cst.TrailingWhitespace)


#: fields that only ever hold whitespace or punctuation (the types of _SKIP_TYPES): not read
_PUNCTUATION_FIELDS = frozenset({
    "lpar", "rpar", "leading_lines", "lines_after_decorators", "comma", "semicolon", "header", "footer",
    "colon", "equal", "dot", "first_colon", "second_colon", "newline", "trailing_whitespace", "empty_lines",
    "lbrace", "rbrace", "lbracket", "rbracket", "leading_whitespace", "trailing_comma"})
#: per value type: 0 not a child, 1 a child node, 2 a sequence of possible children
_VALUE_KIND: Dict[type, int] = {}


def _value_kind(t: type) -> int:
    k = _VALUE_KIND.get(t)
    if k is None:
        if issubclass(t, cst.CSTNode):
            k = 0 if issubclass(t, _SKIP_TYPES) else 1
        else:
            k = 2 if issubclass(t, (list, tuple)) else 0
        _VALUE_KIND[t] = k
    return k


def cst_children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """A node's children in source order, read from its fields: what ``node.children`` gives
    (less whitespace and punctuation), without libcst's visitor round trip, which costs ~20x
    on big modules. Types are classified once (``isinstance`` on libcst's ABCs is slow)."""
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = _CHILD_FIELDS[type(node)] = tuple(
            f.name for f in dataclasses.fields(node)
            if not f.name.startswith("whitespace") and f.name not in _PUNCTUATION_FIELDS)
    kind_of = _VALUE_KIND.get
    out: List[cst.CSTNode] = []
    for name in names:
        v = getattr(node, name)
        k = kind_of(type(v))
        if k is None:
            k = _value_kind(type(v))
        if k == 1:
            out.append(v)
        elif k == 2:
            for x in v:
                kx = kind_of(type(x))
                if kx is None:
                    kx = _value_kind(type(x))
                if kx == 1:
                    out.append(x)
    return out


def cst_dotted(node) -> str:
    """`a.b.c` for a Name/Attribute chain, else "". (type() checks: libcst nodes are ABCs,
    and isinstance on them is slow on this hot path.)"""
    t = type(node)
    if t is _NAME:
        return node.value
    if t is _ATTRIBUTE:
        base = cst_dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def cst_walk(node):
    """Every libcst node below ``node`` (itself included), depth first (by :func:`cst_children`)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        todo.extend(cst_children(n))


def ast_dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = ast_dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


class _CallLister(cst.CSTVisitor):
    def __init__(self):
        self.calls: List[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    # do not descend into nested scopes: their statements are mapped on their own
    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_ClassDef(self, node) -> bool:
        return False


class Positions:
    __slots__ = ("tree", "text", "_ast", "_map", "_lines", "_calls", "_failed", "_nodes")

    def __init__(self, tree: cst.Module, text: str = ""):
        self.tree = tree
        self.text = text
        self._ast: Optional[ast.AST] = None
        self._map: Optional[Dict[int, ast.AST]] = None  # id(libcst stmt) -> ast stmt
        self._lines: Optional[List[str]] = None
        self._calls: Dict[int, Dict[int, ast.Call]] = {}  # id(stmt) -> {id(cst call): ast call}
        self._failed = False
        self._nodes: Dict[int, List[cst.CSTNode]] = {}  # id(root) -> cst_walk(root), for roots walked often

    def nodes(self, root: cst.CSTNode) -> List[cst.CSTNode]:
        """``list(cst_walk(root))`` for a function or the module, walked once: several
        questions of the interpreter (try guards, stable flag roots, calls by name) read them."""
        found = self._nodes.get(id(root))
        if found is None:
            found = self._nodes[id(root)] = list(cst_walk(root))
        return found

    def forget(self, root: cst.CSTNode) -> None:
        self._nodes.pop(id(root), None)

    # ------------------------------------------------------------------ the mirror

    def mirror(self) -> Optional[ast.AST]:
        if self._ast is None and not self._failed:
            try:
                self._ast = ast.parse(self.text or self.tree.code)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._failed = True
        return self._ast

    def forget_mirror(self) -> None:
        """Drop the ``ast`` mirror and what was paired with it (rebuilt when asked again): once a
        module's functions are analysed its sites have their positions (a NodeSite resolves once),
        and the mirror is a second syntax tree of the module (more memory than the libcst one)."""
        self._ast = self._map = self._lines = None
        self._calls = {}

    def stmt_map(self) -> Dict[int, ast.AST]:
        if self._map is None:
            self._map = {}
            tree = self.mirror()
            if tree is not None:
                self._pair(_flat(self.tree.body), tree.body)
        return self._map

    def _pair(self, cs: List[cst.CSTNode], asts: List[ast.AST]) -> None:
        if len(cs) != len(asts):
            return
        m = self._map
        for c, a in zip(cs, asts):
            m[id(c)] = a
            if isinstance(c, cst.If) and isinstance(a, ast.If):
                self._pair(_block(c.body), a.body)
                orelse = c.orelse
                if isinstance(orelse, cst.If):
                    if len(a.orelse) == 1:
                        self._pair([orelse], a.orelse)
                elif isinstance(orelse, cst.Else):
                    self._pair(_block(orelse.body), a.orelse)
            elif isinstance(c, (cst.For, cst.While)):
                self._pair(_block(c.body), a.body)
                if c.orelse is not None:
                    self._pair(_block(c.orelse.body), a.orelse)
            elif isinstance(c, (cst.Try, getattr(cst, "TryStar", cst.Try))) and hasattr(a, "handlers"):
                self._pair(_block(c.body), a.body)
                if len(c.handlers) == len(a.handlers):
                    for h, ah in zip(c.handlers, a.handlers):
                        m[id(h)] = ah
                        self._pair(_block(h.body), ah.body)
                if c.orelse is not None:
                    self._pair(_block(c.orelse.body), a.orelse)
                if c.finalbody is not None:
                    self._pair(_block(c.finalbody.body), a.finalbody)
            elif isinstance(c, (cst.With, cst.FunctionDef, cst.ClassDef)):
                self._pair(_block(c.body), a.body)
            elif hasattr(cst, "Match") and isinstance(c, cst.Match) and hasattr(a, "cases"):
                if len(c.cases) == len(a.cases):
                    for cc, ac in zip(c.cases, a.cases):
                        self._pair(_block(cc.body), ac.body)

    def ast_of(self, stmt: cst.CSTNode) -> Optional[ast.AST]:
        if isinstance(stmt, cst.SimpleStatementLine) and stmt.body:
            stmt = stmt.body[0]
        return self.stmt_map().get(id(stmt))

    # ------------------------------------------------------------------ positions

    def _col(self, line: int, byte_col: int) -> int:
        """ast columns count UTF-8 bytes; reports count characters (1-based)."""
        if self._lines is None:
            self._lines = (self.text or self.tree.code).splitlines()
        if 0 < line <= len(self._lines):
            raw = self._lines[line - 1].encode("utf-8")[:byte_col]
            return len(raw.decode("utf-8", "replace")) + 1
        return byte_col + 1

    def _pos(self, a: ast.AST) -> Tuple[int, int, int, int]:
        line, end_line = a.lineno, getattr(a, "end_lineno", None) or a.lineno
        return (line, self._col(line, a.col_offset), end_line,
                self._col(end_line, getattr(a, "end_col_offset", None) or a.col_offset))

    def of(self, node: cst.CSTNode, stmt: Optional[cst.CSTNode] = None) -> Tuple[int, int, int, int]:
        """(line, column, end_line, end_column) of ``node`` inside statement ``stmt``; 1-based."""
        a = self.ast_of(node)
        if a is not None:
            return self._pos(a)
        if stmt is None:
            return (1, 1, 1, 1)
        sa = self.ast_of(stmt)
        if sa is None:
            return (1, 1, 1, 1)
        if isinstance(node, cst.Call):
            found = self._call(node, stmt, sa)
            if found is not None:
                return self._pos(found)
        if isinstance(stmt, (cst.If, cst.While)) and node is stmt.test:
            return self._pos(sa.test)
        if isinstance(node, cst.BaseExpression):
            sub = self._expr(node, sa)
            if sub is not None:
                return self._pos(sub)
        return self._pos(sa)

    def _call(self, node: cst.Call, stmt: cst.CSTNode, sa: ast.AST) -> Optional[ast.Call]:
        key = id(stmt)
        table = self._calls.get(key)
        if table is None:
            lister = _CallLister()
            target = stmt
            if isinstance(stmt, (cst.If, cst.While)):
                target = stmt.test
            elif isinstance(stmt, cst.For):
                target = stmt.iter
            elif isinstance(stmt, cst.With):
                target = None
                for item in stmt.items:
                    item.visit(lister)
            if target is not None:
                target.visit(lister)
            if isinstance(sa, (ast.If, ast.While)):
                roots = [sa.test]
            elif isinstance(sa, (ast.For, ast.AsyncFor)):
                roots = [sa.iter]
            elif isinstance(sa, (ast.With, ast.AsyncWith)):
                roots = [i.context_expr for i in sa.items]
            elif isinstance(sa, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                roots = []
            else:
                roots = [sa]
            acalls = [n for r in roots for n in _walk_no_scopes(r) if isinstance(n, ast.Call)]
            acalls.sort(key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)))
            table = {}
            if len(acalls) == len(lister.calls):
                for c, a in zip(lister.calls, acalls):
                    table[id(c)] = a
            else:  # fall back to matching by callee text and rank
                by_name: Dict[str, List[ast.Call]] = {}
                for a in acalls:
                    by_name.setdefault(ast_dotted(a.func), []).append(a)
                seen: Dict[str, int] = {}
                for c in lister.calls:
                    name = cst_dotted(c.func)
                    k = seen.get(name, 0)
                    seen[name] = k + 1
                    cands = by_name.get(name, [])
                    if k < len(cands):
                        table[id(c)] = cands[k]
            self._calls[key] = table
        return table.get(id(node))

    def _expr(self, node: cst.BaseExpression, sa: ast.AST) -> Optional[ast.AST]:
        name = cst_dotted(node)
        if not name:
            return None
        for n in _walk_no_scopes(sa):
            if isinstance(n, (ast.Name, ast.Attribute)) and ast_dotted(n) == name:
                return n
        return None

    def code(self, node: cst.CSTNode) -> str:
        return self.tree.code_for_node(node)

    # ------------------------------------------------------------------ structural questions

    def names_used(self, stmt: cst.CSTNode) -> set:
        """Every name a statement (a nested def, a lambda's statement) refers to."""
        a = self.ast_of(stmt)
        if a is None:
            return set()
        return {n.id for n in ast.walk(a) if isinstance(n, ast.Name)}

    def called_names(self, stmt: cst.CSTNode) -> List[str]:
        """Dotted callee names of every call inside a statement (loops: their bodies too)."""
        a = self.ast_of(stmt)
        if a is None:
            return []
        return [ast_dotted(n.func) for n in ast.walk(a) if isinstance(n, ast.Call)]


def _walk_no_scopes(node: ast.AST):
    """ast.walk, without descending into nested functions, classes and lambdas."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        for child in ast.iter_child_nodes(n):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            todo.append(child)


class NodeSite:
    """A typestate Site whose position is resolved lazily from a libcst node."""

    __slots__ = ("path", "node", "positions", "what", "stmt", "_pos")

    def __init__(self, path: str, node: cst.CSTNode, positions: Positions, what: str = "",
                 stmt: Optional[cst.CSTNode] = None):
        self.path = path
        self.node = node
        self.positions = positions
        self.what = what
        self.stmt = stmt
        self._pos = None

    def _p(self):
        if self._pos is None:
            self._pos = self.positions.of(self.node, self.stmt)
        return self._pos

    @property
    def line(self) -> int:
        return self._p()[0]

    @property
    def column(self) -> int:
        return self._p()[1]

    @property
    def end_line(self) -> int:
        return self._p()[2]

    @property
    def end_column(self) -> int:
        return self._p()[3]

    @property
    def text(self) -> str:
        if self.what:
            return self.what
        code = self.positions.code(self.node).strip()
        first = code.splitlines()[0] if code else ""
        return first if len(first) <= 80 else first[:77] + "..."

    def __eq__(self, other) -> bool:
        return isinstance(other, NodeSite) and other.node is self.node and other.what == self.what

    def __hash__(self) -> int:
        return hash((id(self.node), self.what))

    def __repr__(self) -> str:
        return f"NodeSite({self.path}:{self.line})"
