"""Which ``acl.*`` names exist: the functions the pyACL binding registers
(rules/pyacl_names.toml), the names public code invents (rules/unknown_api.toml), and
"did you mean" for the rest.

Both files are optional (a team's rules copy may lack them): without pyacl_names.toml
every name counts as real, without unknown_api.toml nothing is known to be invented.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Mapping, Optional, Tuple

from .ruledata import load_toml


def below_acl(name: str) -> str:
    """``acl.mdl.unload`` and ``mdl.unload`` name the same call."""
    return name[4:] if name.startswith("acl.") else name


@dataclass(frozen=True)
class UnknownApi:
    """A name called as ``acl.*`` in public code that is not a pyACL API (rules/unknown_api.toml)."""

    name: str  # below the acl module: "mdl.destroy_model"
    did_you_mean: str = ""  # a catalogued call, or ""
    why: str = ""
    seen: Tuple[str, ...] = ()

    @property
    def qualname(self) -> str:
        return "acl." + self.name


@dataclass(frozen=True)
class ApiNames:
    #: every function of the binding, below the acl module ("rt.malloc", "init"); None = not listed
    functions: Optional[FrozenSet[str]] = None
    #: submodules whose functions are not listed (any name below them is real)
    unlisted: FrozenSet[str] = frozenset()
    #: catalogued calls the binding does not register -> why they stay catalogued
    not_in_binding: Mapping[str, str] = field(default_factory=dict)
    unknown: Mapping[str, UnknownApi] = field(default_factory=dict)

    def exists(self, name: str) -> bool:
        """True unless the binding's function list says ``name`` is not a pyACL function."""
        below = below_acl(name)
        if self.functions is None or below in self.functions or below in self.not_in_binding:
            return True
        module = below.rpartition(".")[0]
        return module.partition(".")[0] in self.unlisted

    def closest(self, name: str, catalogued: Iterable[str]) -> Optional[str]:
        """The qualified name ``name`` was probably meant as: the invented-names table first,
        then the closest real name (difflib ratio >= 0.8), in the same submodule first."""
        below = below_acl(name)
        entry = self.unknown.get(below)
        if entry is not None:
            return "acl." + entry.did_you_mean if entry.did_you_mean else None
        real = set(catalogued) | set(self.functions or ())
        module = below.rpartition(".")[0]
        same = [c for c in real if c.rpartition(".")[0] == module]
        for pool in (same, sorted(real)):
            hit = difflib.get_close_matches(below, pool, n=1, cutoff=0.8)
            if hit:
                return "acl." + hit[0]
        return None


def load(base: Path, apis: Mapping[str, object]) -> ApiNames:
    """Read rules/pyacl_names.toml and rules/unknown_api.toml, checked against the catalogue."""
    from .ruledata import Entry as _Entry  # the one error-message format for rule files

    functions, unlisted, kept = None, frozenset(), {}
    path = base / "pyacl_names.toml"
    if path.is_file():
        e = _Entry(path, "file", load_toml(path), ("functions", "unlisted", "not_in_binding"))
        table = e.get("functions", dict, {})
        functions = frozenset(n if module == "acl" else f"{module}.{n}"
                              for module, names in table.items() for n in names)
        unlisted = frozenset(e.str_list("unlisted"))
        kept = dict(e.get("not_in_binding", dict, {}))
        for call in kept:
            if call not in apis:
                e.fail(f"not_in_binding: {call!r} is not a catalogued API")
    return ApiNames(functions, unlisted, kept, _load_unknown(base / "unknown_api.toml", apis, functions))


def _load_unknown(path: Path, apis: Mapping[str, object], functions) -> Dict[str, UnknownApi]:
    from .ruledata import Entry as _Entry

    if not path.is_file():
        return {}
    out: Dict[str, UnknownApi] = {}
    for i, table in enumerate(load_toml(path).get("unknown", [])):
        name = table.get("name", f"#{i + 1}") if isinstance(table, Mapping) else f"#{i + 1}"
        e = _Entry(path, f"unknown {name!r}", table, ("name", "did_you_mean", "why", "seen"))
        name = below_acl(e.get("name", str, required=True))
        if name in apis:
            e.fail("is a catalogued API (api/*.toml), not an invented name")
        if functions is not None and name in functions:
            e.fail("is a function of the pyACL binding (pyacl_names.toml), not an invented name")
        if name in out:
            e.fail("listed twice")
        mean = below_acl(e.get("did_you_mean", str, ""))
        if mean and mean not in apis:
            e.fail(f"did_you_mean {mean!r} is not a catalogued API")
        out[name] = UnknownApi(name, mean, e.get("why", str, required=True), e.str_list("seen"))
    return out
