"""Signed requests on `bastion serve --http` (issue 12, items 3 and 6): RFC 9421 signatures with
RFC 9530 `Content-Digest`, ed25519 and hmac-sha256 keys per client. The official client 1.30.0
signs every request through an `httpx.Auth` (tests/interop/http_signing.py) and works; a replayed,
stale, tampered, unsigned or wrongly keyed request is 401, audited without its signature, and the
server keeps serving the others.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from http_signing import SignedRequests
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

MODERN = "2026-07-28"
HMAC_SECRET = os.urandom(32)


class Keys:
    def __init__(self) -> None:
        self.ed = ed25519.Ed25519PrivateKey.generate()
        self.ed_private = self.ed.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        self.ed_public = self.ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


@pytest.fixture
def signed(write_config, http_serve, keys: Keys, tmp_path):
    # The HMAC secret lives in a file of its own (mode 600), out of the configuration.
    secret = tmp_path / "gpt.key"
    secret.write_text(f"hmac-sha256:{base64.b64encode(HMAC_SECRET).decode()}\n")
    secret.chmod(0o600)
    config = write_config(f"""\
        [server]
        diagnostics = true

        [[clients]]
        id = "claude"
        permissions = []
        auth = {{ signature_key = "ed25519:{base64.b64encode(keys.ed_public).decode()}" }}

        [[clients]]
        id = "gpt"
        permissions = []
        auth = {{ signature_key_file = "{secret}" }}
        """)
    return http_serve("--config", config)


def claude(keys: Keys, **kw) -> SignedRequests:
    return SignedRequests("claude", "ed25519", keys.ed_private, **kw)


def gpt(**kw) -> SignedRequests:
    return SignedRequests("gpt", "hmac-sha256", HMAC_SECRET, **kw)


def whoami() -> tuple[dict[str, str], bytes]:
    body = json.dumps({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "whoami", "arguments": {},
                   "_meta": {"io.modelcontextprotocol/protocolVersion": MODERN,
                             "io.modelcontextprotocol/clientCapabilities": {}}},
    }).encode()
    headers = {
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "whoami",
    }
    return headers, body


def signed_request(server, auth: SignedRequests, body: bytes | None = None) -> httpx.Request:
    headers, default = whoami()
    request = httpx.Request("POST", server.url, headers=headers, content=body or default)
    return auth.sign(request)


def send(server, request: httpx.Request, body: bytes | None = None) -> tuple[int, bytes]:
    """Sends `request` as is (its headers byte for byte), optionally with another body."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "host")}
        connection.request("POST", "/mcp", body=body if body is not None else request.content, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def client_of(answer: bytes) -> str:
    return json.loads(json.loads(answer)["result"]["content"][0]["text"])["client"]


def test_the_official_client_signs_every_request_and_is_its_client(signed, keys):
    async def run() -> tuple[str, str]:
        async with httpx.AsyncClient(auth=claude(keys), timeout=30) as http_client:
            async with streamable_http_client(signed.url, http_client=http_client) as (read, write, _):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    result = await session.call_tool("whoami", {})
                    return session.get_server_capabilities() is not None, result.content[0].text

    ok, text = asyncio.run(run())
    assert ok
    assert json.loads(text)["client"] == "claude"


@pytest.mark.parametrize("who", ["claude", "gpt"])
def test_each_key_type_names_its_client(signed, keys, who):
    auth = claude(keys) if who == "claude" else gpt()
    status, answer = send(signed, signed_request(signed, auth))
    assert status == 200, answer
    assert client_of(answer) == who


def forged(signed, keys: Keys) -> dict[str, tuple[httpx.Request, bytes | None]]:
    now = time.time()
    stranger = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    _, body = whoami()
    return {
        "stale": (signed_request(signed, claude(keys, clock=lambda: now - 600)), None),
        "future": (signed_request(signed, claude(keys, clock=lambda: now + 600)), None),
        "tampered body": (signed_request(signed, claude(keys)), body.replace(b"whoami", b"whoamj")),
        "wrong key": (signed_request(signed, SignedRequests("claude", "ed25519", stranger)), None),
        "another client's key": (signed_request(signed, SignedRequests("claude", "hmac-sha256", HMAC_SECRET)), None),
        "unknown keyid": (signed_request(signed, SignedRequests("nobody", "hmac-sha256", HMAC_SECRET)), None),
        "no nonce": (signed_request(signed, claude(keys, nonce=lambda: "")), None),
        "session id added after signing": (with_session_id(signed_request(signed, claude(keys))), None),
    }


def with_session_id(request: httpx.Request) -> httpx.Request:
    """The signed request with an `Mcp-Session-Id` its signature does not cover."""
    request.headers["Mcp-Session-Id"] = "moved-onto-another-session"
    return request


@pytest.mark.parametrize(
    "case",
    ["stale", "future", "tampered body", "wrong key", "another client's key", "unknown keyid", "no nonce", "unsigned",
     "replayed", "session id added after signing"],
)
def test_a_bad_signature_is_401_audited_without_it_and_others_are_served(signed, keys, state_home, case):
    if case == "unsigned":
        headers, body = whoami()
        request, other_body = httpx.Request("POST", signed.url, headers=headers, content=body), None
    elif case == "replayed":
        request, other_body = signed_request(signed, gpt()), None
        assert send(signed, request)[0] == 200
    else:
        request, other_body = forged(signed, keys)[case]
    status, answer = send(signed, request, other_body)
    assert status == 401, (case, answer)
    assert b"unauthorized" in answer
    assert send(signed, signed_request(signed, claude(keys)))[0] == 200  # still serving the others
    signed.stop()
    log = (state_home / "bastion" / "audit.jsonl").read_text()
    signature = request.headers.get("Signature")
    if signature:
        assert signature.split("=", 1)[1].strip(":") not in log
        assert '"event":"auth-failure"' in log
