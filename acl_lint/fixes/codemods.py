"""The fixes themselves, found with libcst: each takes a finding and the parsed
file and returns a fix (see :mod:`.edits`) or None when the fix is not mechanical.

- ACL303 (wrong release API): call the release API of the kind the handle was
  acquired as (both from rules/api). Safe when every binding of the variable in
  its function is an acquire of that kind; unsafe otherwise.
- rename table (rules/fixes.toml, e.g. ACL502 ``acl.mdl.destroy_model`` ->
  ``acl.mdl.unload``): the same call with the right name.
- ACL203 (teardown order): move the late release up to just above the early
  one, when both are simple statements of one block and the statements in
  between neither read what it writes nor write what it reads (two adjacent
  statements: a swap). Unsafe: the order of side effects changes.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Set, Tuple

import libcst as cst
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
)

from ..findings import Finding
from .edits import Fix, edit, make_fix
from .table import acquired_kind, release_api_of, renames_by_code

_RELEASED_WITH = re.compile(r"\bis released with acl\.([A-Za-z_][\w.]*)")
#: the line a method's lines are parsed under (they are indented)
_HEADER = "if True:"
_MEANT = re.compile(r": pass the [\w ]+ `([\w.]+)` \(line \d+\), not the ")


def dotted(node: cst.BaseExpression) -> Optional[str]:
    """``acl.rt.free`` for an attribute chain of names, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


class SourceIndex:
    """One top-level statement of a file (the function or class holding a finding)
    parsed with libcst, with the positions, parents and contexts the fixes need.

    Only that statement is parsed: libcst's metadata costs about a tenth of a
    second per module, and a fix never reaches outside the statement. A
    top-level statement starts at column 0, so its lines parse on their own;
    a method is parsed under an ``if True:`` line; positions are shifted back
    to the file's lines.
    """

    def __init__(self, text: str, first: int = 1, last: int = 0) -> None:
        self.text = text
        lines = text.splitlines()
        last = last or len(lines)
        piece = lines[first - 1: last]
        header = [_HEADER] if piece and piece[0][:1].isspace() else []  # a method: its block, indented
        self.offset = first - 1 - len(header)
        self.module = cst.parse_module("\n".join(header + piece) + "\n")
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        # one batched traversal for the parents and contexts (a third faster than three)
        meta = wrapper.resolve_many([PositionProvider, ParentNodeProvider, ExpressionContextProvider])
        self.pos = meta[PositionProvider]
        self.parent = meta[ParentNodeProvider]
        self.ctx = meta[ExpressionContextProvider]
        self.calls: Dict[Tuple[int, int], List[cst.Call]] = {}
        for node, rng in self.pos.items():
            if isinstance(node, cst.Call):
                self.calls.setdefault((rng.start.line + self.offset, rng.start.column + 1), []).append(node)
        self.whole_file = first == 1 and last >= len(lines)

    def call_at(self, line: int, column: int, tail: str = "") -> Optional[cst.Call]:
        """The call starting at (line, 1-based column), whose callee ends with ``.tail``."""
        for call in self.calls.get((line, column), ()):
            name = dotted(call.func)
            if name and (not tail or name == tail or name.endswith("." + tail)):
                return call
        return None

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def start(self, node: cst.CSTNode) -> Tuple[int, int]:
        p = self.pos[node].start
        return p.line + self.offset, p.column + 1

    def end(self, node: cst.CSTNode) -> Tuple[int, int]:
        p = self.pos[node].end
        return p.line + self.offset, p.column + 1

    def ancestor(self, node: cst.CSTNode, types) -> Optional[cst.CSTNode]:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, types):
                return node
        return None

    def statement(self, node: cst.CSTNode) -> Optional[cst.SimpleStatementLine]:
        """The one-statement line holding ``node`` (None inside a compound header or ``a; b``)."""
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, cst.SimpleStatementLine):
                return node if len(node.body) == 1 else None
            if isinstance(node, cst.BaseCompoundStatement):
                return None
        return None


def rename_call(
    index: SourceIndex, call: cst.Call, old: str, new: str, applicability: str, why: str = ""
) -> Optional[Fix]:
    """Replace the callee ``<module>.old`` by ``<module>.new``, the module spelled as in
    the source (``acl.``, ``pyacl.``); None for a name imported on its own (``from acl
    import destroy_data_buffer``): the new name would need an import."""
    name = dotted(call.func) or ""
    if not name.endswith("." + old):
        return None
    head = name[: -len(old)]
    message = f"Replace `{head}{old}` with `{head}{new}`" + (f" ({why})" if why else "")
    return make_fix(applicability, message, [edit(head + new, index.start(call.func), index.end(call.func))])


