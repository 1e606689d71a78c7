"""WebSocket on `bastion serve --http` (issue 12, items 1 and 6): `GET /ws` upgraded with the `mcp`
subprotocol echoed, each text message one JSON-RPC message of a session like stdio's. The official
client 1.30.0 (`mcp.client.websocket.websocket_client`) works over it plain, with TLS, with mutual
TLS and with a JWT (its connect call given the TLS context or the header its API has no room for);
a refused upgrade gets its real status (401, 403, 421, 400, 404) and an audit record, a binary or
oversized message closes the socket, and the server keeps serving the others.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import ssl
import subprocess
import time
from pathlib import Path

import jwt as pyjwt
import pytest
import websockets
from websockets.asyncio.client import connect as ws_connect

import mcp.client.websocket as mcp_websocket
from mcp import ClientSession

SECRET = b"websocket-test-secret-0123456789abcdef"
AUDIENCE = "http://127.0.0.1/mcp"


def ws_url(server) -> str:
    return server.base.replace("http", "ws", 1) + "/ws"


async def whoami_over(url: str, **connect_options) -> tuple[str, list[str]]:
    """The official client over /ws: initialize, list the tools, call whoami."""
    original = mcp_websocket.ws_connect
    mcp_websocket.ws_connect = functools.partial(original, **connect_options)
    try:
        async with mcp_websocket.websocket_client(url) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = [tool.name for tool in (await session.list_tools()).tools]
                result = await session.call_tool("whoami", {})
                return json.loads(result.content[0].text)["client"], tools
    finally:
        mcp_websocket.ws_connect = original


@pytest.fixture
def plain(http_serve):
    return http_serve("--diagnostics")


def audit(server, state_home: Path) -> list[dict]:
    server.stop()
    return [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]


def test_the_official_client_works_over_ws_and_is_recorded_as_websocket(plain, state_home):
    client, tools = asyncio.run(whoami_over(ws_url(plain)))
    assert client == "local"
    assert "whoami" in tools
    records = audit(plain, state_home)
    calls = [r for r in records if r.get("method") == "tools/call"]
    assert calls and all(r["transport"] == "websocket" for r in calls)
    assert any(r.get("event") == "session-start" and r.get("transport") == "websocket" for r in records)


def test_the_subprotocol_is_echoed_and_messages_flow_both_ways(plain):
    async def run():
        async with ws_connect(ws_url(plain), subprotocols=["mcp"]) as ws:
            assert ws.subprotocol == "mcp"
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
            return json.loads(await ws.recv())

    assert asyncio.run(run()) == {"jsonrpc": "2.0", "id": 1, "result": {}}


@pytest.mark.parametrize(
    ("case", "status"),
    [("no subprotocol", 400), ("bad origin", 403), ("bad host", 421), ("two hosts", 400), ("another path", 404)],
)
def test_a_refused_upgrade_gets_its_status_and_is_audited(plain, state_home, case, status):
    url = ws_url(plain)
    options: dict = {"subprotocols": ["mcp"]}
    if case == "no subprotocol":
        options = {}
    elif case == "bad origin":
        options["origin"] = "http://evil.example"
    elif case == "bad host":  # a DNS-rebinding page: the socket reaches us under another name
        url = url.replace("127.0.0.1", "evil.example")
        options["host"] = "127.0.0.1"
    elif case == "two hosts":
        options["additional_headers"] = {"Host": "evil.example"}
    elif case == "another path":
        url = url.removesuffix("/ws") + "/mcp"

    async def run():
        async with ws_connect(url, **options):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        asyncio.run(run())
    assert refused.value.response.status_code == status
    assert asyncio.run(whoami_over(ws_url(plain)))[0] == "local"  # others are still served
    refusals = [r for r in audit(plain, state_home) if r.get("event") == "http-refusal"]
    assert [r["status"] for r in refusals] == [status]


@pytest.mark.parametrize(
    ("message", "code"),
    [(b"\x00binary", 1003), ("x" * (5 << 20), 1009)],
    ids=["binary", "oversized"],
)
def test_a_binary_or_oversized_message_closes_the_socket_and_others_go_on(plain, message, code):
    async def run():
        async with ws_connect(ws_url(plain), subprotocols=["mcp"], max_size=None) as ws:
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.send(message)
                await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code if closed.value.rcvd else None

    assert asyncio.run(run()) == code
    assert asyncio.run(whoami_over(ws_url(plain)))[0] == "local"


def test_a_plain_get_on_ws_is_426(plain):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", plain.port, timeout=10)
    connection.request("GET", "/ws")
    response = connection.getresponse()
    assert response.status == 426
    assert response.getheader("Upgrade") == "websocket"


@pytest.fixture
def certs(bastion_bin: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "certs"
    run = subprocess.run([str(bastion_bin), "certs", "init", str(directory), "--client", "full"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    return directory


def test_wss_with_mutual_tls_names_the_certificates_client(write_config, http_serve, certs):
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
        permissions = []
        auth = {{ mtls_subject = "CN=full" }}
        """)
    served = http_serve("--config", config)
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    context.load_cert_chain(str(certs / "client-full.pem"), str(certs / "client-full.key"))
    url = served.base.replace("https", "wss", 1) + "/ws"
    assert asyncio.run(whoami_over(url, ssl=context))[0] == "full"
    bare = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    with pytest.raises((ssl.SSLError, OSError, websockets.exceptions.WebSocketException)):
        asyncio.run(whoami_over(url, ssl=bare))


def test_a_jwt_names_its_client_and_a_missing_one_is_401(write_config, http_serve, tmp_path):
    secret = tmp_path / "jwt.secret"
    secret.write_bytes(base64.b64encode(SECRET) + b"\n")
    secret.chmod(0o600)
    config = write_config(f"""\
        [server]
        diagnostics = true

        [transport.http]
        listen = "127.0.0.1:0"
        public_url = "{AUDIENCE}"

        [auth.jwt]
        issuer = "https://auth.test"
        hs256_secret_file = "{secret}"

        [[clients]]
        id = "claude"
        permissions = []
        auth = {{ jwt_subject = "claude" }}
        """)
    served = http_serve("--config", config)
    now = int(time.time())
    token = pyjwt.encode({"iss": "https://auth.test", "aud": AUDIENCE, "sub": "claude", "exp": now + 600},
                         base64.b64encode(SECRET), algorithm="HS256")
    headers = {"Authorization": f"Bearer {token}"}
    assert asyncio.run(whoami_over(ws_url(served), additional_headers=headers))[0] == "claude"
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        asyncio.run(whoami_over(ws_url(served)))
    assert refused.value.response.status_code == 401
    assert "resource_metadata" in refused.value.response.headers["WWW-Authenticate"]
