"""Settings: ``[tool.acl-lint]`` in pyproject.toml, ``--config FILE``, and the command line.

One configuration per run. Without ``--config``, it is the nearest
``pyproject.toml`` holding a ``[tool.acl-lint]`` table, searched from the
deepest folder that contains all linted paths upwards. Globs in ``exclude``
and ``per-file-ignores`` are relative to that file's folder (the current
folder when there is no config file).

Rule selection is layered like ruff: the config layer, then the command-line
layer. In each layer ``select`` (when given) replaces the set so far,
``extend-select`` adds, ``ignore`` removes. As in Ruff, ``select = []`` (or
``--select ""``) selects nothing, so only ``extend-select`` codes run (the
command line warns when no rule is left); an empty code (``select = [""]``)
is a configuration error.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .budget import DEFAULT_TIME_LIMIT
from .discovery import DEFAULT_EXCLUDE, matches
from .findings import registry, select_codes
from .ruledata import load_toml
from .sources import DEFAULT_MAX_FILE_SIZE


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


# key -> (kind, default). Passed to the engine under the same names
# (see Settings.engine_options).
RULE_OPTIONS: Dict[str, Tuple[str, Any]] = {
    "check-release-status": ("bool", False),
    "check-helpers": ("names", []),
    "release-methods": ("names", []),
    "init-methods": ("names", []),
    "report-constructor-raise": ("bool", False),
    "report-process-exit-leaks": ("bool", False),
    "report-low-value-statuses": ("bool", False),
    "report-low-value-leaks": ("bool", False),
    "buffer-free-order": ("bool", False),  # opt-in: rules/orders.toml option_default
    "max-file-size": ("size", DEFAULT_MAX_FILE_SIZE),
    "file-time-limit": ("seconds", DEFAULT_TIME_LIMIT),
}

SELECTION_KEYS = ("select", "ignore", "extend-select")
OTHER_KEYS = ("per-file-ignores", "exclude", "extend-exclude", "severity", "respect-gitignore", "sim-models")
KNOWN_KEYS = SELECTION_KEYS + OTHER_KEYS + tuple(RULE_OPTIONS)


@dataclass
class Settings:
    """Everything in force for one run."""

    config_file: Optional[str] = None
    root: str = field(default_factory=os.getcwd)
    enabled: frozenset = field(default_factory=lambda: frozenset(registry()))
    select: List[str] = field(default_factory=lambda: ["ALL"])
    extend_select: List[str] = field(default_factory=list)
    ignore: List[str] = field(default_factory=list)
    per_file_ignores: Dict[str, List[str]] = field(default_factory=dict)
    exclude: List[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    extend_exclude: List[str] = field(default_factory=list)
    severity: Dict[str, str] = field(default_factory=dict)
    respect_gitignore: bool = True  # skip what .gitignore excludes while walking folders
    options: Dict[str, Any] = field(default_factory=lambda: {k: v[1] for k, v in RULE_OPTIONS.items()})
    sim_models: Dict[str, str] = field(default_factory=dict)  # model path glob -> JSON spec (runtime only)

    @property
    def max_file_size(self) -> int:
        return int(self.options["max-file-size"])

    def engine_options(self) -> Dict[str, Any]:
        """Rule options for ``engine.analyze_files``, keyed as in the config file
        (``check-helpers``, ``check-release-status``, ...)."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.options.items()}

    def enabled_for(self, path: str) -> frozenset:
        """The codes enabled for one file (after per-file-ignores)."""
        off = set()
        for pattern, codes in self.per_file_ignores.items():
            if matches([pattern], path, self.root):
                off.update(select_codes(codes))
        return self.enabled - off if off else self.enabled

    def severity_of(self, code: str) -> Optional[str]:
        """The configured severity for a code (most specific prefix wins), or None."""
        best = None
        for prefix, level in self.severity.items():
            p = prefix.upper()
            if p == "ALL" or code.startswith(p):
                if best is None or len(p) > len(best[0]):
                    best = (p if p != "ALL" else "", level)
        return best[1] if best else None

    def describe(self) -> str:
        """Human-readable dump for ``--show-settings`` (TOML-like)."""
        lines = [
            f"# config file: {self.config_file or '(none: defaults)'}",
            f"# root (globs are relative to it): {self.root}",
            f"enabled = {_toml_list(sorted(self.enabled))}",
            f"select = {_toml_list(self.select)}",
            f"extend-select = {_toml_list(self.extend_select)}",
            f"ignore = {_toml_list(self.ignore)}",
            f"exclude = {_toml_list(self.exclude)}",
            f"extend-exclude = {_toml_list(self.extend_exclude)}",
            f"respect-gitignore = {_toml_value(self.respect_gitignore)}",
        ]
        for key, value in self.options.items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
        lines.append("[per-file-ignores]")
        for pattern, codes in self.per_file_ignores.items():
            lines.append(f"{_toml_value(pattern)} = {_toml_list(codes)}")
        lines.append("")
        lines.append("[sim-models]")
        for pattern, spec in self.sim_models.items():
            lines.append(f"{_toml_value(pattern)} = {_toml_value(spec)}")
        lines.append("")
        lines.append("[severity]")
        for code in sorted(registry()):
            sev = self.severity_of(code) or registry()[code].severity
            mark = "" if code in self.enabled else "  # not enabled"
            lines.append(f"{code} = {_toml_value(sev)}{mark}")
        return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return _toml_list(value)
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def _toml_list(values: Sequence[Any]) -> str:
    return "[" + ", ".join(_toml_value(v) for v in values) + "]"


