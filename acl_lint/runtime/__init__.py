"""Runtime audit: a shim around the ``acl`` module feeding the shared typestate machine.

    from acl_lint.runtime import audit

    with audit(sim=True) as session:   # sim=True: the simulator as `acl`
        run_my_inference()
    for f in session.findings:         # Finding(engine="runtime"), leaks included
        print(f.path, f.line, f.code, f.message)

``python -m acl_lint.audit [--sim] script.py`` runs a program under audit; the
pytest plugin (``--acl-audit``, fixture ``acl_sim``) audits tests.
"""

from .entry import audit, current
from .session import LEAK_CODES, Session

__all__ = ["audit", "Session", "current", "LEAK_CODES"]