def wrong_release(index: SourceIndex, finding: Finding) -> Optional[Fix]:
    """ACL303: the release API of the kind the handle was acquired as."""
    m = _RELEASED_WITH.search(finding.message)
    kind = acquired_kind(finding.acquire_call) if finding.acquire_call else None
    right = release_api_of(kind) if kind else None
    if not m or not right or right == m.group(1):
        return None
    wrong = m.group(1)
    call = index.call_at(finding.line, finding.column, wrong)
    if call is None or len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    arg = index.code(call.args[0].value).strip()
    meant = _MEANT.search(finding.message)
    if meant:  # the handle of the right kind was meant: pass it (the call stays)
        value = call.args[0].value
        return make_fix("unsafe", f"Pass `{meant.group(1)}` instead of `{arg}`",
                        [edit(meant.group(1), index.start(value), index.end(value))])
    certain = arg == finding.resource and _bound_only_by(index, call, arg, kind)
    return rename_call(index, call, wrong, right, "safe" if certain else "unsafe")


def _bound_only_by(index: SourceIndex, at: cst.CSTNode, name: str, kind: str) -> bool:
    """Whether every binding of the variable ``name`` in the function holding ``at``
    is an assignment from an acl call acquiring ``kind`` (so the kind is certain)."""
    if not name.isidentifier():
        return False
    scope = index.ancestor(at, (cst.FunctionDef,)) or index.module
    if scope is index.module and not index.whole_file:
        return False  # module-level code: bindings elsewhere in the file are not parsed
    if isinstance(scope, cst.FunctionDef):
        params = scope.params
        every = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
        every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        if any(p.name.value == name for p in every):
            return False
    found = False
    for node, ctx in index.ctx.items():
        if not (isinstance(node, cst.Name) and node.value == name and ctx in (ExpressionContext.STORE,
                                                                              ExpressionContext.DEL)):
            continue
        if index.ancestor(node, (cst.FunctionDef,)) is not (scope if isinstance(scope, cst.FunctionDef) else None):
            continue
        assign = index.ancestor(node, (cst.Assign, cst.BaseSmallStatement, cst.BaseCompoundStatement))
        if not isinstance(assign, cst.Assign) or ctx is not ExpressionContext.STORE:
            return False
        value = assign.value
        callee = dotted(value.func) if isinstance(value, cst.Call) else None
        if not callee or "." not in callee or acquired_kind(callee.split(".", 1)[1]) != kind:
            return False
        found = True
    return found


def renamed(index: SourceIndex, finding: Finding) -> Optional[Fix]:
    """A rename of rules/fixes.toml for the finding's code, at the call it points at."""
    table = renames_by_code().get(finding.code, {})
    for call in index.calls.get((finding.line, finding.column), ()):
        name = dotted(call.func) or ""
        for old, r in table.items():
            if name == "acl." + old or name.endswith("." + old) and name.count(".") == old.count(".") + 1:
                return rename_call(index, call, old, r.new, r.applicability, r.why)
    return None


def _names(index: SourceIndex, stmt: cst.CSTNode) -> Tuple[Set[str], Set[str]]:
    """(read, written) names and attribute paths of a statement."""
    reads: Set[str] = set()
    writes: Set[str] = set()
    stack = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)):
            text = index.code(node).strip()
            (writes if index.ctx.get(node) in (ExpressionContext.STORE, ExpressionContext.DEL) else reads).add(text)
        stack.extend(node.children)
    return reads, writes


def move_release(index: SourceIndex, finding: Finding) -> Optional[Fix]:
    """ACL203: the late release moved up to just above the early one (one block,
    simple statements only, and nothing in between reads or writes what it does)."""
    other = [r for r in finding.related if r.kind == "release" and r.path == finding.path]
    if len(other) != 1:
        return None
    calls = [index.call_at(finding.line, finding.column), index.call_at(other[0].line, other[0].column)]
    if None in calls:
        return None
    stmts = [index.statement(c) for c in calls]
    if None in stmts or stmts[0] is stmts[1] or index.parent.get(stmts[0]) is not index.parent.get(stmts[1]):
        return None
    body = list(index.parent[stmts[0]].body)
    early, late = sorted((next(i for i, s in enumerate(body) if s is st) for st in stmts))
    moved = body[late]
    between = body[early:late]
    if moved.leading_lines or not all(isinstance(s, cst.SimpleStatementLine) for s in between):
        return None
    reads, writes = _names(index, moved)
    for s in between:
        r, w = _names(index, s)
        if writes & (r | w) or w & reads:
            return None
    first = index.start(between[0])[0]
    last_between = index.end(between[-1])[0]
    m0, m1 = index.start(moved)[0], index.end(moved)[0]
    if m0 != last_between + 1:
        return None  # a blank or comment line before the moved statement: left to a person
    lines = index.text.splitlines()
    new = lines[m0 - 1: m1] + lines[first - 1: last_between]
    what = index.code(moved.body[0]).strip()
    return make_fix(
        "unsafe",
        f"Move `{what}` (line {m0}) above line {first}",
        [edit("\n".join(new), (first, 1), (m1, len(lines[m1 - 1]) + 1))],
    )


FIXERS: Dict[str, Callable[[SourceIndex, Finding], Optional[Fix]]] = {
    "ACL303": wrong_release,
    "ACL203": move_release,
}


def fixer_for(code: str) -> Optional[Callable[[SourceIndex, Finding], Optional[Fix]]]:
    if code in FIXERS:
        return FIXERS[code]
    if code in renames_by_code():
        return renamed
    return None
