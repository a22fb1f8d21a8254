"""Locate and read the files of ``rules/`` (installed as ``acl_lint.rules``)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple

if sys.version_info >= (3, 11):
    import tomllib as _toml
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as _toml

TOMLDecodeError = _toml.TOMLDecodeError


class RuleDataError(Exception):
    """A file of rules/ is missing or malformed; the message names file and entry."""


@lru_cache(maxsize=None)
def rules_dir() -> Path:
    """The directory holding codes.toml, api/ and docs/.

    ``ACL_LINT_RULES_DIR`` points at another copy (a team's rules with APIs added).
    Installed: the package ``acl_lint.rules``. Source checkout without install:
    the top-level ``rules/`` beside ``acl_lint/``.
    """
    override = os.environ.get("ACL_LINT_RULES_DIR")
    if override:
        return Path(override)
    try:
        import acl_lint.rules as pkg  # type: ignore[import-not-found]

        path = Path(pkg.__file__).parent
        if (path / "codes.toml").is_file():
            return path
    except ImportError:
        pass
    return Path(__file__).resolve().parent.parent / "rules"


def load_toml(path: Path, error=None, what: str = "rule file") -> Dict[str, Any]:
    """Parse a TOML file; an unreadable or malformed one raises ``error`` (RuleDataError) naming
    it: not a regular file (a FIFO would block), not UTF-8, not TOML, or nested too deeply."""
    from .sources import SourceError, open_regular

    error = error or RuleDataError
    try:
        with open_regular(str(path)) as fh:
            data = fh.read()
    except SourceError as exc:
        raise error(f"{path}: {exc.reason}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read{' ' + what if what else ''}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"{path}: not valid TOML: not UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); "
                    "TOML files are UTF-8") from None
    try:
        return _toml.loads(text)
    except TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: cannot read it: arrays or tables nested too deeply") from None


class Entry:
    """Typed access to one TOML table with error messages naming file and entry."""

    def __init__(self, path: Path, what: str, data: Mapping[str, Any], allowed: Tuple[str, ...]):
        self.path, self.what, self.data = path, what, data
        if not isinstance(data, Mapping):
            self.fail("must be a table")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)}")

    def fail(self, msg: str):
        raise RuleDataError(f"{self.path.name}: {self.what}: {msg}")

    def get(self, key: str, typ, default=None, required=False):
        if key not in self.data:
            if required:
                self.fail(f"missing key {key!r}")
            return default
        value = self.data[key]
        if typ is not None and not isinstance(value, typ) or isinstance(value, bool) and typ is int:
            self.fail(f"key {key!r} must be {getattr(typ, '__name__', typ)}, got {value!r}")
        return value

    def str_list(self, key: str, default=(), required=False) -> Tuple[str, ...]:
        value = self.get(key, (str, list), None, required)
        if value is None:
            return tuple(default)
        if isinstance(value, str):
            return (value,)
        if not all(isinstance(v, str) for v in value):
            self.fail(f"key {key!r} must be a string or a list of strings")
        return tuple(value)

    def int_list(self, key: str) -> Tuple[int, ...]:
        value = self.get(key, list, [])
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
            self.fail(f"key {key!r} must be a list of argument indices")
        return tuple(value)
