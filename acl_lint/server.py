"""``acl-lint server``: the language server (LSP over stdio, on pygls 2).

What an editor gets:

* diagnostics for every open Python document on open, on save and (debounced,
  :data:`DEBOUNCE` seconds) while typing, with the settings of the project the
  file belongs to and the project's other files resolved as on the command line;
  results are kept per project, and an edit re-analyses the document and the open
  documents that depend on it (:mod:`acl_lint.workspace`);
* the leaking path as related information (acquire site, steps, exit);
* hover on a diagnostic: the rule's documentation (``acl-lint rule CODE``);
* code actions: the finding's fix where it carries one (``finding.fix``, the
  JSON shape ``{"applicability", "message", "edits": [{"content", "location":
  {"row", "column"}, "end_location": {...}}]}``, rows and columns 1-based), and
  "suppress with ``# noqa: CODE``".
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence, Tuple

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .config import ConfigError
from .findings import FileError, Finding, registry
from .ruledoc import rule_text
from .workspace import Projects, noqa_line

DEBOUNCE = 0.3  # seconds of quiet typing before a changed document is re-linted
SOURCE = "acl-lint"
NOT_NOQA = frozenset({"ACL001", "ACL002"})  # unreadable file; unused suppression (remove it instead)
CONFIG_NAMES = ("pyproject.toml", "acl-lint.toml")
log = logging.getLogger("acl_lint.server")


# --- positions ---------------------------------------------------------------------


def _utf16(line: str, col0: int) -> int:
    """A 0-based code-point column as LSP's UTF-16 offset."""
    head = line[:col0]
    return col0 if head.isascii() else len(head.encode("utf-16-le")) // 2


def _position(lines: Sequence[str], line: int, column: int) -> lsp.Position:
    """1-based line and column (code points) -> LSP position."""
    row = max(line - 1, 0)
    text = lines[row] if row < len(lines) else ""
    return lsp.Position(line=row, character=_utf16(text, max(column - 1, 0)))


def _range(lines: Sequence[str], line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
    start = _position(lines, line, column)
    if end_line < line or (end_line == line and end_column <= column):
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        end = lsp.Position(line=start.line, character=_utf16(text, len(text)))  # the rest of the line
    else:
        end = _position(lines, end_line, end_column)
    return lsp.Range(start=start, end=end)


# --- findings -> diagnostics ----------------------------------------------------------


def _lines_of(path: str, texts: Dict[str, List[str]], read) -> List[str]:
    if path not in texts:
        text = read(path)
        texts[path] = text.splitlines() if text else []
    return texts[path]


def diagnostic(f: Finding, lines: Sequence[str], read=None) -> lsp.Diagnostic:
    """One finding as an LSP diagnostic; the fix (if any) travels in ``data``."""
    texts: Dict[str, List[str]] = {f.path: list(lines)}
    related = []
    for r in f.related:
        rl = _lines_of(r.path, texts, read) if read is not None or r.path == f.path else []
        pos = _position(rl, r.line, r.column)
        related.append(lsp.DiagnosticRelatedInformation(
            location=lsp.Location(uri=from_fs_path(r.path), range=lsp.Range(start=pos, end=pos)),
            message=r.message,
        ))
    data: Dict[str, Any] = {"code": f.code}
    fix = getattr(f, "fix", None)
    if fix:
        data["fix"] = fix
    return lsp.Diagnostic(
        range=_range(lines, f.line, f.column, f.end_line, f.end_column),
        message=f.message,
        severity=lsp.DiagnosticSeverity.Error if f.effective_severity == "error" else lsp.DiagnosticSeverity.Warning,
        code=f.code,
        source=SOURCE,
        related_information=related or None,
        tags=[lsp.DiagnosticTag.Unnecessary] if f.code == "ACL002" else None,
        data=data,
    )


def error_diagnostic(message: str) -> lsp.Diagnostic:
    """A problem of ours (configuration, internal error): shown on the first line."""
    return lsp.Diagnostic(
        range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
        message=f"acl-lint: {message}",
        severity=lsp.DiagnosticSeverity.Error,
        source=SOURCE,
    )


# --- code actions and hover -------------------------------------------------------------


def fix_edit(uri: str, lines: Sequence[str], fix: Dict[str, Any]) -> lsp.WorkspaceEdit:
    """A finding's fix (Ruff's JSON shape, 1-based rows and columns) as a WorkspaceEdit."""
    edits = []
    for e in fix.get("edits", []):
        start, end = e["location"], e["end_location"]
        edits.append(lsp.TextEdit(
            range=lsp.Range(start=_position(lines, start["row"], start["column"]),
                            end=_position(lines, end["row"], end["column"])),
            new_text=e.get("content", ""),
        ))
    return lsp.WorkspaceEdit(changes={uri: edits})


def noqa_edit(uri: str, text: str, line: int, code: str) -> lsp.WorkspaceEdit:
    """``# noqa: CODE`` for a finding at 1-based ``line`` (see workspace.noqa_line)."""
    target, new = noqa_line(text, line, code)
    lines = text.splitlines()
    old = lines[target - 1] if 0 < target <= len(lines) else ""
    rng = lsp.Range(start=lsp.Position(line=target - 1, character=0),
                    end=lsp.Position(line=target - 1, character=_utf16(old, len(old))))
    return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=rng, new_text=new)]})


