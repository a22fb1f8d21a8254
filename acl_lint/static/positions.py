"""Source positions, computed only when something is reported.

libcst's position metadata costs more than the parse itself; most files
report nothing. So a :class:`NodeSite` holds the node and asks its file's
:class:`Positions` for line and column only when a message or a report needs
them; the first question computes the positions of the whole file once.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


class Positions:
    __slots__ = ("tree", "_map")

    def __init__(self, tree: cst.Module):
        self.tree = tree
        self._map: Optional[Dict[cst.CSTNode, object]] = None

    def of(self, node: cst.CSTNode) -> Tuple[int, int, int, int]:
        """(line, column, end_line, end_column), 1-based columns."""
        if self._map is None:
            wrapper = MetadataWrapper(self.tree, unsafe_skip_copy=True)
            self._map = wrapper.resolve(PositionProvider)
        rng = self._map.get(node)
        if rng is None:
            return (1, 1, 1, 1)
        return (rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def code(self, node: cst.CSTNode) -> str:
        return self.tree.code_for_node(node)


class NodeSite:
    """A typestate Site whose position is resolved lazily from a libcst node."""

    __slots__ = ("path", "node", "positions", "what", "_pos")

    def __init__(self, path: str, node: cst.CSTNode, positions: Positions, what: str = ""):
        self.path = path
        self.node = node
        self.positions = positions
        self.what = what
        self._pos = None

    def _p(self):
        if self._pos is None:
            self._pos = self.positions.of(self.node)
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
