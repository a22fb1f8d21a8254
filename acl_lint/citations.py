"""rules/sources.toml: what a source tag cited in rules/ points at.

A page tag ``py800:0776`` is page 0776 of the documentation set ``py800`` (its url with
``{page}`` filled in); a named tag (``samples-venc``) is public code or a source file,
described in words. The scheme is pyacl-reference.md section 5.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

from .ruledata import RuleDataError, load_toml, rules_dir

PAGE_TAG = re.compile(r"^(?P<prefix>[A-Za-z0-9.-]+):(?P<page>\d+)$")


@lru_cache(maxsize=None)
def _table(directory: Path) -> Tuple[Dict[str, str], Dict[str, str]]:
    data = load_toml(directory / "sources.toml")
    prefixes, tags = data.get("prefix", {}), data.get("tag", {})
    for name, url in prefixes.items():
        if not isinstance(url, str) or "{page}" not in url:
            raise RuleDataError(f"sources.toml: prefix {name!r}: the url needs a {{page}} placeholder")
    return dict(prefixes), dict(tags)


def resolve(tag: str, directory: Optional[Path] = None) -> Optional[str]:
    """The url (page tags) or description (named tags) of ``tag``, or None if unknown."""
    prefixes, tags = _table(Path(directory) if directory else rules_dir())
    m = PAGE_TAG.match(tag)
    if m and m.group("prefix") in prefixes:
        return prefixes[m.group("prefix")].format(page=m.group("page"))
    return tags.get(tag)


def cited(directory: Optional[Path] = None) -> Iterator[Tuple[str, str]]:
    """(file, tag) for every tag cited in the rule files (``sources`` and ``seen`` keys)."""
    base = Path(directory) if directory else rules_dir()
    for path in sorted(base.glob("*.toml")) + sorted((base / "api").glob("*.toml")):
        yield from ((path.name, t) for t in _tags(load_toml(path)))


def _tags(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("sources", "seen"):
                yield from ([value] if isinstance(value, str) else value)
            else:
                yield from _tags(value)
    elif isinstance(node, list):
        for item in node:
            yield from _tags(item)
