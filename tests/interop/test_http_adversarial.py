"""Hostile HTTP against `bastion serve --http` (issue 12, "Bad input" and item 6): every refusal gets
its status (with a JSON-RPC error body on `/mcp`), is audited, and the listener keeps serving.
Raw sockets and `http.client` only, so that nothing a client library would smooth over is hidden.
"""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path
from typing import Any

import pytest

MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}


def call_body(name: str = "echo", text: str = "hi", id: int = 1) -> bytes:
    return json.dumps(
        {"jsonrpc": "2.0", "id": id, "method": "tools/call",
         "params": {"name": name, "arguments": {"text": text}, "_meta": META}}
    ).encode()


def modern_headers(method: str = "tools/call", name: str | None = "echo") -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN,
        "Mcp-Method": method,
    }
    if name is not None:
        headers["Mcp-Name"] = name
    return headers


def post(server, body: bytes, headers: dict[str, str], path: str = "/mcp", method: str = "POST"):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def audit(state_home: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]


@pytest.fixture
def served(http_serve):
    return http_serve("--diagnostics")


def still_serving(server) -> None:
    status, _, body = post(server, call_body(text="still serving"), modern_headers())
    assert status == 200, body
    assert json.loads(body)["result"]["content"][0]["text"] == "still serving"


def test_a_good_call_is_json(served):
    status, headers, body = post(served, call_body(), modern_headers())
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["result"]["content"][0]["text"] == "hi"


@pytest.mark.parametrize(
    "change, status",
    [
        ({"Accept": "application/json"}, 406),
        ({"Accept": "text/event-stream"}, 406),
        ({"Content-Type": "text/plain"}, 415),
        ({"Host": "evil.example"}, 421),
        ({"Host": "127.0.0.1.evil.example:80"}, 421),
        ({"Origin": "http://evil.example"}, 403),
    ],
)
def test_a_bad_header_is_refused_with_its_status_and_audited(served, state_home, change, status):
    headers = modern_headers() | change
    got, _, body = post(served, call_body(), headers)
    assert got == status
    error = json.loads(body)
    assert error["id"] is None and error["error"]["code"] == -32600
    still_serving(served)
    served.stop()
    assert any(r.get("event") == "http-refusal" and r.get("status") == status for r in audit(state_home))


@pytest.mark.parametrize(
    "body, headers, code",
    [
        (b"{not json", modern_headers(), -32700),
        (call_body(name="whoami"), modern_headers(name="echo"), -32020),  # Mcp-Name disagrees
        (call_body(), modern_headers(method="tools/list", name=None), -32020),  # Mcp-Method disagrees
        (call_body(), {k: v for k, v in modern_headers().items() if k != "Mcp-Method"}, -32020),
        (call_body(), modern_headers() | {"MCP-Protocol-Version": "2099-01-01"}, -32020),  # header vs _meta
    ],
)
def test_a_bad_body_or_mismatched_headers_is_a_400_json_rpc_error(served, body, headers, code):
    status, _, answer = post(served, body, headers)
    assert status == 400
    assert json.loads(answer)["error"]["code"] == code
    still_serving(served)


def test_an_unsupported_version_everywhere_is_a_400_with_the_supported_list(served):
    body = json.loads(call_body())
    body["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "2099-01-01"
    status, _, answer = post(served, json.dumps(body).encode(), modern_headers() | {"MCP-Protocol-Version": "2099-01-01"})
    assert status == 400
    error = json.loads(answer)["error"]
    assert error["code"] == -32022
    assert MODERN in error["data"]["supported"]


def test_a_notification_is_202_with_no_body(served):
    body = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}).encode()
    status, _, answer = post(served, body, modern_headers(method="notifications/initialized", name=None))
    assert status == 202
    assert answer == b""


def test_an_oversized_body_is_413_before_it_is_read(served, state_home):
    status, _, _ = post(served, call_body(text="x" * (5 << 20)), modern_headers())
    assert status == 413
    still_serving(served)


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_other_methods_on_the_modern_endpoint_are_405(served, method):
    status, headers, _ = post(served, b"", {"MCP-Protocol-Version": MODERN}, method=method)
    assert status == 405
    assert headers["Allow"] == "POST"


def test_an_unknown_path_is_404_and_healthz_is_200(served):
    assert post(served, b"", {}, path="/admin", method="GET")[0] == 404
    status, _, body = post(served, b"", {}, path="/healthz", method="GET")
    assert status == 200 and json.loads(body) == {"status": "ok"}


def test_a_token_where_none_is_configured_is_401_and_audited(served, state_home):
    status, _, body = post(served, call_body(), modern_headers() | {"Authorization": "Bearer s3cr3t-token"})
    assert status == 401
    assert "s3cr3t" not in body.decode()
    served.stop()
    log = (state_home / "bastion" / "audit.jsonl").read_text()
    assert "s3cr3t" not in log
    assert any(r.get("event") == "auth-failure" and r.get("transport") == "http" for r in audit(state_home))


def raw(server, data: bytes, timeout: float = 5) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, socket.timeout):
            pass
        return b"".join(chunks)


@pytest.mark.parametrize(
    "data",
    [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS ClientHello to a plain port
        b"GARBAGE / NOT-HTTP\r\n\r\n",
        b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n",
        b"\x00\xff" * 512,
    ],
)
def test_malformed_http_gets_a_4xx_or_a_closed_connection_and_the_listener_lives(served, data):
    answer = raw(served, data)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:80]
    assert served.alive()
    still_serving(served)


def test_oversized_headers_are_refused_and_the_listener_lives(served):
    data = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (200 << 10) + b"\r\n\r\n"
    answer = raw(served, data)
    assert not answer.startswith(b"HTTP/1.1 200"), answer[:80]
    assert served.alive()
    still_serving(served)
