"""Lifecycle over raw stdio: version negotiation, initialized, ping, pre-init and double init, EOF.

Spec: S/basic/lifecycle.mdx and S/basic/utilities/ping.mdx (checklist §1).
"""

from __future__ import annotations

import json
import time

import pytest

from conftest import ALL_VERSIONS, LATEST, assert_error, text_of


@pytest.mark.parametrize(
    ("requested", "expected"),
    [(v, v) for v in ALL_VERSIONS] + [("2099-01-01", LATEST), ("2023-01-01", LATEST), ("not-a-date", LATEST)],
)
def test_initialize_negotiates_version(server, requested, expected):
    result = server.initialize(requested)
    assert result["protocolVersion"] == expected
    info = result["serverInfo"]
    assert isinstance(info["name"], str) and info["name"]
    assert isinstance(info["version"], str) and info["version"]
    assert isinstance(result["capabilities"], dict)
    if "instructions" in result:
        assert isinstance(result["instructions"], str)
    # The negotiated session works.
    assert "echo" in server.tool_names()
    server.close()


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_capabilities_advertised(server, version):
    caps = server.initialize(version)["capabilities"]
    for key in ("tools", "resources", "prompts", "logging"):
        assert isinstance(caps.get(key), dict), f"capability {key} missing at {version}: {caps}"
    if version >= "2025-03-26":
        assert isinstance(caps.get("completions"), dict), f"completions missing at {version}: {caps}"
    # Nothing the server cannot do: no listChanged / subscribe unless it sends those notifications.
    server.close()


def test_initialize_response_is_single_compact_line(server):
    server.initialize()
    line = server.raw_lines[0]
    assert line.count(b"\n") == 1 and line.endswith(b"\n")
    json.loads(line)


def test_initialized_notification_gets_no_reply(server):
    server.initialize(initialized=False)
    server.notify("notifications/initialized")
    # The very next message must be the ping's answer: nothing was sent for the notification.
    server.send({"jsonrpc": "2.0", "id": "after-initialized", "method": "ping"})
    assert server.recv(timeout=10) == {"jsonrpc": "2.0", "id": "after-initialized", "result": {}}
    assert server.recv_all(0.3) == []
    server.close()


def test_ping_before_initialize(server):
    server.send({"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert server.recv() == {"jsonrpc": "2.0", "id": 1, "result": {}}
    server.initialize()
    server.close()


@pytest.mark.parametrize("id", [7, "string-id", 0, -3, 2**53 - 1, ""])
def test_ping_echoes_id(session, id):
    session.send({"jsonrpc": "2.0", "id": id, "method": "ping"})
    assert session.recv() == {"jsonrpc": "2.0", "id": id, "result": {}}
    session.close()


def test_ping_with_params_and_meta(session):
    resp = session.request("ping", {"_meta": {"progressToken": "p"}}, id=5)
    assert resp == {"jsonrpc": "2.0", "id": 5, "result": {}}
    session.close()


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("tools/list", {}),
        ("tools/call", {"name": "echo", "arguments": {"text": "x"}}),
        ("resources/list", {}),
        ("prompts/list", {}),
        ("logging/setLevel", {"level": "info"}),
        ("no/such/method", {}),
    ],
)
def test_request_before_initialize_is_rejected(server, method, params):
    resp = server.request(method, params, id=11)
    assert_error(resp, -32600, 11)
    # The server still accepts the handshake afterwards.
    server.initialize()
    assert "echo" in server.tool_names()
    server.close()


def test_second_initialize_is_rejected(session):
    resp = session.request(
        "initialize",
        {"protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": {"name": "again", "version": "1"}},
        id=21,
    )
    assert_error(resp, -32600, 21)
    # The first session is untouched: still 2025-11-25 semantics (whoami has structuredContent).
    res = session.call_tool("whoami", {})
    assert isinstance(res.get("structuredContent"), dict), res
    session.finish()


def test_initialized_before_initialize_is_ignored(server):
    server.notify("notifications/initialized")
    server.send({"jsonrpc": "2.0", "id": 3, "method": "ping"})
    assert server.recv() == {"jsonrpc": "2.0", "id": 3, "result": {}}
    server.initialize()
    server.close()


def test_echo_round_trip_after_handshake(session):
    res = session.call_tool("echo", {"text": "héllo wörld ✓ \u2028 \"q\"\n"})
    assert text_of(res) == "héllo wörld ✓ \u2028 \"q\"\n"
    assert res.get("isError") in (None, False)
    session.close()


# -- shutdown on stdin EOF -----------------------------------------------------------------------


def test_eof_before_initialize_exits_cleanly(server):
    server.close(timeout=5)


def test_eof_after_session_exits_cleanly(session):
    session.assert_alive()
    session.close(timeout=5)


def test_eof_with_call_in_flight_exits_cleanly(session):
    session.send({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "sleep", "arguments": {"ms": 60000}}})
    time.sleep(0.3)
    started = time.monotonic()
    session.close(timeout=5)
    assert time.monotonic() - started < 5


def test_eof_after_partial_line_exits_cleanly(session):
    session.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"pi')
    session.close(timeout=5)


def test_stdout_carries_only_protocol_messages(session):
    session.call_tool("echo", {"text": "x"})
    session.request("no/such/method", {})
    session.send_raw(b"garbage\n")
    session.assert_alive()
    session.close()
    for line in session.raw_lines:
        msg = json.loads(line)
        assert isinstance(msg, (dict, list))
