"""Baselines: record today's findings, then report only new ones.

The file is JSON, one entry per accepted finding, readable in a review::

    {
      "acl-lint-baseline": 2,
      "version": "0.1.0",
      "findings": [
        {"fingerprint": "...", "code": "ACL101", "rule": "resource-leak", "path": "app.py",
         "function": "Model.load", "resource": "self.buf", "line": 12, "message": "..."},
        ...
      ]
    }

Matching is by ``fingerprint`` only (the rest is for people; ``line`` is where
it was when recorded), as a multiset: a baseline with two of a fingerprint and
a run with three reports one (the last by position). Format 1 (a
``"fingerprints": {fingerprint: count}`` table) still loads. Fingerprints
contain the path as displayed, so run with the same path form (e.g. from the
repository root) when writing and using a baseline.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable, List

from . import __version__
from .findings import Finding

FORMAT_KEY = "acl-lint-baseline"
FORMAT_VERSION = 2
READS = (1, 2)


class BaselineError(Exception):
    """A baseline that cannot be read or is not one of ours."""


def entry(f: Finding) -> dict:
    """What a reviewer reads about one accepted finding."""
    return {
        "fingerprint": f.fingerprint,
        "code": f.code,
        "rule": f.name,
        "path": f.path,
        "function": f.function,
        "resource": f.resource,
        "line": f.line,
        "message": f.message,
    }


def baseline_json(findings: Iterable[Finding]) -> dict:
    ordered = sorted(findings, key=Finding.sort_key)
    return {FORMAT_KEY: FORMAT_VERSION, "version": __version__, "findings": [entry(f) for f in ordered]}


def write_baseline(path: str, findings: Iterable[Finding]) -> int:
    """Write the baseline; return how many findings it records."""
    from .fixes import write_atomically

    data = baseline_json(findings)
    try:
        write_atomically(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(data["findings"])


def load_baseline(path: str) -> Counter:
    """Fingerprint -> count from a baseline file."""
    try:
        with open(path, "r", encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"baseline file not found: {path} (create it with --write-baseline {path})") from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or FORMAT_KEY not in data:
        raise BaselineError(f"{path} is not an acl-lint baseline (no '{FORMAT_KEY}' key)")
    if data[FORMAT_KEY] not in READS:
        raise BaselineError(f"baseline {path} has format {data[FORMAT_KEY]!r}; this acl-lint reads "
                            + " and ".join(map(str, READS)))
    if data[FORMAT_KEY] == 2:
        entries = data.get("findings")
        if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
        ):
            raise BaselineError(f"baseline {path}: 'findings' must be a list of entries with a 'fingerprint'")
        return Counter(e["fingerprint"] for e in entries)
    prints = data.get("fingerprints")
    if not isinstance(prints, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0 for k, v in prints.items()
    ):
        raise BaselineError(f"baseline {path}: 'fingerprints' must map fingerprints to counts")
    return Counter(prints)


def new_findings(findings: Iterable[Finding], baseline: Counter) -> List[Finding]:
    """The findings not covered by the baseline (multiset difference)."""
    remaining = Counter(baseline)
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        fp = f.fingerprint
        if remaining[fp] > 0:
            remaining[fp] -= 1
        else:
            out.append(f)
    return out
