"""``python -m acl_lint``: the same as the ``acl-lint`` command."""

import sys

from .cli import main

sys.exit(main())
