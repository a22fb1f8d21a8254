"""The whole corpus output, messages and leaking paths included, pinned as a snapshot.

`test_corpus.py` pins codes and lines; this pins what a user reads. A change to
any message or path step shows up here as a diff to review; after review,
`ACL_LINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_corpus_snapshot.py`
rewrites `corpus/EXPECTED.snap`.
"""

from __future__ import annotations

import json
import subprocess
import sys

from corpus_markers import CORPUS
from snapshot import check, render


def test_corpus_output_matches_snapshot():
    proc = subprocess.run(
        [sys.executable, "-m", "acl_lint", str(CORPUS), "--format", "json", "--no-cache"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr
    check(CORPUS / "EXPECTED.snap", render(json.loads(proc.stdout), str(CORPUS)))
