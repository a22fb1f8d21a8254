"""Where an intercepted call comes from: the caller's frame outside acl_lint and the ``acl``
package, its source position (cached per code object and instruction), its display path, the
short user stack above it, and the variable an acquire's result is assigned to.

A mixin of :class:`~acl_lint.runtime.session.Session`: it reads the caches the session creates
(``_skip``, ``_internal``, ``_sites``, ``_funcs``, ``_paths``, ``_runner``, ``_names``, ``cwd``,
``stack_depth``, ``files``) and lives apart only to keep the session's hot path readable.
"""

from __future__ import annotations

import itertools
import linecache
import os
import re
import sysconfig
from typing import Tuple

from ..typestate import Site

_ASSIGN = re.compile(r"\s*([A-Za-z_][\w.]*(?:\[[^\]=]*\])?)\s*(?:,\s*[A-Za-z_][\w.]*\s*)*=(?!=)")

_STDLIB = tuple(os.path.abspath(p) + os.sep for p in {
    sysconfig.get_paths().get("stdlib", ""), sysconfig.get_paths().get("platstdlib", "")} if p)
_RUNNERS = (os.sep + "_pytest" + os.sep, os.sep + "pluggy" + os.sep, os.sep + "runpy.py")


def _is_runner(filename: str) -> bool:
    """Frames below the program: the stdlib (runpy, threading) and the test runner."""
    if filename.startswith("<"):
        return filename.startswith("<frozen")
    path = os.path.abspath(filename)
    if any(r in path for r in _RUNNERS):
        return True
    return path.startswith(_STDLIB) and "site-packages" not in path and "dist-packages" not in path


class FrameSites:
    """Frame -> :class:`Site` resolution for the audit session (see the module docstring)."""

    def _site_function(self, site: Site) -> str:
        return self._funcs.get(site, "")

    def _user_frame(self, f):
        skip = self._skip
        while f is not None:
            fn = f.f_code.co_filename
            s = skip.get(fn)
            if s is None:
                s = skip[fn] = self._is_internal(fn)
            if not s:
                return f
            f = f.f_back
        return None

    def _is_internal(self, filename: str) -> bool:
        if filename.startswith("<"):
            return False
        path = os.path.abspath(filename)
        return path.startswith(self._internal)

    def _site(self, f) -> Site:
        if f is None:
            return Site("<unknown>", 1)
        code = f.f_code
        key = (id(code), f.f_lasti)
        entry = self._sites.get(key)
        if entry is not None and entry[0] is code:
            return entry[1]
        filename = code.co_filename
        path = self._paths.get(filename)
        if path is None:
            path = self._paths[filename] = self._display(filename)
        line, col, end_line, end_col = f.f_lineno or 1, 1, 0, 0
        positions = getattr(code, "co_positions", None)
        if positions is not None:
            try:
                pos = next(itertools.islice(positions(), f.f_lasti // 2, None))
                if pos[0]:
                    line = pos[0]
                    end_line = pos[1] or 0
                    col = pos[2] + 1 if pos[2] is not None else 1
                    end_col = pos[3] + 1 if pos[3] is not None else 0
            except (StopIteration, TypeError, ValueError):
                pass
        site = Site(path, line, col, end_line, end_col)
        func = getattr(code, "co_qualname", code.co_name)
        self._sites[key] = (code, site, func)
        self._funcs.setdefault(site, func)
        self.files.add(path)
        return site

    def _display(self, filename: str) -> str:
        if filename.startswith("<") or not os.path.isabs(filename):
            return filename
        try:
            rel = os.path.relpath(filename, self.cwd)
        except ValueError:
            return filename
        return filename if rel.startswith("..") else rel

    def _stack(self, f) -> Tuple[Tuple[str, int, str], ...]:
        out = []
        f = f.f_back if f is not None else None
        while f is not None and len(out) < self.stack_depth - 1:
            f = self._user_frame(f)
            if f is None:
                break
            code = f.f_code
            fn = code.co_filename
            stop = self._runner.get(fn)
            if stop is None:
                stop = self._runner[fn] = _is_runner(fn)
            if stop:
                break
            path = self._paths.get(fn)
            if path is None:
                path = self._paths[fn] = self._display(fn)
            out.append((path, f.f_lineno or 1, getattr(code, "co_qualname", code.co_name)))
            f = f.f_back
        return tuple(out)

    def _name(self, site: Site, frame, api) -> str:
        """The variable the acquire's result is assigned to, read from the source line (cached per site)."""
        name = self._names.get(site)
        if name is None:
            name = ""
            if frame is not None:
                text = linecache.getline(frame.f_code.co_filename, site.line)
                mt = _ASSIGN.match(text)
                if mt and api.call.rsplit(".", 1)[-1] in text[mt.end():]:
                    name = mt.group(1)
            self._names[site] = name
        return name
