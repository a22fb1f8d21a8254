"""``acl-lint server`` driven end to end by a real LSP client (pytest-lsp) over stdio.

The server runs as its own process (``python -m acl_lint server``), exactly as an
editor starts it; the test is the editor: it opens documents, waits for
diagnostics, asks for code actions and hover, applies the edits and types.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp needs Python >= 3.10")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from test_server_units import CALLER, KEEPS, RELEASES  # noqa: E402

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


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "acl_lint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    (root / "pyproject.toml").write_text("[tool.acl-lint]\nignore = []\n", encoding="utf-8")
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="proj")],
    ))
    lsp_client.root = root
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
    return uri


async def _diagnostics(client: LanguageClient, uri: str):
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
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


@pytest.mark.asyncio
async def test_leak_diagnostic_then_noqa_action_clears_it(client: LanguageClient):
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


@pytest.mark.asyncio
async def test_edit_in_helper_relints_the_open_caller(client: LanguageClient):
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
    for _ in range(5):
        await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if any(d.code == "ACL101" for d in client.diagnostics.get(caller, [])):
            break
    assert [d.code for d in client.diagnostics[caller]] == ["ACL101"]
    assert client.diagnostics[caller][0].range.start.line == 5


def _project(client: LanguageClient, name: str, table: str) -> Path:
    sub = client.root / name
    sub.mkdir()
    (sub / "pyproject.toml").write_text(f"[tool.acl-lint]\n{table}\n", encoding="utf-8")
    return sub


@pytest.mark.asyncio
async def test_config_error_is_a_diagnostic_not_a_crash(client: LanguageClient):
    uri = _open(client, _project(client, "broken", "select = ['ACL9']") / "x.py", LEAK)
    diags = await _diagnostics(client, uri)
    assert len(diags) == 1 and "configuration error" in diags[0].message and "ACL9" in diags[0].message
    # the server is still alive
    ok = _open(client, client.root / "ok.py", LEAK)
    assert any(d.code == "ACL101" for d in await _diagnostics(client, ok))


@pytest.mark.asyncio
async def test_project_config_applies(client: LanguageClient):
    uri = _open(client, _project(client, "quiet", "ignore = ['ACL101']") / "x.py", LEAK)
    assert [d for d in await _diagnostics(client, uri) if d.code == "ACL101"] == []
