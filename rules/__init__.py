"""The pyACL protocol as data (TOML) and the rule documentation (Markdown).

Shipped inside the wheel as the package ``acl_lint.rules``; read by
:mod:`acl_lint.protocol` and :mod:`acl_lint.findings`.
"""
