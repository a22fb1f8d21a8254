"""A big module is parsed piece by piece (acl_lint.static.parse): the tree equals one parse."""

from pathlib import Path

import libcst as cst

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
