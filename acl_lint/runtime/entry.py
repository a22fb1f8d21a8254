"""The audit's entry point: ``with audit(...) as session:`` wraps the ``acl`` module (or the
simulator) for the block and turns what stays live at its end into leak findings; ``current()``
is the innermost active session (the pytest plugin and the shim ask for it)."""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional

from .session import Session

_current: List[Session] = []


def current() -> Optional[Session]:
    """The innermost active audit session, if any."""
    return _current[-1] if _current else None


@contextmanager
def audit(sim: bool = False, *, module=None, protocol=None, options: Optional[Dict[str, Any]] = None,
          fresh: Optional[bool] = None, stack_depth: int = 4) -> Iterator[Session]:
    """Audit every pyACL call made inside the ``with`` block.

    ``sim=True`` installs the simulator as ``acl`` first (and uninstalls it on
    exit if it was not installed before). ``module``: the acl module object to
    wrap (default: ``sys.modules['acl']``, else ``import acl``). ``fresh``: no
    thread has a context yet (default: known for the simulator, assumed
    unknown for threads that exist when the audit starts on a real acl).

    Yields the :class:`Session`; on exit the module's functions are restored and
    the resources still live are added to ``session.findings`` as leaks.
    """
    installed = False
    sim_mod = None
    if sim:
        from .. import sim as sim_mod

        installed = not sim_mod.is_installed()
        acl = sim_mod.install()
        module = module if module is not None else acl
    if module is None:
        module = sys.modules.get("acl")
        if module is None:
            try:
                module = importlib.import_module("acl")
            except ImportError as exc:
                raise ImportError("acl_lint.runtime.audit: no `acl` module to audit (pyACL is not "
                                  "importable); use audit(sim=True) for the simulator") from exc
    session = Session(protocol, options, stack_depth)
    session.start(module, fresh)
    _current.append(session)
    try:
        yield session
    finally:
        if session in _current:
            _current.remove(session)
        session.stop()
        if installed and sim_mod is not None:
            sim_mod.uninstall()
