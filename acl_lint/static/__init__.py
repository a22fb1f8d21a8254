"""The static front end: libcst source → per-function resource graph → typestate check.

Entry points used by the command line:

- :func:`analyze_files` lints decoded sources (the whole run at once, so that
  summaries of helper functions work across modules).
- :func:`resource_graph` builds the networkx resource graph of one function
  (for ``acl-lint graph``).
"""

from .engine import analyze_files, resource_graph  # noqa: F401
