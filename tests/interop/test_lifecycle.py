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
    # Nothing the server cannot do: listChanged only for tools (sent after a reload), no subscribe.
    assert caps["tools"].get("listChanged") is True and caps["prompts"].get("listChanged") is False
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
    server.assert_alive()
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


# -- behaviour that depends on the negotiated version ----------------------------------------------


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_whoami_structured_content_only_from_2025_06_18(server, version):
    server.initialize(version)
    res = server.call_tool("whoami", {})
    who = json.loads(text_of(res))
    assert who["client"] == "local" and isinstance(who["permissions"], list) and who["workdir"]
    if version >= "2025-06-18":
        assert res.get("structuredContent") == who, res
    else:
        assert "structuredContent" not in res, f"structuredContent does not exist at {version}: {res}"
    server.close()


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_completion_for_prompt_argument(spawn, full_config, version):
    server = spawn("--config", full_config, "--client", "full")
    server.initialize(version)
    res = server.result(
        "completion/complete",
        {"ref": {"type": "ref/prompt", "name": "review"}, "argument": {"name": "path", "value": ""}},
    )
    values = res["completion"]["values"]
    assert isinstance(values, list) and len(values) <= 100 and all(isinstance(v, str) for v in values), res
    server.close()


def test_tools_list_pagination_lists_each_tool_once(session):
    names = session.tool_names()  # follows nextCursor until it is absent
    assert len(names) == len(set(names)), f"a tool listed twice across pages: {names}"
    assert {"echo", "sleep", "whoami", "list_workdir"} <= set(names)
    first = session.result("tools/list", {})
    for tool in first["tools"]:
        assert isinstance(tool["name"], str) and tool["inputSchema"]["type"] == "object", tool
    if "nextCursor" in first:
        assert isinstance(first["nextCursor"], str)
    session.close()


@pytest.mark.parametrize("level", ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"])
def test_logging_set_level(session, level):
    assert session.result("logging/setLevel", {"level": level}) == {}
    session.close()


def test_log_messages_respect_level(spawn, full_config):
    order = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
    server = spawn("--config", full_config, "--client", "restricted")
    server.initialize()
    assert server.result("logging/setLevel", {"level": "emergency"}) == {}
    # Provoke whatever the server might log: a denial, an error, an unknown tool, a bad message.
    server.request("tools/call", {"name": "list_workdir", "arguments": {}})
    server.request("tools/call", {"name": "no_such_tool", "arguments": {}})
    server.request("resources/read", {"uri": "bastion://nope"})
    server.send_raw(b"{bad json\n")
    server.assert_alive()
    server.others += server.recv_all(0.3)
    for msg in server.notifications("notifications/message"):
        assert order.index(msg["params"]["level"]) >= order.index("emergency"), msg
    server.close()


@pytest.mark.parametrize(("level", "expected"), [("debug", {"info", "debug"}), ("info", {"info"}), ("warning", set())])
def test_sleep_logs_at_and_above_the_set_level(spawn, full_config, level, expected):
    server = spawn("--config", full_config, "--client", "restricted")
    server.initialize()
    assert server.result("logging/setLevel", {"level": level}) == {}
    result = server.result("tools/call", {"name": "sleep", "arguments": {"ms": 250}})
    assert result["content"][0]["text"] == "slept 250 ms"
    server.others += server.recv_all(0.2)
    seen = {msg["params"]["level"] for msg in server.notifications("notifications/message")}
    assert seen == expected
    for msg in server.notifications("notifications/message"):
        assert msg["params"]["logger"] == "sleep" and isinstance(msg["params"]["data"], str), msg
    server.close()


def test_sigterm_stops_cleanly_and_is_audited(spawn, state_home):
    import json, signal
    server = spawn("--diagnostics")
    server.initialize()
    server.send({"jsonrpc": "2.0", "id": 77, "method": "tools/call", "params": {"name": "sleep", "arguments": {"ms": 5000}}})
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=5) == 0
    audit = (state_home / "bastion" / "audit.jsonl").read_text().splitlines()
    last = json.loads(audit[-1])
    assert last["event"] == "stop" and last["reason"] == "signal SIGTERM", last


def test_sigterm_stops_promptly_while_stdout_is_not_read(bastion_bin, server_env, tmp_path, state_home):
    """A client that stops reading its answers must not keep the server from stopping: no answer
    is written by a handler blocked in write(2), and shutdown waits for stuck work a bounded time."""
    import json, signal, subprocess

    proc = subprocess.Popen(
        [str(bastion_bin), "serve", "--diagnostics"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,  # never read: the pipe fills after 64 KiB
        stderr=subprocess.DEVNULL,
        env=server_env,
        cwd=tmp_path,
    )
    try:
        lines = [
            {"jsonrpc": "2.0", "id": 0, "method": "initialize",
             "params": {"protocolVersion": LATEST, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
        ]
        big = "x" * 200_000
        lines += [
            {"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": big}}}
            for n in range(1, 13)
        ]
        assert proc.stdin is not None
        proc.stdin.write(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
        proc.stdin.flush()
        time.sleep(1.0)
        assert proc.poll() is None
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 8
        audit = (state_home / "bastion" / "audit.jsonl").read_text().splitlines()
        last = json.loads(audit[-1])
        assert last["event"] == "stop" and last["reason"] == "signal SIGTERM", last
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
