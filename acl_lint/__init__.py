"""acl-lint: a resource-lifecycle verifier for pyACL code (static and runtime)."""

__version__ = "0.1.0"
