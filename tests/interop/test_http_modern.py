"""The official Python `mcp` client 2.3.0 (`.venv-modern`) against `bastion serve --http` (issue 12,
items 1 and 6): Streamable HTTP at 2026-07-28 — one POST per request, `auto` mode probing
`server/discover`, a pinned client, progress over SSE, files written and read back, concurrent
calls — each request audited as the loopback client over `http`. Skipped under 1.30.0;
`scripts/test` runs this file with the 2.x venv.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

mcp = pytest.importorskip("mcp")
try:
    from mcp.client import Client
except ImportError:  # mcp 1.x
    pytest.skip("needs the mcp 2.x client (scripts/test runs it from .venv-modern)", allow_module_level=True)

MODERN = "2026-07-28"


def first_leaf_error(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


def audit(state_home: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]


@pytest.fixture
def served(http_serve, full_config):
    return http_serve("--config", full_config, "--client", "full")


@pytest.fixture
def connect(served):
    def run(body: Callable[[Any], Awaitable[Any]], mode: str = "auto", **kwargs: Any) -> Any:
        async def main() -> Any:
            async with asyncio.timeout(30):
                async with Client(served.url, mode=mode, **kwargs) as client:
                    return await body(client)

        try:
            return asyncio.run(main())
        except BaseExceptionGroup as group:
            raise first_leaf_error(group) from None

    return run


def test_auto_mode_is_modern_over_http_and_audited_as_the_loopback_client(connect, served, state_home):
    async def body(client):
        tools = await client.list_tools()
        echoed = await client.call_tool("echo", {"text": "over http"})
        return client.protocol_version, client.server_info, {t.name for t in tools.tools}, echoed

    version, info, names, echoed = connect(body)
    assert version == MODERN
    assert info.name == "bastion"
    assert {"echo", "read_text_file", "write_file"} <= names
    assert not echoed.is_error and echoed.content[0].text == "over http"
    served.stop()
    records = audit(state_home)
    assert not any(r.get("method") == "initialize" for r in records)
    calls = [r for r in records if r.get("method") == "tools/call"]
    assert calls and all(r["transport"] == "http" and r["client"] == "full" for r in calls)
    assert all(r.get("protocol") == MODERN for r in calls)
    assert not any(r.get("event") == "session-start" for r in records)  # stateless: no session


def test_a_pinned_client_needs_no_probe(connect):
    async def body(client):
        return client.protocol_version, (await client.call_tool("echo", {"text": "pinned"})).content[0].text

    assert connect(body, mode=MODERN) == (MODERN, "pinned")


def test_progress_arrives_over_sse_before_the_answer(connect):
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async def body(client):
        return await client.call_tool("sleep", {"ms": 400}, progress_callback=on_progress)

    result = connect(body)
    assert not result.is_error
    assert seen and seen == sorted(seen)


def test_a_file_written_over_http_is_read_back(connect, state_home):
    async def body(client):
        wrote = await client.call_tool("write_file", {"path": "http.txt", "content": "hello over http\n"})
        read = await client.call_tool("read_text_file", {"path": "http.txt"})
        return wrote, read

    wrote, read = connect(body)
    assert not wrote.is_error, wrote
    assert "hello over http" in read.content[0].text
    assert (state_home / "bastion" / "clients" / "full" / "http.txt").read_text() == "hello over http\n"


def test_concurrent_calls_each_get_their_own_answer(connect):
    async def body(client):
        return await asyncio.gather(*(client.call_tool("echo", {"text": f"n{i}"}) for i in range(40)))

    results = connect(body)
    assert [r.content[0].text for r in results] == [f"n{i}" for i in range(40)]


def test_an_unknown_tool_is_an_error_and_the_server_keeps_serving(connect):
    async def body(client):
        try:
            missing = await client.call_tool("no_such_tool", {})
        except Exception as error:  # noqa: BLE001 - the SDK raises McpError for -32602
            missing = error
        after = await client.call_tool("echo", {"text": "still here"})
        return missing, after

    missing, after = connect(body)
    assert isinstance(missing, Exception) or missing.is_error
    assert after.content[0].text == "still here"


def test_legacy_mode_gets_a_handshake_session_over_the_same_endpoint(connect, served, state_home):
    async def body(client):
        return client.protocol_version, (await client.call_tool("echo", {"text": "handshake"})).content[0].text

    version, text = connect(body, mode="legacy")
    assert version == "2025-11-25"
    assert text == "handshake"
    served.stop()
    records = audit(state_home)
    assert any(r.get("event") == "session-start" and r["transport"] == "http" for r in records)
    assert any(r.get("method") == "initialize" for r in records)


def test_mutual_tls_with_the_2x_client(http_serve, write_config, bastion_bin, tmp_path, state_home):
    import ssl
    import subprocess

    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    certs = tmp_path / "certs"
    made = subprocess.run([str(bastion_bin), "certs", "init", str(certs), "--client", "full"],
                          capture_output=True, text=True, timeout=30)
    assert made.returncode == 0, made.stderr
    config = write_config(f"""\
        [server]
        diagnostics = true

        [transport.http]
        listen = "127.0.0.1:0"
        tls_cert = "{certs}/server.pem"
        tls_key = "{certs}/server.key"
        client_ca = "{certs}/ca.pem"

        [[clients]]
        id = "full"
        permissions = ["file_read"]
        auth = {{ mtls_subject = "CN=full" }}
        """)
    served = http_serve("--config", config)
    ctx = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    ctx.load_cert_chain(str(certs / "client-full.pem"), str(certs / "client-full.key"))

    async def main():
        async with asyncio.timeout(30):
            transport = streamable_http_client(served.url, http_client=httpx2.AsyncClient(verify=ctx))
            async with Client(transport, mode="auto") as client:
                who = await client.call_tool("whoami", {})
                return client.protocol_version, json.loads(who.content[0].text)

    try:
        version, who = asyncio.run(main())
    except BaseExceptionGroup as group:
        raise first_leaf_error(group) from None
    assert version == MODERN
    assert who["client"] == "full"
    served.stop()
    calls = [r for r in audit(state_home) if r.get("method") == "tools/call"]
    assert calls and calls[0]["client"] == "full" and calls[0]["protocol"] == MODERN


def test_signed_requests_with_the_2x_client(http_serve, write_config, tmp_path, state_home):
    """RFC 9421 signed requests from the official 2.3.0 client, through the httpx Auth signer."""
    import base64

    import httpx2
    from http_signing import SignedRequests
    from mcp.client.streamable_http import streamable_http_client

    secret = bytes(range(32))
    key_file = tmp_path / "signer.key"
    key_file.write_text(f"hmac-sha256:{base64.b64encode(secret).decode()}\n")
    key_file.chmod(0o600)
    config = write_config(f"""\
        [server]
        diagnostics = true

        [[clients]]
        id = "signer"
        permissions = []
        auth = {{ signature_key_file = "{key_file}" }}
        """)
    served = http_serve("--config", config)

    async def main(auth):
        async with asyncio.timeout(30):
            transport = streamable_http_client(served.url, http_client=httpx2.AsyncClient(auth=auth))
            async with Client(transport, mode="auto") as client:
                who = await client.call_tool("whoami", {})
                return client.protocol_version, json.loads(who.content[0].text)

    try:
        version, who = asyncio.run(main(SignedRequests("signer", "hmac-sha256", secret)))
    except BaseExceptionGroup as group:
        raise first_leaf_error(group) from None
    assert version == MODERN
    assert who["client"] == "signer"
    # The same client with the wrong secret is refused, and the server goes on serving.
    with pytest.raises(BaseException):
        asyncio.run(main(SignedRequests("signer", "hmac-sha256", bytes(32))))
    assert asyncio.run(main(SignedRequests("signer", "hmac-sha256", secret)))[1]["client"] == "signer"
    served.stop()
    records = audit(state_home)
    assert any(r.get("event") == "auth-failure" for r in records)
    calls = [r for r in records if r.get("method") == "tools/call"]
    assert calls and all(r["client"] == "signer" and r["transport"] == "http" for r in calls)

