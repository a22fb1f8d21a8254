"""Which bytes ``acl.mdl.load_from_file(path)`` loads under the simulator.

A program written for an NPU loads ``.om`` files that a CI machine does not
have (or has as placeholders). A *model map* sends model paths, by glob, to
JSON model specs (``{"inputs": [{"shape": [...], "dtype": "float16"}], ...}``),
so that the program sees the real shapes and dtypes::

    [tool.acl-lint]
    sim-models = { "model/*.om" = "tests/specs/resnet50.json" }

(pytest ini ``acl_sim_models``, ``python -m acl_lint.audit --sim-model
GLOB=SPEC``). Globs and spec paths are relative to the folder of the file that
names them (the config file's folder; the current folder on the command line);
a glob without ``/`` matches the file name in any folder. A mapped path wins
over an existing file. The map is configuration, not process state:
``sim.reset()`` keeps it.

A path that is neither mapped nor present fails with the documented error code,
and the simulator says so on stderr once per path, naming the path and how to
map it: a run must not go on to report leaks that only follow from a model that
was never there.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from typing import Dict, List, Mapping, Optional, Tuple

#: (glob, absolute spec path, base folder of relative globs)
_MAP: List[Tuple[str, str, str]] = []
_TOLD: set = set()

HOW_TO_MAP = ("map it to a JSON model spec: [tool.acl-lint] sim-models = {\"GLOB\" = \"SPEC.json\"}, "
              "pytest ini acl_sim_models = GLOB=SPEC.json, or python -m acl_lint.audit --sim-model GLOB=SPEC.json")


class ModelMapError(ValueError):
    """A model map entry that cannot work (the message names the entry)."""


def parse_entries(entries, where: str) -> Dict[str, str]:
    """``GLOB=SPEC`` strings (ini lines, --sim-model values) -> {glob: spec}."""
    out: Dict[str, str] = {}
    for entry in entries:
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        glob, sep, spec = entry.partition("=")
        if not sep or not glob.strip() or not spec.strip():
            raise ModelMapError(f"{where}: expected GLOB=SPEC (e.g. model/*.om=tests/specs/resnet50.json), "
                                f"got {entry!r}")
        out[glob.strip()] = spec.strip()
    return out


def map_models(mapping: Mapping[str, str], base: Optional[str] = None, replace: bool = True) -> None:
    """Map model path globs to JSON spec files (relative to ``base``, default: the
    current folder). ``replace=False`` adds after the entries already mapped (the
    first matching entry wins)."""
    base = os.path.abspath(base or os.getcwd())
    entries = []
    for glob, spec in mapping.items():
        if not isinstance(glob, str) or not isinstance(spec, str) or not glob or not spec:
            raise ModelMapError(f"model map: expected glob = spec path strings, got {glob!r} = {spec!r}")
        entries.append((glob.replace("\\", "/"), os.path.join(base, spec), base))
    if replace:
        _MAP[:] = entries
        _TOLD.clear()
    else:
        _MAP.extend(entries)


def model_map() -> List[Tuple[str, str, str]]:
    """The current entries: (glob, spec path, base folder)."""
    return list(_MAP)


def restore_map(entries: List[Tuple[str, str, str]]) -> None:
    """Put back entries saved with model_map()."""
    _MAP[:] = entries


def _matches(glob: str, full: str, given: str, base: str) -> bool:
    """``full``: the absolute path; ``given``: the path as the program wrote it."""
    if os.path.isabs(glob):
        return fnmatch.fnmatchcase(full, os.path.normpath(glob).replace("\\", "/"))
    if "/" not in glob:
        return fnmatch.fnmatchcase(full.rsplit("/", 1)[-1], glob)
    pat = glob[2:] if glob.startswith("./") else glob
    rel = os.path.relpath(full, base).replace("\\", "/")
    if not rel.startswith("../") and fnmatch.fnmatchcase(rel, pat):
        return True
    return not os.path.isabs(given) and fnmatch.fnmatchcase(given, pat)


def mapped_spec(path: str) -> Optional[str]:
    """The spec file mapped to a model path, or None. A glob with ``/`` matches the
    path relative to its base folder, or the path as the program wrote it
    (``model/*.om`` matches ``load_from_file("model/resnet50.om")`` from any folder)."""
    full = os.path.abspath(path).replace("\\", "/")
    given = os.path.normpath(path).replace("\\", "/")
    for glob, spec, base in _MAP:
        if _matches(glob, full, given, base):
            return spec
    return None


def missing_model_message(api: str, path: str) -> str:
    """The error for a model that is neither mapped nor present (said once on stderr)."""
    where = os.path.abspath(path)
    msg = (f"{api}: model file {path!r} does not exist"
           + (f" ({where})" if where != path else "")
           + f" and no simulator model map entry matches it; {HOW_TO_MAP}")
    return say_once(path, msg)


def say_once(key: str, msg: str) -> str:
    """Write ``msg`` to stderr the first time ``key`` comes up; return it."""
    if key not in _TOLD:
        _TOLD.add(key)
        sys.stderr.write(f"acl_lint.sim: {msg}\n")
        sys.stderr.flush()
    return msg


def read_spec(api: str, path: str, spec: str) -> bytes:
    """The JSON spec mapped to ``path``. Raises OSError (unreadable) or ValueError
    (not a model spec), each naming the model path and the spec, said on stderr."""
    try:
        with open(spec, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise OSError(say_once(spec, f"{api}: model {path!r} is mapped to the spec {spec!r}, which cannot "
                                     f"be read: {exc.strerror or exc}")) from None
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(say_once(spec, f"{api}: model {path!r} is mapped to {spec!r}, which is not JSON: "
                                        f"{exc}")) from None
    if not isinstance(parsed, dict) or not ("inputs" in parsed or "outputs" in parsed):
        raise ValueError(say_once(spec, f"{api}: model {path!r} is mapped to {spec!r}, which is not a model "
                                        "spec (a JSON object with \"inputs\" and \"outputs\" lists)"))
    return data


def map_project_models(start: str, first: Optional[Mapping[str, str]] = None, first_base: Optional[str] = None) -> int:
    """Map models as the project's ``[tool.acl-lint] sim-models`` says (the config
    found from ``start``, as ``acl-lint`` finds it), after the entries of ``first``
    (command line, ini; relative to ``first_base``). Returns the number of entries.
    Raises config.ConfigError for a broken configuration."""
    from ..config import load_settings

    map_models(first or {}, first_base)
    settings = load_settings([start])
    if settings.sim_models:
        map_models(settings.sim_models, settings.root, replace=False)
    return len(_MAP)
