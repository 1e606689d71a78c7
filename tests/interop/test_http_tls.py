"""TLS 1.3 and mutual TLS on `bastion serve --http` (issue 12, items 2 and 6), with certificates from
`bastion certs init`: the official client 1.30.0 over Streamable HTTP and HTTP+SSE, with TLS alone
(a loopback listener's one client) and with client certificates mapped to clients by subject; and
the refusals: TLS 1.2, no certificate, a certificate no client claims, plain HTTP to the TLS port.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

MODERN = "2026-07-28"


@pytest.fixture
def certs(bastion_bin: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "certs"
    run = subprocess.run(
        [str(bastion_bin), "certs", "init", str(directory), "--client", "full", "--client", "stranger"],
        capture_output=True, text=True, timeout=30,
    )
    assert run.returncode == 0, run.stderr
    return directory


def tls_config(write_config, certs: Path, mutual: bool) -> Path:
    client_ca = f'client_ca = "{certs}/ca.pem"' if mutual else ""
    return write_config(f"""\
        [server]
        diagnostics = true

        [transport.http]
        listen = "127.0.0.1:0"
        tls_cert = "{certs}/server.pem"
        tls_key = "{certs}/server.key"
        {client_ca}

        [[clients]]
        id = "full"
        permissions = ["file_read", "file_write"]
        auth = {{ mtls_subject = "CN=full" }}

        [[clients]]
        id = "other"
        permissions = []
        """)


def context(certs: Path, client: str | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    if client:
        ctx.load_cert_chain(str(certs / f"client-{client}.pem"), str(certs / f"client-{client}.key"))
    return ctx


def whoami(url: str, ctx: ssl.SSLContext, transport: str) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        async with asyncio.timeout(30):
            if transport == "sse":
                def factory(headers=None, timeout=None, auth=None):
                    return httpx.AsyncClient(verify=ctx, headers=headers, timeout=timeout, auth=auth)

                streams_context = sse_client(url.removesuffix("/mcp") + "/sse", httpx_client_factory=factory)
            else:
                streams_context = streamable_http_client(
                    url, http_client=httpx.AsyncClient(verify=ctx, timeout=httpx.Timeout(30, read=300))
                )
            async with streams_context as streams:
                async with ClientSession(streams[0], streams[1]) as session:
                    await session.initialize()
                    result = await session.call_tool("whoami", {})
                    return json.loads(result.content[0].text)

    try:
        return asyncio.run(main())
    except BaseExceptionGroup as group:
        while isinstance(group, BaseExceptionGroup):
            group = group.exceptions[0]
        raise group from None


@pytest.mark.parametrize("transport", ["streamable", "sse"])
def test_tls_alone_serves_the_loopback_client(http_serve, write_config, certs, transport):
    served = http_serve("--config", tls_config(write_config, certs, mutual=False), "--client", "full")
    assert served.url.startswith("https://127.0.0.1:")
    assert whoami(served.url, context(certs, None), transport)["client"] == "full"


@pytest.mark.parametrize("transport", ["streamable", "sse"])
def test_a_client_certificate_is_its_client(http_serve, write_config, certs, state_home, transport):
    served = http_serve("--config", tls_config(write_config, certs, mutual=True))
    assert whoami(served.url, context(certs, "full"), transport)["client"] == "full"
    served.stop()
    records = [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]
    assert any(r.get("event") == "session-start" and r["client"] == "full" for r in records)


def raw_tls(port: int, ctx: ssl.SSLContext, request: bytes | None = None) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
            if request is None:
                return tls.version().encode()
            tls.sendall(request)
            chunks = []
            while chunk := tls.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)


def test_tls_12_is_refused_and_13_negotiates_h2(http_serve, write_config, certs):
    served = http_serve("--config", tls_config(write_config, certs, mutual=False), "--client", "full")
    old = context(certs, None)
    old.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError):
        raw_tls(served.port, old)
    ctx = context(certs, None)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
            assert tls.version() == "TLSv1.3"
            assert tls.selected_alpn_protocol() == "h2"
    assert served.alive()


def test_without_a_client_certificate_the_handshake_fails(http_serve, write_config, certs):
    served = http_serve("--config", tls_config(write_config, certs, mutual=True))
    request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    with pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
        answer = raw_tls(served.port, context(certs, None), request)
        # TLS 1.3 reports the refusal after the handshake: nothing may come back.
        assert not answer.startswith(b"HTTP/1.1 200")
        raise ssl.SSLError("closed without an answer")
    assert raw_tls(served.port, context(certs, "full"), request).startswith(b"HTTP/1.1 200")


def test_a_certificate_no_client_claims_is_401_and_audited(http_serve, write_config, certs, state_home):
    served = http_serve("--config", tls_config(write_config, certs, mutual=True))
    body = json.dumps({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "whoami", "arguments": {}, "_meta": {
            "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}},
    }).encode()
    request = (
        b"POST /mcp HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
        b"Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
        b"Mcp-Method: tools/call\r\nMcp-Name: whoami\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    assert raw_tls(served.port, context(certs, "stranger"), request).startswith(b"HTTP/1.1 401")
    assert b'"client":"full"' in raw_tls(served.port, context(certs, "full"), request)
    served.stop()
    records = [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]
    failures = [r for r in records if r.get("event") == "auth-failure"]
    assert failures and failures[0]["credentials"] == "client-certificate"


def test_plain_http_to_the_tls_port_gets_no_answer_and_the_listener_lives(http_serve, write_config, certs):
    served = http_serve("--config", tls_config(write_config, certs, mutual=False), "--client", "full")
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        try:
            answer = sock.recv(4096)
        except ConnectionResetError:
            answer = b""
    assert not answer.startswith(b"HTTP/1.1 200")
    assert served.alive()
    assert raw_tls(served.port, context(certs, None), b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_a_non_loopback_listener_without_mutual_tls_is_refused(bastion_bin, server_env, write_config, certs, tmp_path):
    config = write_config(f"""\
        [transport.http]
        listen = "0.0.0.0:0"
        tls_cert = "{certs}/server.pem"
        tls_key = "{certs}/server.key"

        [[clients]]
        id = "local"
        permissions = ["file_read"]
        """)
    run = subprocess.run([str(bastion_bin), "serve", "--config", str(config), "--http"], env=server_env,
                         capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert run.returncode != 0
    assert "non-loopback" in run.stderr
