"""What a call resolves to: an acl API name, a project function or method, a class (its
``__init__``), a check helper the analysis cannot see.

Resolution may load a project module lazily. A module without acl calls only matters as a
check helper (it raises on a bad status): it is followed only from code that uses acl and for
calls that pass a status; what such modules call in turn (os, threading) is not. That policy
is the explicit ``may_load`` argument handed to the index.
"""

from __future__ import annotations

from typing import Callable, Optional, Tuple

import libcst as cst

from ..sources import mentions_acl
from .index import FunctionInfo, ModuleInfo, ProjectIndex

#: check helpers of the Ascend samples and common wrappers, for when their module is not linted
DEFAULT_CHECK_NAMES = ("check_ret", "_check_ret", "check_acl_ret", "acl_check", "check_status", "_check")


def acl_call_name(mod: ModuleInfo, name: str) -> Optional[str]:
    """``acl.rt.malloc`` (or an alias / imported member of acl) -> ``rt.malloc``; else None."""
    head, _, rest = name.partition(".")
    if head in mod.acl_aliases or (head == "acl" and "acl" not in mod.imports):
        return rest or None
    member = mod.acl_members.get(head)
    if member is not None:
        return f"{member}.{rest}" if rest else member
    return None


class Resolver:
    """Resolves calls against the project index."""

    def __init__(self, index: ProjectIndex, read: Callable[[str], Optional[str]], extra_check_helpers=()):
        self.index = index
        self.read = read  # path -> text of a project file not parsed yet (or None)
        #: names of check helpers assumed to raise on a non-zero status when their body is not visible
        self.check_names = frozenset(DEFAULT_CHECK_NAMES) | frozenset(extra_check_helpers)

    def resolve_call(self, mod: ModuleInfo, fn, func: cst.BaseExpression, name: str, statusish: bool = True):
        """The project function a call runs, and how ``self`` is bound (``"self"``, ``"<new>"`` or None)."""
        follow_plain = statusish and mod.uses_acl

        def may_load(path: str) -> bool:
            known = self.index.modules.get(path)
            if known is not None:
                return known.uses_acl or follow_plain
            if follow_plain:
                return True
            text = self.read(path)
            return text is not None and mentions_acl(text)

        target, bound = self._resolve(mod, fn, func, name, may_load)
        if target is not None and not target.module.uses_acl and not follow_plain:
            return None, None
        return target, bound

    def _resolve(self, mod: ModuleInfo, fn, func: cst.BaseExpression, name: str, may_load):
        idx = self.index
        if isinstance(func, cst.Name):
            target = idx.resolve_function(mod, name, may_load)
            if target is not None:
                return target, None
            return self._init_of(idx.resolve_class(mod, name, may_load), may_load)
        if not (isinstance(func, cst.Attribute) and name):
            return None, None
        head, _, attr = name.rpartition(".")
        if head == "self" and isinstance(fn, FunctionInfo) and fn.cls is not None:
            m = idx.method(fn.cls, attr, may_load=may_load)
            return (m, "self") if m is not None else (None, None)
        # import pkg.helpers as h; h.release(...) / from pkg import helpers; helpers.release(...)
        spec = mod.imported_spec(head)
        target_mod = idx.resolve_module(mod, spec, may_load) if spec is not None else None
        if target_mod is None:
            return None, None
        f = target_mod.functions.get(attr)
        if f is not None:
            return f, None
        return self._init_of(target_mod.classes.get(attr), may_load)

    def _init_of(self, cls, may_load) -> Tuple[Optional[FunctionInfo], Optional[str]]:
        if cls is not None:
            init = self.index.method(cls, "__init__", may_load=may_load)
            if init is not None:
                return init, "<new>"
        return None, None