# --- locating and reading -------------------------------------------------


def find_config(paths: Sequence[str]) -> Optional[str]:
    """The nearest pyproject.toml with a [tool.acl-lint] table above the paths."""
    absolute = [os.path.abspath(p) for p in (paths or ["."])]
    try:
        start = os.path.commonpath(absolute)
    except ValueError:  # different drives
        start = os.getcwd()
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    current = start
    while True:
        candidate = os.path.join(current, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                data = _read_toml(candidate)
            except ConfigError:
                raise
            if isinstance(data.get("tool"), dict) and "acl-lint" in data["tool"]:
                return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _read_toml(path: str) -> Dict[str, Any]:
    return load_toml(path, ConfigError, what="")


def read_config_table(path: str) -> Dict[str, Any]:
    """The acl-lint table of a config file: ``[tool.acl-lint]`` of a
    pyproject.toml, else the top level of a standalone ``acl-lint.toml``."""
    if not os.path.exists(path):
        raise ConfigError(f"{path}: config file does not exist")
    if os.path.isdir(path):
        raise ConfigError(f"{path}: is a directory, not a config file")
    data = _read_toml(path)
    if os.path.basename(path) == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("acl-lint", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.acl-lint] must be a table")
        return table
    return data


# --- validation -------------------------------------------------------------


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _codes(value: Any, where: str, key: str) -> List[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of rule codes, got {value!r}")
    out = []
    for code in value:
        code = code.strip()
        if not code:
            raise ConfigError(f"{where}: '{key}': an empty rule code; give codes or prefixes such as \"ACL1\" "
                              "(an empty list selects nothing)")
        try:
            select_codes([code])
        except ValueError:
            raise ConfigError(
                f"{where}: '{key}': unknown rule code or prefix {code!r}{_suggest(code.upper(), list(registry()))}"
            ) from None
        out.append(code.upper())
    return out


def _check_option(kind: str, value: Any, where: str, key: str) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: '{key}' must be true or false, got {value!r}")
        return value
    if kind == "names":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{where}: '{key}' must be a list of names, got {value!r}")
        return list(value)
    if kind == "seconds":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e6:
            raise ConfigError(f"{where}: '{key}' must be a number of seconds (0: no limit), got {value!r}")
        return value
    if kind == "size":
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"{where}: '{key}' must be a positive number of bytes, got {value!r}")
        return value
    raise AssertionError(kind)  # pragma: no cover


def _globs(value: Any, where: str, key: str) -> List[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of glob patterns, got {value!r}")
    return list(value)


def apply_table(settings: Settings, table: Mapping[str, Any], where: str) -> None:
    """Validate a config table and fold it into ``settings`` (the config layer)."""
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{where}: unknown key '{key}'{_suggest(key, KNOWN_KEYS)}")
    if "select" in table:
        settings.select = _codes(table["select"], where, "select")
    if "extend-select" in table:
        settings.extend_select = _codes(table["extend-select"], where, "extend-select")
    if "ignore" in table:
        settings.ignore = _codes(table["ignore"], where, "ignore")
    if "exclude" in table:
        settings.exclude = _globs(table["exclude"], where, "exclude")
    if "extend-exclude" in table:
        settings.extend_exclude = _globs(table["extend-exclude"], where, "extend-exclude")
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where}: 'per-file-ignores' must be a table of glob = [codes]")
        settings.per_file_ignores = {
            str(glob): _codes(codes, where, f"per-file-ignores.{glob}") for glob, codes in pfi.items()
        }
    if "sim-models" in table:
        settings.sim_models = _sim_models(table["sim-models"], where)
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{where}: 'severity' must be a table of code = \"error\" | \"warning\"")
        out = {}
        for code, level in sev.items():
            _codes([code], where, "severity")
            if level not in ("error", "warning"):
                raise ConfigError(f"{where}: 'severity.{code}' must be \"error\" or \"warning\", got {level!r}")
            out[code.upper()] = level
        settings.severity = out
    if "respect-gitignore" in table:
        settings.respect_gitignore = _check_option("bool", table["respect-gitignore"], where, "respect-gitignore")
    for key, (kind, _default) in RULE_OPTIONS.items():
        if key in table:
            settings.options[key] = _check_option(kind, table[key], where, key)
    settings.enabled = _layer(settings.enabled, settings.select, settings.extend_select, settings.ignore)


