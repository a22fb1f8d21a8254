"""``acl-lint graph``: a networkx resource graph as Graphviz dot or Mermaid.

Node attributes used: ``kind`` (acquire|release|use|exit|handle|call|...),
``label``, ``line``; edge attributes: ``kind`` and ``label``.
"""

from __future__ import annotations

import ast
from typing import Dict, List

GRAPH_FORMATS = ("dot", "mermaid")

_DOT_STYLE = {
    "acquire": 'shape=box, style="rounded,filled", fillcolor="#d4edda"',
    "release": 'shape=box, style="rounded,filled", fillcolor="#d1ecf1"',
    "use": "shape=box",
    "exit": 'shape=doubleoctagon, style=filled, fillcolor="#f8d7da"',
    "handle": "shape=ellipse",
    "call": 'shape=box, style="dashed"',
}
_DOT_EDGE = {"flow": "", "release": "color=blue", "use": "style=dashed", "owns": "arrowhead=diamond", "order": "style=dotted"}

_MERMAID_SHAPE = {
    "acquire": ('(["', '"])'),
    "release": ('[/"', '"/]'),
    "exit": ('(("', '"))'),
    "handle": ('{{"', '"}}'),
    "call": ('[["', '"]]'),
}


def node_text(attrs: dict, node) -> str:
    label = str(attrs.get("label") or node)
    line = attrs.get("line")
    kind = attrs.get("kind")
    parts = [label]
    if kind:
        parts.insert(0, f"{kind}:")
    if line:
        parts.append(f"(line {line})")
    return " ".join(parts)


def _ids(graph) -> Dict:
    return {node: f"n{i}" for i, node in enumerate(graph.nodes)}


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph, name: str = "resources") -> str:
    ids = _ids(graph)
    lines = [f"digraph {_dot_str(name)} {{", '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica"];']
    for node, attrs in graph.nodes(data=True):
        style = _DOT_STYLE.get(attrs.get("kind", ""), "shape=box")
        lines.append(f"  {ids[node]} [label={_dot_str(node_text(attrs, node))}, {style}];")
    for u, v, attrs in graph.edges(data=True):
        opts = []
        label = attrs.get("label") or attrs.get("kind") or ""
        if label:
            opts.append(f"label={_dot_str(str(label))}")
        extra = _DOT_EDGE.get(attrs.get("kind", ""), "")
        if extra:
            opts.append(extra)
        suffix = f" [{', '.join(opts)}]" if opts else ""
        lines.append(f"  {ids[u]} -> {ids[v]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_str(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ").replace("|", "#124;")


def to_mermaid(graph, name: str = "resources") -> str:
    ids = _ids(graph)
    lines = ["flowchart TD", f"  %% {name}"]
    for node, attrs in graph.nodes(data=True):
        left, right = _MERMAID_SHAPE.get(attrs.get("kind", ""), ('["', '"]'))
        lines.append(f"  {ids[node]}{left}{_mermaid_str(node_text(attrs, node))}{right}")
    for u, v, attrs in graph.edges(data=True):
        label = attrs.get("label") or attrs.get("kind") or ""
        arrow = "-.->" if attrs.get("kind") in ("use", "order") else "-->"
        mid = f"|{_mermaid_str(str(label))}|" if label else ""
        lines.append(f"  {ids[u]} {arrow}{mid} {ids[v]}")
    return "\n".join(lines) + "\n"


def render_graph(graph, fmt: str, name: str = "resources") -> str:
    if fmt == "dot":
        return to_dot(graph, name)
    if fmt == "mermaid":
        return to_mermaid(graph, name)
    raise ValueError(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}")


def function_names(text: str) -> List[str]:
    """Qualified names (``Class.method``, ``outer.inner``) of the functions in a module."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    out: List[str] = []

    def visit(node, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append(prefix + child.name)
                visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out