def code_actions(uri: str, text: str, diagnostics: Sequence[lsp.Diagnostic]) -> List[lsp.CodeAction]:
    """The fix (when the finding carries one) and the noqa suppression, per diagnostic."""
    lines = text.splitlines()
    fixes, noqas = [], []
    for d in diagnostics:
        if d.source != SOURCE or not isinstance(d.code, str) or d.code not in registry():
            continue
        fix = d.data.get("fix") if isinstance(d.data, dict) else None
        if fix:
            safe = fix.get("applicability") == "safe"
            fixes.append(lsp.CodeAction(
                title=(fix.get("message") or f"Fix {d.code}") + ("" if safe else " (unsafe)"),
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[d],
                is_preferred=safe,
                edit=fix_edit(uri, lines, fix),
            ))
        if d.code in NOT_NOQA:
            continue
        noqas.append(lsp.CodeAction(
            title=f"Suppress {d.code} with `# noqa: {d.code}`",
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[d],
            edit=noqa_edit(uri, text, d.range.start.line + 1, d.code),
        ))
    return fixes + noqas


def _contains(r: lsp.Range, p: lsp.Position) -> bool:
    return (r.start.line, r.start.character) <= (p.line, p.character) <= (r.end.line, r.end.character)


def hover_text(diagnostics: Sequence[lsp.Diagnostic], position: lsp.Position) -> Optional[str]:
    """The documentation of the rules of the diagnostics under the cursor."""
    codes: List[str] = []
    for d in diagnostics:
        if isinstance(d.code, str) and d.code in registry() and _contains(d.range, position) and d.code not in codes:
            codes.append(d.code)
    if not codes:
        return None
    return "\n\n---\n\n".join(f"```text\n{rule_text(registry()[c])}```" for c in codes)


# --- the server ------------------------------------------------------------------------------


class AclLintServer(LanguageServer):
    """pygls server with the per-project state and the last diagnostics per document."""

    def __init__(self) -> None:
        super().__init__("acl-lint", __version__)
        self.projects = Projects()
        self.published: Dict[str, List[lsp.Diagnostic]] = {}
        self.pending: Dict[str, asyncio.Task] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acl-lint")  # one analysis at a time


server = AclLintServer()


def _use_workspace_folders(ls: AclLintServer) -> None:
    """Files outside any project with a [tool.acl-lint] belong to their workspace folder."""
    folders = [to_fs_path(f.uri) for f in (ls.workspace.folders or {}).values()]
    if not folders and ls.workspace.root_path:
        folders = [ls.workspace.root_path]
    ls.projects = Projects([f for f in folders if f])


@server.feature(lsp.INITIALIZED)
def _initialized(ls: AclLintServer, params: lsp.InitializedParams) -> None:
    _use_workspace_folders(ls)