def _sim_models(value: Any, where: str) -> Dict[str, str]:
    """``sim-models = { "model/*.om" = "tests/specs/resnet50.json" }``: globs and spec
    paths relative to the config file's folder (read by the simulator, acl_lint.sim)."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and k and isinstance(v, str) and v
                                              for k, v in value.items()):
        raise ConfigError(f"{where}: 'sim-models' must be a table of \"model path glob\" = \"JSON spec path\", "
                          f"got {value!r}")
    return dict(value)


def _layer(base: frozenset, select: Optional[Sequence[str]], extend: Sequence[str], ignore: Sequence[str]) -> frozenset:
    """One layer of selection. ``select`` None: keep ``base``; a list, even empty, replaces it
    (as in Ruff, ``select = []`` selects nothing; ``extend-select`` can add to that)."""
    current = select_codes(select) if select is not None else base
    return frozenset((set(current) | set(select_codes(extend))) - set(select_codes(ignore)))


def parse_code_list(text: Optional[str], option: str) -> Optional[List[str]]:
    """A comma-separated ``--select`` value, validated; None when not given."""
    if text is None:
        return None
    codes = [c.strip() for c in text.split(",")]
    if codes == [""]:
        codes = []  # --select "": nothing
    try:
        return _codes(codes, "command line", option)
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("command line: ", "")) from None


def load_settings(
    paths: Sequence[str] = (".",),
    config_path: Optional[str] = None,
    select: Optional[Sequence[str]] = None,
    extend_select: Optional[Sequence[str]] = None,
    ignore: Optional[Sequence[str]] = None,
) -> Settings:
    """Settings for a run: config file layer, then the command-line layer."""
    path = config_path or find_config(paths)
    settings = Settings()
    if path:
        path = os.path.abspath(path) if not config_path else config_path
        settings.config_file = path
        settings.root = os.path.dirname(os.path.abspath(path))
        apply_table(settings, read_config_table(path), path)
    if select is not None or extend_select or ignore:
        try:
            settings.enabled = _layer(settings.enabled, select, extend_select or (), ignore or ())
        except ValueError as exc:
            raise ConfigError(f"command line: {exc}") from None
        if select is not None:
            settings.select = list(select)
        settings.extend_select = settings.extend_select + list(extend_select or ())
        settings.ignore = settings.ignore + list(ignore or ())
    return settings
