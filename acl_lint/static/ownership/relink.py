"""Relinking: a second look at release methods, knowing how the class links its handles.

A release method sees ``self.buffer`` and ``self.data`` as handles from outside; that
``data`` is wrapped by ``buffer`` was learnt in ``__init__``. With the links known, the
documented release orders can be checked inside the release method.
"""

from __future__ import annotations

from typing import Dict, List, Set, Tuple

from ...findings import Finding
from ..summaries import body_of


def relink_classes(engine, mods, interps: Dict[int, object], findings: List[Finding]) -> List[Finding]:
    """Re-analyse the release methods of classes whose methods link stored handles;
    ``interps`` gets the new interpretations."""
    redo = []
    for mod in mods:
        for cls in mod.classes.values():
            links: Dict[str, Set[Tuple[str, str]]] = {}
            for m in engine.index.class_chain(cls):
                for fn in m.methods.values():
                    it = interps.get(id(fn))
                    if it is not None:
                        for a, typ, b in it.self_links:
                            links.setdefault(a, set()).add((typ, b))
            if not links:
                continue
            engine.class_links_of[id(cls)] = {a: tuple(sorted(v)) for a, v in links.items()}
            redo += [fn for fn in cls.methods.values()
                     if interps.get(id(fn)) is not None and interps[id(fn)].self_releases]
    if not redo:
        return findings
    names = {(fn.module.path, fn.qualname) for fn in redo}
    kept = [f for f in findings if (f.path, f.function) not in names]
    for fn in redo:
        try:
            found, interps[id(fn)] = engine.analyse_unit(fn.module, fn, body_of(fn), fresh=True)
            kept.extend(found)
        except Exception:
            kept.extend(f for f in findings if (f.path, f.function) == (fn.module.path, fn.qualname))
    return kept
