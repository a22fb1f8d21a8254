"""The per-function resource graph (networkx), for ``acl-lint graph`` and for reading a finding.

A view, not an input: :class:`GraphRecorder` observes one interpretation of a function
(the interpreter calls its ``on_*`` hooks) and the leaks found; the checks never read it.

Nodes: ``acquire`` sites (one per resource), ``release`` and ``use`` call
sites, ``exit`` points where something leaks, ``escape`` targets (returned,
stored on self, handed to unknown code). Edges: ``release`` / ``use`` (the
resource goes to that call), ``owns`` (a buffer owns the memory it wraps, a
dataset its buffers), ``created_in`` and the other links of ``rules/``,
``escape`` and ``leak``.
"""

from __future__ import annotations

from typing import Optional

import networkx as nx

from ..typestate import Res
from .summaries import body_of


class GraphRecorder:
    def __init__(self):
        self.g = nx.MultiDiGraph()
        self._edges = set()

    def _edge(self, a, b, kind, label) -> None:
        """One edge per (source, target, kind): every path reports it again."""
        if (a, b, kind) not in self._edges:
            self._edges.add((a, b, kind))
            self.g.add_edge(a, b, kind=kind, label=label)

    def _res_node(self, res: Res) -> str:
        nid = f"res:{id(res.site.node) if res.site is not None and hasattr(res.site, 'node') else res.rid}"
        if res.external:
            nid = f"ext:{res.name}"
        if nid not in self.g:
            if res.external:
                self.g.add_node(nid, kind="handle", label=f"{res.name} (from outside)", line=0)
            else:
                self.g.add_node(nid, kind="acquire", label=f"{res.name or '?'} = {res.api}",
                                line=res.site.line, resource_kind=res.kind)
        return nid

    def on_call(self, api, node, site, args, result, st) -> None:
        acquired = result.acquired or result.keyed
        if acquired is not None:
            self._res_node(acquired)
            for typ, target in acquired.links:
                other = st.ts.res.get(target)
                if other is not None:
                    self._edge(self._res_node(acquired), self._res_node(other), typ, typ)
        call_id = f"call:{id(node)}"
        role = "release" if api.is_release else "use"
        touched = []
        for i, arg in enumerate(args):
            if arg is None or isinstance(arg, str):
                continue
            for rid in arg:
                res = st.ts.res.get(rid)
                if res is not None:
                    touched.append(res)
        if api.keyed_release:
            pass
        if touched and (acquired is None or any(t is not acquired for t in touched)):
            if call_id not in self.g:
                self.g.add_node(call_id, kind=role, label=f"{api.qualname}()", line=site.line)
            for res in touched:
                if res is acquired:
                    continue
                self._edge(self._res_node(res), call_id, role, role)
        for res in st.ts.res.values():
            for typ, target in res.links:
                other = st.ts.res.get(target)
                if other is None:
                    continue
                self._edge(self._res_node(res), self._res_node(other), typ, typ)

    def on_escape(self, res: Res, why: str) -> None:
        nid = f"escape:{why}"
        if nid not in self.g:
            self.g.add_node(nid, kind="escape", label=why, line=0)
        self._edge(self._res_node(res), nid, "escape", "escapes")

    def add_leaks(self, findings) -> None:
        for f in findings:
            if not f.code.startswith("ACL1"):
                continue
            exit_line = next((r.line for r in f.related if r.kind == "exit"), f.line)
            nid = f"exit:{exit_line}"
            if nid not in self.g:
                self.g.add_node(nid, kind="exit", label=f"exit at line {exit_line}", line=exit_line)
            src = next((n for n, d in self.g.nodes(data=True)
                        if d.get("kind") == "acquire" and d.get("line") == f.line), None)
            if src is not None:
                self._edge(src, nid, "leak", f.code)


def build_graph(engine, path: str, text: str, function: Optional[str]):
    err = engine.add_file(path, text)
    if err is not None:
        raise ValueError(err.message)
    mod = engine.index.modules[path]
    fns = {f.qualname: f for f in mod.all_functions}
    if function is None:
        fn = next((f for f in mod.all_functions if "acl" in mod.positions.code(f.node)), None)
        if fn is None:
            raise KeyError("no function with acl calls; functions: " + ", ".join(fns))
    else:
        fn = fns.get(function)
        if fn is None:
            matches = [f for q, f in fns.items() if q.endswith("." + function)]
            if len(matches) != 1:
                raise KeyError(function)
            fn = matches[0]
    rec = GraphRecorder()
    findings, _ = engine.analyse_unit(mod, fn, body_of(fn), graph=rec)
    rec.add_leaks(findings)
    rec.g.graph["function"] = fn.qualname
    rec.g.graph["path"] = path
    return rec.g
