"""Read source files: bytes -> text, or a one-line reason why not (ACL001).

Decoding follows Python itself: a UTF-8 BOM, else a PEP 263 coding line in
the first two lines, else UTF-8. Every failure is a reason a user can act on;
nothing here raises for a bad file.
"""

from __future__ import annotations

import ast
import errno
import io
import os
import re
import stat
import tokenize
from typing import List, Optional, Tuple

from .findings import Finding

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024


class SourceError(Exception):
    """A file that cannot be turned into text; ``line``/``column`` are 1-based."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"


def _line_col(data: bytes, offset: int) -> Tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def decode_source(data: bytes) -> str:
    """Decode source bytes like the interpreter does; raise SourceError on failure."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise SourceError(
            f"contains a NUL byte at line {line}, column {col} (byte offset {nul}): not a Python source file",
            line,
            col,
        )
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        msg = str(getattr(exc, "msg", "") or exc)
        if "invalid or missing encoding declaration" not in msg:
            # unknown encoding in the coding line, or a BOM that contradicts it
            if data.startswith(b"\xef\xbb\xbf") and "encoding problem" in msg:
                msg = "the UTF-8 byte-order mark contradicts the coding line"
            raise SourceError(f"bad encoding declaration: {msg}", exc.lineno or 1, 1) from None
        encoding = "utf-8"  # non-UTF-8 bytes in the first two lines: say where
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        declared = "declared " if encoding not in ("utf-8", "utf-8-sig") else ""
        fix = (
            "fix the coding line or re-save the file in that encoding"
            if declared
            else "re-save it as UTF-8 or add a coding line (PEP 263)"
        )
        raise SourceError(
            f"cannot decode as {declared}{_pretty_encoding(encoding)}: byte 0x{bad} at line {line}, "
            f"column {col} (byte offset {exc.start}); {fix}",
            line,
            col,
        ) from None
    except LookupError:  # pragma: no cover - detect_encoding already checks the codec
        raise SourceError(f"unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    # the tokenizer sees universal newlines; so do we
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _pretty_encoding(encoding: str) -> str:
    return "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def not_regular(mode: int) -> Optional[str]:
    """What a non-regular file is ("a named pipe (FIFO)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def open_regular(path: str):
    """Open a file for reading in binary mode, refusing anything but a regular file without
    blocking on it (opening a FIFO for reading waits for a writer forever). Raises SourceError
    for a non-regular file and OSError as open() does."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        what = not_regular(os.fstat(fd).st_mode)
        if what is not None:
            raise SourceError(f"is {what}, not a regular file: not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_source(path: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> str:
    """Read and decode one file; raise SourceError with a one-line reason."""
    try:
        if os.path.isdir(path):
            raise SourceError("is a directory, not a Python file")
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if max_size and size > max_size:
                raise SourceError(
                    f"file is {_size(size)}, larger than max-file-size ({_size(max_size)}); "
                    "raise max-file-size in [tool.acl-lint] or exclude the file"
                )
            data = fh.read(max_size + 1 if max_size else -1)
    except SourceError:
        raise
    except FileNotFoundError:
        if os.path.islink(path):
            raise SourceError(f"broken symbolic link: its target {os.readlink(path)!r} does not exist") from None
        raise SourceError("file vanished before it could be read (no such file)") from None
    except IsADirectoryError:
        raise SourceError("is a directory, not a Python file") from None
    except PermissionError:
        raise SourceError("cannot read: permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceError("symbolic link loop: the link points (through others) back at itself") from None
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    if max_size and len(data) > max_size:  # grew while we looked
        raise SourceError(f"file is larger than max-file-size ({_size(max_size)})")
    return decode_source(data)


def parse_error_finding(path: str, reason: str, line: int = 1, column: int = 1) -> Finding:
    """The ACL001 finding for a file that could not be read or parsed."""
    line = max(1, int(line or 1))
    column = max(1, int(column or 1))
    return Finding(
        code="ACL001",
        message=reason,
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column + 1,
        function="<module>",
    )


def syntax_error_finding(path: str, text: str, line: int, column: int, message: str = "") -> Finding:
    """ACL001 for a file the parser rejected, located and worded by CPython.

    libcst reports the token after the error (often the next line) with a
    long "expected one of ..." list; CPython's own parser gives the right line
    and a short message ("expected ':'", "'(' was never closed"), so it is
    preferred whenever it also rejects the text. A Python 2 construct is named.
    For the engine::

        except libcst.ParserSyntaxError as e:
            return syntax_error_finding(path, text, e.raw_line, e.raw_column + 1, e.message)
    """
    reason = ""
    try:
        compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        first = (message or "invalid syntax").strip().splitlines()[0]
        reason = f"cannot parse (syntax newer than the parser supports?): {first}"
    except SyntaxError as exc:
        if exc.lineno:
            line = exc.lineno
            column = exc.offset or 1
        message = exc.msg or message
    except Exception:  # noqa: BLE001 - RecursionError, MemoryError: keep libcst's position
        pass
    if not reason:
        hint = describe_syntax_error(text, line)
        first = (message or "invalid syntax").strip().splitlines()[0] if (message or "").strip() else "invalid syntax"
        reason = hint or f"syntax error: {first}"
    return parse_error_finding(path, reason, line, column)


#: CPython's own messages for input nested beyond its limits (200 brackets, 100 indentation levels,
#: its parser stack): libcst's native parser has no such guard and overflows its stack on them
_TOO_NESTED = ("too many nested parentheses", "too many levels of indentation", "too complex",
               "too many statically nested blocks")


def parse_guard(path: str, text: str) -> Optional[Finding]:
    """ACL001 for a text CPython's own parser rejects, before libcst sees it; None when it parses.

    libcst's native parser crashes the whole process (a stack overflow, not an exception) on
    input nested deeper than CPython accepts: 1,300 nested parentheses, a chain of 20,000
    unary operators. CPython rejects such input cleanly, and Python could not run the file
    either, so nothing is lost by not handing it to libcst. Other syntax errors are left to
    libcst (it may accept grammar newer than the running Python's)."""
    try:
        compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return None
    except SyntaxError as exc:
        msg = exc.msg or "invalid syntax"
        line, col = exc.lineno or 1, exc.offset or 1
        if any(m in msg for m in _TOO_NESTED):
            return parse_error_finding(path, f"nested too deeply to analyse: {msg} (Python's own parser rejects "
                                             "it too, so the file cannot run)", line, col)
        return None
    except (RecursionError, MemoryError) as exc:
        return parse_error_finding(path, f"nested too deeply to analyse: Python's own parser stops with "
                                         f"{type(exc).__name__} (an expression or statement nested or chained "
                                         "thousands of levels deep), so the file cannot run")
    except ValueError:  # pragma: no cover - NUL bytes are rejected when reading
        return None


# --- Python 2 detection ---------------------------------------------------

_PY2_PATTERNS: List[Tuple[re.Pattern, str]] = [
    (re.compile(r"^\s*print\s*>>"), "print >>file statement; use print(..., file=f)"),
    (
        re.compile(r"^\s*print(?:\s+(?![\s=(.\[,)+*/%-])|\s*[\"'])"),
        "print statement; use print(...)",
    ),
    (re.compile(r"^\s*print\s*$"), "print statement; use print()"),
    (re.compile(r"^\s*exec\s+[\"'\w]"), "exec statement; use exec(...)"),
    (
        re.compile(r"^\s*except\s+(?:\([^)]*\)|[\w.]+)\s*,\s*\w+\s*:"),
        "'except X, e:'; use 'except X as e:'",
    ),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), "'raise E, msg'; use 'raise E(msg)'"),
    (re.compile(r"(?i)(?<![\w])ur[\"']"), "ur'' string prefix; use r'' or u''"),
    (re.compile(r"(?<![\w.])0[0-7]+(?![\w.])"), "old octal literal like 0777; use 0o777"),
    (re.compile(r"(?<![\w.])\d+[lL](?!\w)"), "long integer suffix like 10L; drop the L"),
    (re.compile(r"<>"), "'<>' operator; use '!='"),
    (re.compile(r"`"), "backtick repr; use repr(...)"),
]


def _strip_strings_and_comment(line: str) -> str:
    """Blank out string literals and the comment of one line (roughly)."""
    out = []
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                out.append("  ")
                i += 2
                continue
            if line.startswith(quote, i):
                out.append(quote)
                i += len(quote)
                quote = ""
                continue
            out.append(" ")
        elif ch in "\"'":
            quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else ch
            out.append(quote)
            i += len(quote)
            continue
        elif ch == "#":
            break
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def python2_hint(text: str, lineno: int) -> Optional[str]:
    """The Python 2 construct on or next to ``lineno``, or None."""
    lines = text.splitlines()
    for ln in (lineno, lineno - 1, lineno + 1):
        if not 1 <= ln <= len(lines):
            continue
        raw = lines[ln - 1]
        code = _strip_strings_and_comment(raw)
        for pattern, hint in _PY2_PATTERNS:
            # prefix and print patterns need the quotes, which stripping keeps
            if pattern.search(code):
                return f"line {ln}: {hint}"
    return None


def describe_syntax_error(text: str, lineno: int) -> str:
    """The Python 2 construct at or next to a syntax error, or "" if none.

    Names print statements, ``except X, e``, backticks, ``0777``, ``ur''``,
    ``<>``, ``10L``, exec statements and ``raise E, msg``, e.g. "Python 2
    code: print statement on line 3 (use print(...)); acl-lint checks Python 3".
    """
    hint = python2_hint(text, lineno)
    if not hint:
        return ""
    where, _, what = hint.partition(": ")
    construct, _, fix = what.partition("; ")
    return f"Python 2 code: {construct} on {where} ({fix}); acl-lint checks Python 3"


_ACL_END = re.compile(r"acl(?!\w)")
_WORD_OR_DOT = re.compile(r"[\w.]")


def mentions_acl(text: str) -> bool:
    """The prefilter: does the text name `acl` as a word, not after a dot (`import acl`,
    `acl.rt`, `acl as x`)? Files that do not are never parsed. Several times faster than
    one regular expression on files full of "metaclass" and "dataclass"."""
    if "acl" not in text:
        return False
    for m in _ACL_END.finditer(text):
        i = m.start()
        if i == 0 or not _WORD_OR_DOT.match(text, i - 1):
            return True
    return False