@server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def _folders_changed(ls: AclLintServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
    _use_workspace_folders(ls)
    for uri in list(ls.workspace.text_documents):
        _schedule(ls, uri, 0.0)


def _path(uri: str) -> Optional[str]:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return os.path.abspath(path) if path else None


def _lint_now(ls: AclLintServer, uri: str, source: str) -> Dict[str, Tuple[str, List[lsp.Diagnostic]]]:
    """Runs in the analysis thread: diagnostics for the document and its open dependents."""
    path = _path(uri)
    if path is None or not path.endswith((".py", ".pyi")):
        return {}
    try:
        project = ls.projects.for_path(path)
    except ConfigError as exc:
        return {uri: (source, [error_diagnostic(f"configuration error: {exc}")])}
    if project.excluded(path):
        return {uri: (source, [])}
    if path not in project.files():
        project.forget_files()  # a new module: imports may resolve to it now
    project.overlay[path] = source
    targets = [path] + project.dependents(path)
    results = project.lint(targets)
    out = {}
    for p, (findings, errors) in results.items():
        text = project.text(p) or ""
        lines = text.splitlines()
        diags = [diagnostic(f, lines, project.text) for f in findings]
        diags += [error_diagnostic(_error_text(e)) for e in errors]
        out[uri if p == path else from_fs_path(p)] = (text, diags)
    log.info("linted %s (%d analysed in total)", path, project.analysed)
    return out


def _error_text(e: FileError) -> str:
    return f"{e.message}" + (f" (in {e.function})" if e.function else "")


async def _lint(ls: AclLintServer, uri: str, delay: float = 0.0) -> None:
    if delay:
        await asyncio.sleep(delay)
    loop = asyncio.get_running_loop()
    if uri not in ls.workspace.text_documents:
        return  # closed meanwhile
    source = ls.workspace.get_text_document(uri).source
    try:
        results = await loop.run_in_executor(ls.pool, _lint_now, ls, uri, source)
    except Exception as exc:  # noqa: BLE001 - a crash becomes a diagnostic, never a dead server
        from .lint import _internal

        results = {uri: ("", [error_diagnostic(_internal(exc))])}
    for doc_uri, (_text, diags) in results.items():
        if doc_uri != uri and doc_uri not in ls.workspace.text_documents:
            continue
        ls.published[doc_uri] = diags
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=doc_uri, diagnostics=diags))


def _schedule(ls: AclLintServer, uri: str, delay: float) -> None:
    old = ls.pending.pop(uri, None)
    if old is not None and not old.done():
        old.cancel()
    ls.pending[uri] = asyncio.ensure_future(_lint(ls, uri, delay))


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: AclLintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    _schedule(ls, params.text_document.uri, 0.0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: AclLintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    _schedule(ls, params.text_document.uri, DEBOUNCE)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: AclLintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = _path(uri) or ""
    if os.path.basename(path) in CONFIG_NAMES:
        ls.projects.reset()
        for open_uri in list(ls.workspace.text_documents):
            _schedule(ls, open_uri, 0.0)
        return
    _schedule(ls, uri, 0.0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: AclLintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = _path(uri)
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    for project in ls.projects.all():
        project.overlay.pop(path, None)
    ls.published.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix], resolve_provider=False),
)
def _code_action(ls: AclLintServer, params: lsp.CodeActionParams) -> List[lsp.CodeAction]:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    return code_actions(uri, doc.source, params.context.diagnostics)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def _hover(ls: AclLintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
    text = hover_text(ls.published.get(params.text_document.uri, []), params.position)
    if text is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def main(argv: Sequence[str] = ()) -> int:
    """``acl-lint server [--log-file FILE]``: serve LSP on stdin/stdout until the client exits."""
    import argparse

    p = argparse.ArgumentParser(prog="acl-lint server",
                                description="Language server (LSP over stdin/stdout) for editors.")
    p.add_argument("--log-file", metavar="FILE", help="write the server's log to FILE")
    args = p.parse_args(list(argv))
    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.INFO,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol stream
    server.start_io(sys.stdin.buffer, out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
