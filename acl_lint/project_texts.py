"""The project's texts as one run reads them: the parse guard in front of libcst.

libcst must never see a file nested beyond CPython's limits (it would crash the
process), so every text the engines parse passes :func:`~acl_lint.sources.parse_guard`
first: the files to analyse up front (:func:`guard_files`), the other project files
when a call resolves into them (:class:`ProjectReader`, checked on first use: most are
never loaded). A look at a text's words (which files may call a function) needs no
parse and reads it unchecked.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from .findings import Finding
from .sources import parse_guard


def guard_files(files: List[Tuple[str, str]], below: Optional[int] = None
           ) -> Tuple[List[Tuple[str, str]], List[Finding]]:
    """Split off the files libcst must not see (nested beyond CPython's limits: it would crash
    the process); their ACL001 findings. Files of ``below`` bytes and more are kept unchecked."""
    keep, rejected = [], []
    for path, text in files:
        f = parse_guard(path, text) if below is None or len(text) < below else None
        if f is None:
            keep.append((path, text))
        else:
            rejected.append(f)
    return keep, rejected


def guarded_reader(texts: Mapping[str, str]) -> "ProjectReader":
    """``texts.get`` for the project files calls resolve into, withholding a text that fails
    :func:`parse_guard` (checked when first asked for: most are never loaded)."""
    return ProjectReader(texts)


class ProjectReader:
    """The project's texts as the engines of one run read them (see :func:`guarded_reader`),
    and ``words``, the call graph's word index of those texts (``static/callers.py``), which
    every engine given this reader shares: a pool fills it before forking."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts
        self._verdict: Dict[str, bool] = {}
        self._words: Any = None

    def __call__(self, path: str) -> Optional[str]:
        text = self.texts.get(path)
        if text is None:
            return None
        ok = self._verdict.get(path)
        if ok is None:
            ok = self._verdict[path] = parse_guard(path, text) is None
        return text if ok else None

    @property
    def words(self) -> Any:
        if self._words is None:
            from .static.callers import WordIndex

            self._words = WordIndex(self.texts)
        return self._words

    def unchecked(self, path: str) -> Optional[str]:
        """A project text without the parse guard (for a look at its words, never a parse)."""
        return self.texts.get(path)
