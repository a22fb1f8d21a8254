"""The corpus is the specification: `acl-lint corpus/` reports exactly its `# expect:` markers."""

from __future__ import annotations

import json
import subprocess
import sys

from corpus_markers import CORPUS, corpus_files, known_false_negatives, known_false_positives, marker_counts, markers

from acl_lint.findings import registry


def run_static():
    proc = subprocess.run(
        [sys.executable, "-m", "acl_lint", str(CORPUS), "--format", "json", "--no-cache"]
        if _has_no_cache() else [sys.executable, "-m", "acl_lint", str(CORPUS), "--format", "json"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _has_no_cache() -> bool:
    proc = subprocess.run([sys.executable, "-m", "acl_lint", "--help"], capture_output=True, text=True)
    return "--no-cache" in proc.stdout


def test_static_findings_are_exactly_the_markers():
    report = run_static()
    assert report["errors"] == []
    got = set()
    for f in report["findings"]:
        path = f["path"]
        rel = path[len(str(CORPUS)) + 1:] if path.startswith(str(CORPUS)) else path
        got.add((rel.replace("\\", "/"), f["line"], f["code"]))
    want = markers("static")
    missing = sorted(want - got)
    extra = sorted(got - want)
    fixed_fp = sorted(set(missing) & known_false_positives("static"))
    assert not fixed_fp, f"known false positives no longer reported: change their `# todook:` markers: {fixed_fp}"
    fixed_fn = sorted(set(extra) & known_false_negatives("static"))
    assert not fixed_fn, f"known false negatives now reported: turn their `# todo:` into `# expect:`: {fixed_fn}"
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"
    assert report["files_checked"] == len(corpus_files())


def test_known_limits_are_documented_in_the_corpus():
    """At least one known false positive and one known false negative are kept as tests."""
    assert known_false_positives("static") and known_false_negatives("static")
    assert not known_false_positives("static") & known_false_negatives("static")


def test_every_static_rule_fires_somewhere_in_the_corpus():
    counts = marker_counts()
    static_rules = [c for c, r in registry().items() if "static" in r.engines and c not in ("ACL001", "ACL002")]
    silent = [c for c in static_rules if counts.get(c, 0) == 0]
    assert not silent, f"rules with no firing case in corpus/: {silent}"


def test_corpus_has_clean_programs():
    files = corpus_files()
    marked = {m[0] for m in markers("static") | markers("runtime")}
    clean = [p for p in files if p.relative_to(CORPUS).as_posix() not in marked]
    assert len(clean) >= len(marked) * 0.8, (len(clean), len(marked))
