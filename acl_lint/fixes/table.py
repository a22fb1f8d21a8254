"""``rules/fixes.toml``: the rename table, loaded and validated against the protocol."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

from ..protocol import Protocol, default
from ..ruledata import RuleDataError, load_toml, rules_dir

APPLICABILITIES = ("safe", "unsafe")
_KEYS = ("code", "from", "to", "applicability", "why")
_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass(frozen=True)
class Rename:
    code: str
    old: str  # below the acl module: "mdl.destroy_model"
    new: str
    applicability: str
    why: str = ""


def load_renames(path: Optional[Path] = None, protocol: Optional[Protocol] = None) -> Tuple[Rename, ...]:
    """Every [[rename]] of ``path`` (default: rules/fixes.toml); RuleDataError names a bad entry."""
    path = path or rules_dir() / "fixes.toml"
    protocol = protocol or default()
    if not path.exists():
        return ()
    entries = load_toml(path).get("rename", [])
    if not isinstance(entries, list):
        raise RuleDataError(f"{path.name}: `rename` must be an array of tables ([[rename]])")
    out = []
    seen = set()
    for i, e in enumerate(entries):
        where = f"{path.name}: rename #{i + 1}"
        if not isinstance(e, dict):
            raise RuleDataError(f"{where}: must be a table")
        unknown = sorted(set(e) - set(_KEYS))
        if unknown:
            raise RuleDataError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(_KEYS)})")
        for key in ("code", "from", "to", "applicability"):
            if not isinstance(e.get(key), str) or not e[key]:
                raise RuleDataError(f"{where}: {key!r} must be a non-empty string")
        if not re.fullmatch(r"ACL\d{3}", e["code"]):
            raise RuleDataError(f"{where}: bad code {e['code']!r}")
        for key in ("from", "to"):
            if not _CALL.fullmatch(e[key]) or e[key].startswith("acl."):
                raise RuleDataError(f"{where}: {key!r} must be a call below the acl module, e.g. \"mdl.unload\"")
        if e["to"] not in protocol.apis:
            raise RuleDataError(f"{where}: 'to' = {e['to']!r} is not an API of rules/api")
        if e["from"] in protocol.apis:
            raise RuleDataError(f"{where}: 'from' = {e['from']!r} is an API of rules/api; a rename replaces an unknown name")
        if e["applicability"] not in APPLICABILITIES:
            raise RuleDataError(f"{where}: 'applicability' must be \"safe\" or \"unsafe\"")
        if (e["code"], e["from"]) in seen:
            raise RuleDataError(f"{where}: {e['from']!r} renamed twice for {e['code']}")
        seen.add((e["code"], e["from"]))
        out.append(Rename(e["code"], e["from"], e["to"], e["applicability"], str(e.get("why", ""))))
    return tuple(out)


@lru_cache(maxsize=None)
def renames_by_code() -> Dict[str, Dict[str, Rename]]:
    """code -> old call -> Rename, for the shipped table."""
    out: Dict[str, Dict[str, Rename]] = {}
    for r in load_renames():
        out.setdefault(r.code, {})[r.old] = r
    return out


#: codes fixed by code (acl_lint.fixes.codemods.FIXERS), besides those of the rename table
CODED_FIXES = frozenset({"ACL203", "ACL303"})


@lru_cache(maxsize=None)
def fixable_codes() -> frozenset:
    """Codes that may carry a fix (cheap: the rename table is read, not validated)."""
    path = rules_dir() / "fixes.toml"
    try:
        entries = load_toml(path).get("rename", []) if path.exists() else []
    except RuleDataError:
        entries = []
    extra = {e.get("code") for e in entries if isinstance(e, dict) and isinstance(e.get("code"), str)}
    return CODED_FIXES | frozenset(extra)


def release_api_of(kind: str, protocol: Optional[Protocol] = None) -> Optional[str]:
    """The one API that releases ``kind`` (its handle as the only argument), or None."""
    protocol = protocol or default()
    found = [a.call for a in protocol.apis.values() if any(r.arg == 0 and kind in r.kinds for r in a.releases)]
    return found[0] if len(found) == 1 else None


def acquired_kind(call: str, protocol: Optional[Protocol] = None) -> Optional[str]:
    """The kind ``acl.<call>`` acquires, or None."""
    protocol = protocol or default()
    api = protocol.api(call[4:] if call.startswith("acl.") else call)
    return api.acquires if api is not None and api.acquires else None
