"""``acl-lint server`` driven end to end by a real LSP client over stdio.

The server runs as its own process (``python -m acl_lint server``), exactly as an
editor starts it; the test is the editor, on pygls's LanguageClient: it opens
documents, waits for diagnostics, asks for code actions and hover, applies the
edits and types.
"""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from test_server_units import CALLER, KEEPS, RELEASES

LEAK = textwrap.dedent("""\
    import acl


    def run(size):
        ptr, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            return None
        stream, ret = acl.rt.create_stream()
        if ret != 0:
            acl.rt.free(ptr)
            return None
        acl.rt.free(ptr)
        return 1
""")
TIMEOUT = 60  # seconds for a whole scenario (a hung server fails the test, never the suite)


class Editor(LanguageClient):
    """A client that keeps the last diagnostics per document, as an editor shows them."""

    def __init__(self, root: Path) -> None:
        super().__init__("acl-lint-test-editor", "1")
        self.root = root
        self.diagnostics: dict = {}
        self.published = asyncio.Queue()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _publish(params: lsp.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics
            self.published.put_nowait(params.uri)



def drive(tmp_path: Path, scenario) -> None:
    """Start the server process, initialize, run ``scenario(editor)``, shut down."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.acl-lint]\nignore = []\n", encoding="utf-8")

    async def main() -> None:
        client = Editor(root)
        await client.start_io(sys.executable, "-m", "acl_lint", "server")
        try:
            result = await client.initialize_async(lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(text_document=lsp.TextDocumentClientCapabilities(
                    publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True),
                    hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]))),
                root_uri=root.as_uri(),
                workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="proj")],
            ))
            assert result.server_info.name == "acl-lint"
            client.initialized(lsp.InitializedParams())
            await asyncio.wait_for(scenario(client), TIMEOUT)
            await client.shutdown_async(None)
            client.exit(None)
            assert await asyncio.wait_for(client._server.wait(), TIMEOUT) == 0  # exits when told to
        finally:
            if client._server.returncode is None:  # a failed scenario: do not wait for a goodbye
                client._server.kill()
            await client.stop()

    asyncio.run(main())


def _open(client: Editor, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
    return uri


async def _diagnostics(client: Editor, uri: str):
    """The next diagnostics published for ``uri``."""
    while await client.published.get() != uri:
        pass
    return client.diagnostics[uri]


def _apply(text: str, edits) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(pos):
        return offsets[pos.line] + pos.character  # ASCII test texts: UTF-16 == code points

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: at(e.range.start)] + e.new_text + text[at(e.range.end):]
    return text


def test_leak_diagnostic_then_noqa_action_clears_it(tmp_path):
    drive(tmp_path, _leak_diagnostic_then_noqa_action_clears_it)


async def _leak_diagnostic_then_noqa_action_clears_it(client: Editor):
    path = client.root / "app.py"
    uri = _open(client, path, LEAK)
    diags = await _diagnostics(client, uri)
    leaks = [d for d in diags if d.code == "ACL101"]
    assert len(leaks) == 1, diags
    leak = leaks[0]
    assert leak.source == "acl-lint"
    assert leak.severity == lsp.DiagnosticSeverity.Error
    assert leak.range.start.line == 7  # the acquire site: `stream, ret = acl.rt.create_stream()`
    assert "stream `stream` from acl.rt.create_stream" in leak.message
    related = leak.related_information
    assert related and related[0].location.uri == uri
    assert [r.location.range.start.line for r in related][0] == 7
    assert any("returns here" in r.message and r.location.range.start.line == 12 for r in related)

    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=7, character=20)))
    assert hover is not None and "ACL101 resource-leak" in hover.contents.value
    assert "## What it does" in hover.contents.value or "What it does" in hover.contents.value

    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=leak.range,
        context=lsp.CodeActionContext(diagnostics=[leak])))
    titles = [a.title for a in actions]
    assert titles == ["Suppress ACL101 with `# noqa: ACL101`"]
    edits = actions[0].edit.changes[uri]
    new_text = _apply(LEAK, edits)
    assert new_text.splitlines()[7] == "    stream, ret = acl.rt.create_stream()  # noqa: ACL101"

    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=new_text)]))
    diags = await _diagnostics(client, uri)
    assert [d for d in diags if d.code == "ACL101"] == []


def test_edit_in_helper_relints_the_open_caller(tmp_path):
    drive(tmp_path, _edit_in_helper_relints_the_open_caller)


async def _edit_in_helper_relints_the_open_caller(client: Editor):
    """Cross-file: the caller's finding depends on the helper module's release function."""
    helper_text = RELEASES
    caller_text = CALLER
    helper_path = client.root / "helpers.py"
    helper_path.write_text(helper_text, encoding="utf-8")
    caller = _open(client, client.root / "caller.py", caller_text)
    assert [d.code for d in await _diagnostics(client, caller)] == []
    helper = _open(client, helper_path, helper_text)
    await _diagnostics(client, helper)
    # the helper stops releasing (unsaved edit): the open caller now leaks
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=helper, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(
            text=KEEPS)]))
    while not any(d.code == "ACL101" for d in await _diagnostics(client, caller)):
        pass  # the caller's diagnostics published along with the helper's earlier ones
    assert [d.code for d in client.diagnostics[caller]] == ["ACL101"]
    assert client.diagnostics[caller][0].range.start.line == 5


def _project(client: Editor, name: str, table: str) -> Path:
    sub = client.root / name
    sub.mkdir()
    (sub / "pyproject.toml").write_text(f"[tool.acl-lint]\n{table}\n", encoding="utf-8")
    return sub


def test_config_error_is_a_diagnostic_not_a_crash(tmp_path):
    drive(tmp_path, _config_error_is_a_diagnostic_not_a_crash)


async def _config_error_is_a_diagnostic_not_a_crash(client: Editor):
    uri = _open(client, _project(client, "broken", "select = ['ACL9']") / "x.py", LEAK)
    diags = await _diagnostics(client, uri)
    assert len(diags) == 1 and "configuration error" in diags[0].message and "ACL9" in diags[0].message
    # the server is still alive
    ok = _open(client, client.root / "ok.py", LEAK)
    assert any(d.code == "ACL101" for d in await _diagnostics(client, ok))


def test_project_config_applies(tmp_path):
    drive(tmp_path, _project_config_applies)


async def _project_config_applies(client: Editor):
    uri = _open(client, _project(client, "quiet", "ignore = ['ACL101']") / "x.py", LEAK)
    assert [d for d in await _diagnostics(client, uri) if d.code == "ACL101"] == []


def test_typing_is_debounced(tmp_path):
    drive(tmp_path, _typing_is_debounced)


async def _typing_is_debounced(client: Editor):
    uri = _open(client, client.root / "typing.py", LEAK)
    await _diagnostics(client, uri)
    for version in range(2, 7):  # five keystrokes in quick succession
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=LEAK + "#" * version + "\n")]))
    assert any(d.code == "ACL101" for d in await _diagnostics(client, uri))  # one lint, of the last text
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.published.get(), 1.0)
