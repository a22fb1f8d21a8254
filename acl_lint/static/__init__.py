"""The static front end: libcst source → path-by-path interpretation → typestate check.

Each function is interpreted over its own syntax tree, path by path; every acl call on
a path is fed to :class:`acl_lint.typestate.Machine`. The resource graph is not what
the checks read: it is a view recorded by an observer during the interpretation.

Entry points used by the command line:

- :func:`analyze_files` lints decoded sources (the whole run at once, so that
  summaries of helper functions work across modules).
- :func:`resource_graph` records the networkx resource graph of one function while
  interpreting it (for ``acl-lint graph``).
"""

from .engine import analyze_files, resource_graph  # noqa: F401
