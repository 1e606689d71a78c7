"""JWT bearer tokens on `bastion serve --http` (issue 12, items 3 and 6): `bastion token` mints one
the official client 1.30.0 (Streamable HTTP and SSE) and 2.x-style raw requests use, and every
forged, stale or misdirected token is 401 with the RFC 9728 metadata address, audited without the
token, while the server keeps serving the others.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

ISSUER = "https://auth.test"
AUDIENCE = "http://127.0.0.1/mcp"
MODERN = "2026-07-28"


def pem_private(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def pem_public(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class Keys:
    def __init__(self, directory: Path) -> None:
        directory.mkdir()
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.ed = ed25519.Ed25519PrivateKey.generate()
        self.secret = base64.b64encode(b"s" * 40)
        (directory / "rsa.key").write_bytes(pem_private(self.rsa))
        for name, key in [("rsa", self.rsa), ("ec", self.ec), ("ed", self.ed)]:
            (directory / f"{name}.pub").write_bytes(pem_public(key))
        (directory / "jwt.secret").write_bytes(self.secret + b"\n")
        self.directory = directory


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return Keys(tmp_path / "keys")


@pytest.fixture
def jwt_config(write_config, keys: Keys) -> Path:
    d = keys.directory
    return write_config(f"""\
        [server]
        diagnostics = true

        [transport.http]
        listen = "127.0.0.1:0"
        public_url = "{AUDIENCE}"

        [auth.jwt]
        issuer = "{ISSUER}"
        public_keys = ["{d}/rsa.pub", "{d}/ec.pub", "{d}/ed.pub"]
        hs256_secret_file = "{d}/jwt.secret"
        signing_key_file = "{d}/rsa.key"
        authorization_servers = ["{ISSUER}"]

        [[clients]]
        id = "claude"
        permissions = ["file_read"]
        auth = {{ jwt_subject = "claude-sub" }}

        [[clients]]
        id = "other"
        permissions = []
        auth = {{ jwt_subject = "other-sub" }}
        """)


@pytest.fixture
def served(http_serve, jwt_config):
    return http_serve("--config", jwt_config)


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "claude-sub", "nbf": now - 5, "iat": now, "exp": now + 600}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def whoami_request(server, token: str | None) -> tuple[int, dict[str, str], bytes]:
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
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/mcp", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def client_of(answer: bytes) -> str:
    return json.loads(json.loads(answer)["result"]["content"][0]["text"])["client"]


def test_bastion_token_mints_what_the_server_accepts(served, bastion_bin, jwt_config, server_env):
    minted = subprocess.run([str(bastion_bin), "token", "--config", str(jwt_config), "--client", "claude", "--ttl", "60"],
                            capture_output=True, text=True, timeout=30, env=server_env)
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip()
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    status, _, answer = whoami_request(served, token)
    assert status == 200 and client_of(answer) == "claude"


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA", "HS256"])
def test_each_algorithm_verifies_and_names_its_client(served, keys, algorithm):
    key = {"RS256": keys.rsa, "ES256": keys.ec, "EdDSA": keys.ed, "HS256": keys.secret}[algorithm]
    status, _, answer = whoami_request(served, pyjwt.encode(claims(sub="other-sub"), key, algorithm=algorithm))
    assert status == 200 and client_of(answer) == "other"


def forged(keys: Keys) -> dict[str, str]:
    now = int(time.time())
    good = claims()
    unsigned = (
        base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode() + "."
        + base64.urlsafe_b64encode(json.dumps(good).encode()).rstrip(b"=").decode() + "."
    )
    # The classic confusion: an HS256 token whose "secret" is the RS256 public key.
    confused_header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    confused_body = base64.urlsafe_b64encode(json.dumps(good).encode()).rstrip(b"=")
    import hashlib
    import hmac

    signing_input = confused_header + b"." + confused_body
    confused_signature = base64.urlsafe_b64encode(
        hmac.new(pem_public(keys.rsa), signing_input, hashlib.sha256).digest()
    ).rstrip(b"=")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "expired": pyjwt.encode(claims(exp=now - 3600, nbf=now - 7200), keys.rsa, algorithm="RS256"),
        "not yet valid": pyjwt.encode(claims(nbf=now + 3600), keys.rsa, algorithm="RS256"),
        "wrong audience": pyjwt.encode(claims(aud="https://other.example/mcp"), keys.rsa, algorithm="RS256"),
        "wrong issuer": pyjwt.encode(claims(iss="https://evil.example"), keys.rsa, algorithm="RS256"),
        "no exp": pyjwt.encode(claims(exp=None), keys.rsa, algorithm="RS256"),
        "alg none": unsigned,
        "hs256 with the rsa public key": (signing_input + b"." + confused_signature).decode(),
        "wrong signature": pyjwt.encode(claims(), stranger, algorithm="RS256"),
        "unknown subject": pyjwt.encode(claims(sub="nobody"), keys.rsa, algorithm="RS256"),
        "garbage": "not.a.token",
    }


@pytest.mark.parametrize(
    "case",
    ["expired", "not yet valid", "wrong audience", "wrong issuer", "no exp", "alg none",
     "hs256 with the rsa public key", "wrong signature", "unknown subject", "garbage", "no token"],
)
def test_a_bad_token_is_401_with_the_metadata_address_and_audited(served, keys, state_home, case):
    token = None if case == "no token" else forged(keys)[case]
    status, headers, body = whoami_request(served, token)
    assert status == 401, (case, body)
    assert headers["WWW-Authenticate"] == (
        'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp"'
    )
    good = pyjwt.encode(claims(), keys.rsa, algorithm="RS256")
    assert whoami_request(served, good)[0] == 200  # still serving the others
    served.stop()
    log = (state_home / "bastion" / "audit.jsonl").read_text()
    if token:
        assert token not in log
        for part in token.split("."):
            assert len(part) < 16 or part not in log  # no piece of a real token either
    if case != "no token":
        assert '"event":"auth-failure"' in log


def test_the_protected_resource_metadata(served):
    for path in ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200
        metadata = json.loads(response.read())
        connection.close()
        assert metadata["resource"] == AUDIENCE
        assert metadata["authorization_servers"] == [ISSUER]
        assert metadata["bearer_methods_supported"] == ["header"]


@pytest.mark.parametrize("transport", ["streamable", "sse"])
def test_the_official_client_with_a_token(served, keys, transport):
    token = pyjwt.encode(claims(), keys.ec, algorithm="ES256")
    headers = {"Authorization": f"Bearer {token}"}

    async def main():
        async with asyncio.timeout(30):
            if transport == "sse":
                context = sse_client(served.url.removesuffix("/mcp") + "/sse", headers=headers)
            else:
                context = streamable_http_client(served.url, http_client=httpx.AsyncClient(headers=headers))
            async with context as streams:
                async with ClientSession(streams[0], streams[1]) as session:
                    await session.initialize()
                    result = await session.call_tool("whoami", {})
                    return json.loads(result.content[0].text)["client"]

    assert asyncio.run(main()) == "claude"


def test_a_session_is_bound_to_its_tokens_client(served, keys):
    claude = pyjwt.encode(claims(), keys.rsa, algorithm="RS256")
    other = pyjwt.encode(claims(sub="other-sub"), keys.rsa, algorithm="RS256")
    base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}

    def post(token: str, body: Any, session: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        headers = base | {"Authorization": f"Bearer {token}"} | ({"Mcp-Session-Id": session} if session else {})
        connection.request("POST", "/mcp", body=json.dumps(body).encode(), headers=headers)
        response = connection.getresponse()
        result = response.status, dict(response.getheaders()), response.read()
        connection.close()
        return result

    status, headers, _ = post(claude, init)
    session = headers["Mcp-Session-Id"]
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    assert post(other, call, session)[0] == 404  # another client's session: not found
    assert post(claude, call, session)[0] == 200
