"""When a `continue` cannot leave a `while` loop (acl_lint/static/interp/loop_tests.py):
only when nothing the test reads can have changed before any `continue` of the loop."""

import libcst as cst
import pytest

from acl_lint.static.interp.loop_tests import continue_keeps_test


def keeps(body: str, test: str = "n - done != 0", params=("n",)) -> bool:
    src = f"def f({', '.join(params)}):\n    done = 0\n    while {test}:\n" + "".join(
        f"        {line}\n" for line in body.strip().splitlines())
    fn = cst.parse_module(src).body[0]
    loop = fn.body.body[1]
    return continue_keeps_test(loop, fn, params)


@pytest.mark.parametrize("body,test,expected", [
    ("r = step(done)\nif r:\n    continue\ndone += 1", "n - done != 0", True),  # counter after every continue
    ("done += 1\nif r:\n    continue", "n - done != 0", False),  # counter first: the continue may leave
    ("if r:\n    continue\nfor x in xs:\n    continue\ndone += 1", "n - done != 0", True),  # inner loop's continue
    ("try:\n    if r:\n        continue\nfinally:\n    done += 1", "n - done != 0", False),  # finally runs first
    ("if (done := g()):\n    continue", "n - done != 0", False),  # walrus binds the name
    ("if r:\n    continue\ndone += 1", "limit(done)", False),  # a call in the test: its value may change
    ("use(args.size)\nif r:\n    continue\ndone += 1", "args.n - done != 0", True),  # an attribute read
    ("args.advance()\nif r:\n    continue\ndone += 1", "args.n - done != 0", False),  # a method of the object
    ("advance(args)\nif r:\n    continue\ndone += 1", "args.n - done != 0", False),  # the object handed on
    ("if r:\n    break\ndone += 1", "n - done != 0", False),  # no continue: nothing to say
])
def test_continue_keeps_test(body, test, expected):
    assert keeps(body, test, ("n", "args")) is expected


def test_global_name_in_test_is_not_trusted():
    # a module global may be changed by any call: the rule is about local names only
    assert keeps("if r:\n    continue\ndone += 1", "LIMIT - done != 0") is False
