"""A big module is parsed piece by piece (acl_lint.static.parse): the tree equals one parse."""

import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from acl_lint.static import parse

REPO = Path(__file__).resolve().parent.parent


def test_pieces_join_into_the_tree_of_one_parse():
    """Every file of corpus/, cut into pieces of a few hundred bytes: the same
    tree (statements, their leading comments, the module's indentation) and the same code."""
    checked = 0
    for path in sorted(REPO.glob("corpus/**/*.py")):
        text = path.read_text()
        whole = cst.parse_module(text)
        joined = parse.parse_module(text, piece_bytes=200)
        assert joined.deep_equals(whole) and joined.code == text, path
        checked += len(parse._pieces(text, 200) or ()) > 1
    assert checked > 100


def test_mixed_indentation_and_spaces_before_a_cut_fall_back_to_one_parse():
    head = "def f():\n        return 1\n\n\n"  # the file's first block: 8 spaces
    tail = "def g():\n    return 2\n"  # a later block: 4 spaces (one parse: its own indent)
    text = head + "x = 1\n" * 40 + "   \n" + tail
    joined = parse.parse_module(text, piece_bytes=50)
    assert joined.deep_equals(cst.parse_module(text)) and joined.code == text


def test_a_syntax_error_is_libcsts():
    text = "x = 1\n" * 30 + "def f(:\n"
    try:
        parse.parse_module(text, piece_bytes=20)
    except cst.ParserSyntaxError as exc:
        assert exc.raw_line == 31
    else:
        raise AssertionError("no syntax error")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim, /proc")
def test_the_memory_a_big_parse_held_goes_back_to_the_system():
    """After the parse of a big module, the resident memory is about its tree's, not also what the
    parser held (glibc keeps freed memory unless trimmed)."""
    script = (
        "import sys\nfrom acl_lint.static import parse\n"
        "def rss():\n    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * 4096 >> 20\n"
        "if sys.argv[1] == 'off': parse._TRIM.append(None)\n"
        "text = ''.join(f'def f{i}(a, b):\\n    x = acl.rt.malloc(a, b)\\n    if x is None:\\n"
        "        return [a, b, {{\"k\": {i}}}]\\n    return x\\n\\n' for i in range(8000))\n"
        "r0 = rss(); tree = parse.parse_module(text); print(rss() - r0)\n")
    grown = {}
    for mode in ("on", "off"):
        out = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        grown[mode] = int(out.stdout)
    assert grown["on"] < 0.75 * grown["off"], grown
