"""Which copy of a module an import reaches, by Python's search path as the importing file sets it.

Vendored libraries (acllite, atlas_utils) are copied into dozens of samples of one tree, so
``from acllite.acllite_model import AclLiteModel`` has many candidate files. Python takes the
first folder of ``sys.path`` that holds the dotted name: the folders a file puts in front
(``sys.path.insert(0, ...)``), the running script's own folder, the folders it appends
(``sys.path.append("../../common")``, relative to the script's folder, where samples are
run from). A file inside a project that edits nothing imports from the project's root: the
nearest folder above it that holds the name. Without any of these, a name found in one file
only is that file; otherwise it stays unresolved (a wrong copy would be worse than none).
"""

from __future__ import annotations

import ast
import os
import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..discovery import module_name

Dirs = Tuple[Tuple[str, ...], Tuple[str, ...]]  # (put in front of sys.path, appended)
_EDITS = re.compile(r"\bsys\s*\.\s*path\s*\.\s*(?:append|insert|extend)\b")


def folder(path: str) -> str:
    """The normalised folder of a file path ("." for a bare name)."""
    return os.path.normpath(os.path.dirname(path.replace("\\", "/")) or ".")


def root_of(path: str, depth: int) -> str:
    """The folder a module file is found from under a dotted name of ``depth`` parts
    (``a/b/pkg/mod.py`` as ``pkg.mod`` -> ``a/b``; a package's ``__init__.py`` is its folder)."""
    p = path.replace("\\", "/")
    if p.endswith("/__init__.py"):
        p = p[: -len("/__init__.py")]
    for _ in range(depth):
        p = os.path.dirname(p)
    return os.path.normpath(p or ".")


def _within(here: str, root: str) -> bool:
    if root == here:
        return True
    if root == ".":
        return not os.path.isabs(here) and not here.startswith("..")
    return here.startswith(root + os.sep)


def choose(cands: Sequence[str], depth: int, importer: Optional[str], dirs: Dirs = ((), ())) -> Optional[str]:
    """The candidate file (all holding the same dotted name of ``depth`` parts) that an import
    in ``importer`` reaches, or None when the name is ambiguous from there."""
    if len(cands) == 1:
        return cands[0]
    if importer is None:
        return None
    roots = {c: root_of(c, depth) for c in cands}
    front, back = dirs
    for d in (*front, folder(importer), *back):
        hits = sorted(c for c in cands if roots[c] == d)
        if hits:
            return hits[0]
    here = folder(importer)
    above = [c for c in cands if _within(here, roots[c])]
    if above:
        deepest = max(len(roots[c]) for c in above)
        nearest = [c for c in above if len(roots[c]) == deepest]
        if len(nearest) == 1:
            return nearest[0]
    return None


def candidates(by_last: Dict[str, List[str]], name: str) -> List[str]:
    """The project files whose path ends with the dotted ``name``."""
    parts = [p for p in name.split(".") if p]
    if not parts:
        return []
    return [p for p in by_last.get(parts[-1], ()) if module_name(p).split(".")[-len(parts):] == parts]


#: path -> (hash of its text, its search dirs): each file read once per process, whatever the chunks
_DIRS: Dict[str, Tuple[int, Dirs]] = {}


def search_dirs(path: str, text: str) -> Dirs:
    """The folders ``path`` adds to ``sys.path`` (front, appended), each resolved against the
    file's own folder: string literals and ``os.path`` expressions over ``__file__``, also
    through module-level names (``BASE_DIR = os.path.dirname(os.path.abspath(__file__))``).
    What cannot be evaluated is left out."""
    key = hash(text)  # computed once per text object: a look-up costs no scan of the text
    hit = _DIRS.get(path)
    if hit is None or hit[0] != key:
        hit = _DIRS[path] = (key, _search_dirs(path, text) if _EDITS.search(text) else ((), ()))
    return hit[1]


def _search_dirs(path: str, text: str) -> Dirs:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return (), ()
    ev = _Evaluator(path)
    front: List[str] = []
    back: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = ev.value(node.value)
            if value is not None:
                ev.names[node.targets[0].id] = value
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and _dotted(node.func.value) == "sys.path" and node.args):
            continue
        kind = node.func.attr
        if kind == "insert" and len(node.args) == 2:
            d = ev.value(node.args[1])
            first = isinstance(node.args[0], ast.Constant) and node.args[0].value == 0
            (front if first else back).extend([d] if d else [])
        elif kind == "append":
            d = ev.value(node.args[0])
            back.extend([d] if d else [])
        elif kind == "extend" and isinstance(node.args[0], (ast.List, ast.Tuple)):
            back.extend(d for d in (ev.value(e) for e in node.args[0].elts) if d)
    return tuple(front[::-1]), tuple(back)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


class _Evaluator:
    """Folder-valued expressions of a file (a tiny subset of os.path and pathlib)."""

    _SAME = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "abspath", "realpath",
                       "str", "os.fspath", "Path", "pathlib.Path", "os.path.expanduser"})
    _DIRNAME = frozenset({"os.path.dirname", "dirname", "osp.dirname"})
    _JOIN = frozenset({"os.path.join", "join", "osp.join"})

    def __init__(self, path: str):
        self.here = folder(path)
        self.file = os.path.normpath(path)
        self.names: Dict[str, str] = {}

    def value(self, node: ast.AST, depth: int = 0) -> Optional[str]:
        if depth > 20:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if os.path.isabs(node.value) or not node.value.strip():
                return None if node.value.strip() else self.here
            return os.path.normpath(os.path.join(self.here, node.value))
        if isinstance(node, ast.Name):
            return self.file if node.id == "__file__" else self.names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            left = self.value(node.left, depth + 1)
            right = node.right.value if isinstance(node.right, ast.Constant) and isinstance(node.right.value,
                                                                                           str) else None
            if left is None or right is None:
                return None
            return os.path.normpath(os.path.join(left, right.lstrip("/")))
        if isinstance(node, ast.Attribute) and node.attr in ("parent", "parents"):
            base = self.value(node.value, depth + 1)
            return os.path.dirname(base) if base and node.attr == "parent" else None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "parents" and isinstance(node.slice, ast.Constant):
            base = self.value(node.value.value, depth + 1)
            if base is None or not isinstance(node.slice.value, int):
                return None
            for _ in range(node.slice.value + 1):
                base = os.path.dirname(base)
            return base or "."
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        return None

    def _call(self, node: ast.Call, depth: int) -> Optional[str]:
        func = node.func
        name = _dotted(func)
        if isinstance(func, ast.Attribute) and func.attr in ("resolve", "absolute") and not node.args:
            return self.value(func.value, depth + 1)
        if name in ("os.getcwd", "getcwd"):
            return self.here
        if not node.args:
            return None
        first = self.value(node.args[0], depth + 1)
        rest = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args[1:]]
        if first is None or None in rest:
            return None
        if name in self._SAME and not rest:
            return os.path.normpath(first)
        if name in self._DIRNAME and not rest:
            return os.path.dirname(first) or "."
        if name in self._JOIN:
            return os.path.normpath(os.path.join(first, *(r.lstrip("/") for r in rest)))
        return None
