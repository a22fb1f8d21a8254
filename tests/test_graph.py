"""`acl-lint graph`: the per-function resource graph of a corpus function, as networkx and as text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from acl_lint.static import resource_graph

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "corpus" / "functions" / "buffer_memory_not_freed_dataset_walk.py"


def test_resource_graph_of_a_corpus_function():
    g = resource_graph(str(PROGRAM), PROGRAM.read_text(), "encode")
    nodes = {d["label"]: d for _, d in g.nodes(data=True)}
    acquires = sorted(label for label, d in nodes.items() if d["kind"] == "acquire")
    assert any("acl.rt.malloc" in a for a in acquires)
    assert any("acl.create_data_buffer" in a for a in acquires)
    assert any("acl.mdl.create_dataset" in a for a in acquires)
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    # memory wrapped by the buffer, the buffer added to the dataset, releases, and the leak
    assert {"wrapped_by", "added_to", "release", "leak"} <= kinds
    leak = [(a, b, d) for a, b, d in g.edges(data=True) if d["kind"] == "leak"]
    assert [d["label"] for _, _, d in leak] == ["ACL106"]
    assert "acl.rt.malloc" in g.nodes[leak[0][0]]["label"]
    # one edge per relation, not one per path
    triples = [(a, b, d["kind"]) for a, b, d in g.edges(data=True)]
    assert len(triples) == len(set(triples))


def test_graph_command_draws_dot_and_mermaid():
    for fmt, marker in (("dot", "digraph"), ("mermaid", "flowchart")):
        proc = subprocess.run([sys.executable, "-m", "acl_lint", "graph", f"{PROGRAM}:encode", "--format", fmt],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(marker)
        assert "acl.rt.malloc" in proc.stdout and "ACL106" in proc.stdout
