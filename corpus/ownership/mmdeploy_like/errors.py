"""Error type and the status check of the mmdeploy_like package."""


class Error(Exception):
    """Acl Exception."""


def _check(code, msg):
    if code != 0:
        raise Error(msg, code)
