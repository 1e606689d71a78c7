"""Limits of `bastion serve --http` (issue 12, item 4 and the adversarial list of item 6): a
slowloris client, a TLS handshake that never comes, a body trickled past its deadline, a client
over `requests_per_second`, and 1,000 connections from one client are each cut off — refused with
429 where there is a request to answer, closed where there is none, audited without flooding the
log — while the server keeps serving everyone else promptly.
"""

from __future__ import annotations

import base64
import http.client
import json
import resource
import socket
import subprocess
import time
from pathlib import Path

import jwt as pyjwt
import pytest

MODERN = "2026-07-28"
AUDIENCE = "http://127.0.0.1/mcp"
SECRET = b"limits-test-secret-0123456789abcdef"


@pytest.fixture
def limited(write_config, tmp_path: Path, http_serve):
    secret = tmp_path / "jwt.secret"
    secret.write_bytes(base64.b64encode(SECRET) + b"\n")
    secret.chmod(0o600)
    config = write_config(f"""\
        [server]
        diagnostics = true

        [transport.http]
        listen = "127.0.0.1:0"
        public_url = "{AUDIENCE}"
        header_timeout_ms = 1000
        body_timeout_ms = 1500
        max_connections_per_client = 8
        requests_per_second = 20

        [auth.jwt]
        issuer = "https://auth.test"
        hs256_secret_file = "{secret}"

        [[clients]]
        id = "claude"
        permissions = []
        auth = {{ jwt_subject = "claude" }}

        [[clients]]
        id = "other"
        permissions = []
        auth = {{ jwt_subject = "other" }}
        """)
    return http_serve("--config", config)


def token(subject: str) -> str:
    now = int(time.time())
    claims = {"iss": "https://auth.test", "aud": AUDIENCE, "sub": subject, "iat": now, "exp": now + 600}
    return pyjwt.encode(claims, base64.b64encode(SECRET), algorithm="HS256")


def whoami_body() -> bytes:
    return json.dumps({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "whoami", "arguments": {},
                   "_meta": {"io.modelcontextprotocol/protocolVersion": MODERN,
                             "io.modelcontextprotocol/clientCapabilities": {}}},
    }).encode()


def headers(subject: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "whoami",
        "Authorization": f"Bearer {token(subject)}",
    }


def call(server, subject: str = "other", connection: http.client.HTTPConnection | None = None,
         source: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", server.port, timeout=10,
                                                          source_address=(source, 0))
    try:
        connection.request("POST", "/mcp", body=whoami_body(), headers=headers(subject))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        if own:
            connection.close()


def raw(server, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=(source, 0))
    return sock


def closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed `sock` (reading only), or None if still open after `seconds`."""
    start = time.monotonic()
    sock.settimeout(0.2)
    while time.monotonic() - start < seconds:
        try:
            if sock.recv(4096) == b"":
                return time.monotonic() - start
        except TimeoutError:
            continue
        except ConnectionResetError:
            return time.monotonic() - start
    return None


def records(served, state_home: Path) -> list[dict]:
    served.stop()
    lines = (state_home / "bastion" / "audit.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_slowloris_request_head_is_closed_at_the_header_timeout_and_others_are_served(limited):
    sock = raw(limited)
    sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    start = time.monotonic()
    closed = None
    for byte in b"X-Slow: " + b"a" * 40:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            closed = time.monotonic() - start
            break
        assert call(limited)[0] == 200  # everyone else is served meanwhile
        time.sleep(0.1)
        if time.monotonic() - start > 4:
            break
    if closed is None:
        closed = closed_within(sock, 2)
    assert closed is not None and closed < 3, "the trickled head held its connection"


def test_a_connection_that_never_sends_a_request_is_closed(limited):
    sock = raw(limited)
    assert closed_within(sock, 4) is not None
    assert call(limited)[0] == 200


def test_a_trickled_body_is_cut_at_the_body_timeout(limited):
    sock = raw(limited)
    body = whoami_body()
    head = "".join(f"{name}: {value}\r\n" for name, value in headers("other").items())
    sock.sendall(f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode())
    start = time.monotonic()
    for byte in body[:20]:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
        time.sleep(0.25)
    closed = closed_within(sock, 3)
    elapsed = time.monotonic() - start
    assert closed is not None or elapsed < 6
    assert elapsed < 6, "the trickled body held its connection"
    assert call(limited)[0] == 200


def test_an_oversized_request_head_is_400_closed_and_audited(limited, state_home):
    sock = raw(limited)
    sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n")
    sock.settimeout(5)
    answer = b""
    while chunk := sock.recv(4096):
        answer += chunk
    # A connection's first request: refused by the decoder before any HTTP answer can be made
    # (closed); a later one on the connection gets a 400.
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:100]
    assert call(limited)[0] == 200
    malformed = [r for r in records(limited, state_home)
                 if r.get("event") == "http-refusal" and "malformed" in r.get("reason", "")]
    assert len(malformed) == 1 and malformed[0]["status"] == 400


def test_over_the_rate_is_429_with_retry_after_and_audited_and_the_other_client_goes_on(limited, state_home):
    connection = http.client.HTTPConnection("127.0.0.1", limited.port, timeout=10)
    statuses = []
    retry_after = None
    for _ in range(40):
        status, response_headers, _ = call(limited, "claude", connection)
        statuses.append(status)
        if status == 429:
            retry_after = response_headers.get("Retry-After")
    assert 200 in statuses and 429 in statuses
    assert retry_after is not None and int(retry_after) >= 1
    assert call(limited, "other")[0] == 200  # another client's budget is its own
    time.sleep(1.1)
    assert call(limited, "claude", connection)[0] == 200  # the bucket refills
    connection.close()
    refusals = [r for r in records(limited, state_home) if r.get("event") == "http-refusal" and r.get("status") == 429]
    assert refusals and all(r.get("client") == "claude" for r in refusals)
    assert "requests_per_second" in refusals[0].get("reason", "")


def test_a_thousand_connections_from_one_client_cost_the_others_nothing(limited, state_home):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4096), hard), hard))
    flood: list[socket.socket] = []
    try:
        for _ in range(1000):
            try:
                flood.append(raw(limited))
            except OSError:
                break
        # Another peer (another address) is served at once, while the flood holds its sockets.
        start = time.monotonic()
        status, _, answer = call(limited, "other", source="127.0.0.2")
        assert status == 200, answer
        assert time.monotonic() - start < 2
        # The flood's connections without a request are closed: pending ones at the header
        # timeout, the rest on arrival.
        assert all(closed_within(sock, 3) is not None for sock in flood[:100])
    finally:
        for sock in flood:
            sock.close()
    # Authenticated, one client holds at most max_connections_per_client connections.
    held = [http.client.HTTPConnection("127.0.0.1", limited.port, timeout=10) for _ in range(12)]
    try:
        answers = [call(limited, "claude", c) for c in held]
        statuses = [status for status, _, _ in answers]
        assert statuses.count(200) == 8, statuses
        over = [h for status, h, _ in answers if status == 429]
        assert len(over) == 4 and all(h.get("Retry-After") == "1" and "Connection" not in h for h in over)
        assert call(limited, "other")[0] == 200
    finally:
        for c in held:
            c.close()
    assert limited.alive()
    refused = [r for r in records(limited, state_home) if r.get("event") == "http-refusal"]
    arrivals = [r for r in refused if "closed on arrival" in r.get("reason", "")]
    assert arrivals, "the refused connections left no record"
    assert len(arrivals) < 20, "every refused connection got its own record: the flood floods the log"
    assert any(r.get("client") == "claude" and "max_connections_per_client" in r.get("reason", "") for r in refused)


def test_a_flood_of_401s_and_429s_is_a_few_records_with_the_peer_and_the_count(limited, state_home):
    """Review 14, finding 4: a refused request per millisecond must not rotate the audit away."""
    connection = http.client.HTTPConnection("127.0.0.1", limited.port, timeout=10)
    forged = {**headers("claude"), "Authorization": "Bearer not-a-token"}
    for _ in range(500):
        connection.request("POST", "/mcp", body=whoami_body(), headers=forged)
        response = connection.getresponse()
        response.read()
        assert response.status == 401
    statuses = [call(limited, "claude", connection)[0] for _ in range(200)]
    assert statuses.count(429) > 100
    connection.close()
    assert call(limited, "other", source="127.0.0.2")[0] == 200
    audit = records(limited, state_home)
    failures = [r for r in audit if r.get("event") == "auth-failure"]
    refusals = [r for r in audit if r.get("event") == "http-refusal" and r.get("status") == 429]
    assert 1 <= len(failures) <= 10, len(failures)
    assert 1 <= len(refusals) <= 10, len(refusals)
    assert all(r.get("peer") == "127.0.0.1" for r in failures + refusals)
    # Nothing is lost: the records and their counts add up to every refused request, the last
    # burst's count written at the stop if not before.
    assert sum(r.get("count", 1) for r in failures) == 500
    assert sum(r.get("count", 1) for r in refusals) == statuses.count(429)
