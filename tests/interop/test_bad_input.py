"""Hostile and malformed input over raw stdio (ARCHITECTURE §9, checklist §2).

Every test ends with `finish()`: the server still answers `ping` with `{}` and exits cleanly on EOF.
"""

from __future__ import annotations

import json
import time

import pytest

from conftest import ALL_VERSIONS, LATEST, assert_error, same_id, text_of

MIB = 1024 * 1024

# -- parse errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        b"{",
        b"not json",
        b'{"jsonrpc":"2.0","id":1,"method":"ping"',
        b'{"jsonrpc":"2.0","id":1,"method":"ping"} trailing',
        b'{"jsonrpc":"2.0","id":1,"method":"ping",}',
        b"{'jsonrpc':'2.0','id':1,'method':'ping'}",
        b'{"jsonrpc":"2.0","id":01,"method":"ping"}',
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":NaN}}',
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"a\tb"}}',
    ],
    ids=["open-brace", "word", "truncated", "trailing", "trailing-comma", "single-quotes", "leading-zero", "nan",
         "raw-control-char"],
)
def test_parse_error(session, line):
    session.send_raw(line + b"\n")
    assert_error(session.recv(), -32700, None)
    session.finish()


@pytest.mark.parametrize(
    "payload",
    [
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xff\xfe"}}',
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xc0\xaf"}}',  # overlong '/'
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xed\xa0\x80"}}',  # UTF-8 surrogate
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xe2\x82"}}',  # truncated sequence
        b'{"jsonrpc":"2.0","id":1,"method":"p\x80ng"}',
    ],
    ids=["ff-fe", "overlong", "surrogate", "truncated-seq", "in-method"],
)
def test_invalid_utf8_is_parse_error(session, payload):
    session.send_raw(payload + b"\n")
    assert_error(session.recv(), -32700, None)
    session.finish()


@pytest.mark.parametrize(
    "line",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
    ],
    ids=["arrays", "objects", "inside-request"],
)
def test_deep_nesting_is_parse_error(session, line):
    session.send_raw(line + b"\n")
    assert_error(session.recv(timeout=20), -32700, None)
    session.finish()


def test_moderate_nesting_is_accepted(session):
    # About 30 levels is ordinary JSON (the server's limit is 64): the depth limit must not reject it.
    nested: object = "leaf"
    for _ in range(13):
        nested = {"k": [nested]}
    resp = session.request("ping", {"_meta": {"x": nested}}, id=1)
    assert resp == {"jsonrpc": "2.0", "id": 1, "result": {}}
    session.finish()


# -- size limit ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [20 * 1000 * 1000, 4 * MIB + 1024], ids=["20MB", "just-over-4MiB"])
def test_oversized_line_is_rejected_and_server_keeps_working(session, size):
    line = b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"'
    line += b"A" * size + b'"}}}\n'
    session.send_raw(line, timeout=60)
    resp = session.recv(timeout=30)
    assert_error(resp, -32600, None)
    assert session.recv_all(0.3) == [], "only one error for the oversized line"
    session.finish()


def test_oversized_line_without_newline_then_eof(session):
    session.send_raw(b'{"x":"' + b"B" * (6 * MIB), timeout=60)
    session.close(timeout=5)
    # Whatever was answered is a JSON-RPC error, never a result.
    for msg in session.recv_all(1.0):
        assert "error" in msg, msg


def test_three_mib_message_is_accepted(session):
    text = "z" * (3 * MIB)
    res = session.call_tool("echo", {"text": text}, timeout=60)
    assert text_of(res) == text
    session.finish()


# -- invalid requests ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("msg", "id"),
    [
        ({"id": 1, "method": "ping"}, 1),
        ({"jsonrpc": "1.0", "id": 1, "method": "ping"}, 1),
        ({"jsonrpc": 2.0, "id": 1, "method": "ping"}, 1),
        ({"jsonrpc": "2.0", "id": None, "method": "ping"}, None),
        ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None),
        ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}, None),
        ({"jsonrpc": "2.0", "id": [1], "method": "ping"}, None),
        ({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}, None),
        ({"jsonrpc": "2.0", "id": 1, "method": 5}, 1),
        ({"jsonrpc": "2.0", "id": 1, "method": None}, 1),
        ({"jsonrpc": "2.0", "id": 1}, 1),
        ({"jsonrpc": "2.0", "id": 1, "method": ["ping"]}, 1),
        (5, None),
        ("ping", None),
        (None, None),
        (True, None),
    ],
    ids=["no-jsonrpc", "jsonrpc-1.0", "jsonrpc-number", "id-null", "id-bool", "id-object", "id-array", "id-fraction",
         "method-number", "method-null", "no-method", "method-array", "number", "string", "null", "bool"],
)
def test_invalid_request(session, msg, id):
    session.send(msg)
    resp = session.recv(timeout=3)
    assert isinstance(resp, dict), resp
    assert "error" in resp and resp["error"]["code"] == -32600, resp
    # The id is echoed when it could be read, otherwise null.
    assert resp.get("id") is None or same_id(resp.get("id"), id), resp
    session.finish()


def test_unknown_method(session):
    session.error("does/not/exist", {}, -32601, id="u1")
    session.error("tools/lists", None, -32601, id=2)
    session.finish()


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("tools/call", {}),
        ("tools/call", {"arguments": {"text": "x"}}),
        ("tools/call", {"name": 5}),
        ("tools/call", {"name": "no_such_tool", "arguments": {}}),
        ("logging/setLevel", {"level": "verbose"}),
        ("logging/setLevel", {"level": "INFO"}),
        ("logging/setLevel", {}),
        ("tools/list", {"cursor": "definitely-not-a-cursor"}),
        ("resources/list", {"cursor": "definitely-not-a-cursor"}),
        ("resources/read", {}),
    ],
    ids=["call-no-name", "call-only-args", "call-name-number", "call-unknown-tool", "level-verbose",
         "level-uppercase", "level-missing", "tools-cursor", "resources-cursor", "read-no-uri"],
)
def test_invalid_params(session, method, params):
    session.error(method, params, -32602, id=31)
    session.finish()


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("prompts/get", {"name": "no-such-prompt"}),
        ("prompts/get", {"name": "review"}),
        ("prompts/get", {"name": "review", "arguments": {"focus": "style"}}),
        ("prompts/get", {"name": "review", "arguments": {"path": 5}}),
        ("prompts/list", {"cursor": "definitely-not-a-cursor"}),
    ],
    ids=["unknown-prompt", "no-arguments", "missing-required", "non-string-argument", "prompts-cursor"],
)
def test_invalid_prompt_params(spawn, full_config, method, params):
    client = spawn("--config", full_config, "--client", "full")
    client.initialize()
    client.error(method, params, -32602, id=41)
    client.finish()


@pytest.mark.parametrize("version", ALL_VERSIONS)
@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("echo", {"text": 5}),
        ("echo", {}),
        ("echo", {"text": None}),
        ("sleep", {"ms": "10"}),
        ("sleep", {"ms": -1}),
        ("sleep", {"ms": 60001}),
        ("sleep", {"ms": 1.5}),
    ],
    ids=["echo-number", "echo-missing", "echo-null", "sleep-string", "sleep-negative", "sleep-too-long",
         "sleep-fraction"],
)
def test_invalid_tool_arguments(server, version, tool, arguments):
    server.initialize(version)
    resp = server.request("tools/call", {"name": tool, "arguments": arguments}, id=51)
    if version >= "2025-11-25":
        # 2025-11-25: input validation errors are tool execution errors the model can see.
        assert "result" in resp, resp
        assert resp["result"].get("isError") is True, resp
        assert text_of(resp["result"]), "the error result explains what is wrong"
    else:
        assert_error(resp, -32602, 51)
    server.finish()


def test_arguments_not_an_object(session):
    resp = session.request("tools/call", {"name": "echo", "arguments": ["x"]}, id=61)
    if "result" in resp:
        assert resp["result"].get("isError") is True, resp
    else:
        assert_error(resp, -32602, 61)
    session.finish()


# -- notifications never get a reply ---------------------------------------------------------------


@pytest.mark.parametrize(
    "msg",
    [
        {"jsonrpc": "2.0", "method": "notifications/whatever"},
        {"jsonrpc": "2.0", "method": "no/such/method", "params": {"a": 1}},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 123456}},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": "bogus"},
        {"jsonrpc": "2.0", "method": "notifications/cancelled"},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "method": "notifications/roots/list_changed"},
        {"jsonrpc": "2.0", "method": "tools/list"},
        {"jsonrpc": "2.0", "method": "tools/call", "params": {"name": "echo", "arguments": {"text": 1}}},
        {"jsonrpc": "2.0", "id": 987654, "result": {}},
        {"jsonrpc": "2.0", "id": 987655, "error": {"code": -32601, "message": "no"}},
    ],
    ids=["unknown-notification", "unknown-method", "cancel-unknown-id", "cancel-bad-params", "cancel-no-params",
         "initialized-again", "roots-changed", "request-method-as-notification", "bad-call-as-notification", "stray-result",
         "stray-error"],
)
def test_notifications_get_no_reply(session, msg):
    session.send(msg)
    session.send({"jsonrpc": "2.0", "id": "after", "method": "ping"})
    # The next message must be the ping's answer; the notification got nothing.
    assert session.recv() == {"jsonrpc": "2.0", "id": "after", "result": {}}
    assert session.recv_all(0.3) == []
    session.finish()


# -- batches ---------------------------------------------------------------------------------------


def _init_2025_03_26(server):
    server.initialize("2025-03-26")
    return server


def test_batch_2025_03_26_gets_array_of_responses(server):
    _init_2025_03_26(server)
    server.send([
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/whatever"},
        {"jsonrpc": "2.0", "id": "two", "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "b"}}},
        {"jsonrpc": "2.0", "id": 3, "method": "no/such/method"},
    ])
    resp = server.recv()
    assert isinstance(resp, list), resp
    by_id = {json.dumps(r["id"]): r for r in resp}
    assert set(by_id) == {"1", '"two"', "3"}, resp
    assert by_id["1"]["result"] == {}
    assert text_of(by_id['"two"']["result"]) == "b"
    assert by_id["3"]["error"]["code"] == -32601
    server.finish()


def test_batch_2025_03_26_of_notifications_gets_no_reply(server):
    _init_2025_03_26(server)
    server.send([{"jsonrpc": "2.0", "method": "notifications/whatever"}, {"jsonrpc": "2.0", "method": "x/y"}])
    server.send({"jsonrpc": "2.0", "id": "after", "method": "ping"})
    assert server.recv() == {"jsonrpc": "2.0", "id": "after", "result": {}}
    server.finish()


def test_empty_batch_2025_03_26_is_invalid_request(server):
    _init_2025_03_26(server)
    server.send([])
    assert_error(server.recv(), -32600, None)
    server.finish()


def test_batch_2025_03_26_with_invalid_member(server):
    _init_2025_03_26(server)
    server.send([1, {"jsonrpc": "2.0", "id": 2, "method": "ping"}])
    resp = server.recv()
    assert isinstance(resp, list) and len(resp) == 2, resp
    errors = [r for r in resp if "error" in r]
    assert len(errors) == 1 and errors[0]["error"]["code"] == -32600 and errors[0].get("id") is None, resp
    assert {"jsonrpc": "2.0", "id": 2, "result": {}} in resp
    server.finish()


@pytest.mark.parametrize("version", [v for v in ALL_VERSIONS if v != "2025-03-26"])
def test_batch_rejected_outside_2025_03_26(server, version):
    server.initialize(version)
    server.send([{"jsonrpc": "2.0", "id": 1, "method": "ping"}])
    resp = server.recv()
    assert_error(resp, -32600, None)
    assert server.recv_all(0.3) == [], "the batch's ping must not be answered"
    server.finish()


def test_batch_before_initialize_is_rejected(server):
    server.send([{"jsonrpc": "2.0", "id": 1, "method": "ping"}])
    resp = server.recv()
    assert isinstance(resp, dict), resp  # no version negotiated: batches are not accepted
    assert_error(resp, -32600, None)
    server.initialize()
    server.finish()


# -- throughput, cancellation, progress ------------------------------------------------------------


def test_1000_pipelined_requests_all_answered(session):
    n = 1000
    lines = []
    for i in range(1, n + 1):
        if i % 2:
            msg = {"jsonrpc": "2.0", "id": i, "method": "ping"}
        else:
            msg = {"jsonrpc": "2.0", "id": i, "method": "tools/call",
                   "params": {"name": "echo", "arguments": {"text": f"m{i}"}}}
        lines.append(json.dumps(msg, separators=(",", ":")))
    session.send_raw(("\n".join(lines) + "\n").encode())
    seen: dict[int, dict] = {}
    deadline = time.monotonic() + 60
    while len(seen) < n:
        msg = session.recv(timeout=max(0.1, deadline - time.monotonic()))
        if "method" in msg:
            continue  # a notification (e.g. a log message)
        assert isinstance(msg.get("id"), int) and 1 <= msg["id"] <= n, msg
        assert msg["id"] not in seen, f"duplicate response for id {msg['id']}"
        seen[msg["id"]] = msg
    for i, msg in seen.items():
        if i % 2:
            assert msg["result"] == {}, msg
        else:
            assert text_of(msg["result"]) == f"m{i}", msg
    session.finish()


@pytest.mark.parametrize("call_id", [42, "call-42"])
def test_cancelled_call_gets_no_response(session, call_id):
    session.send({"jsonrpc": "2.0", "id": call_id, "method": "tools/call",
                  "params": {"name": "sleep", "arguments": {"ms": 1500}}})
    time.sleep(0.3)
    session.notify("notifications/cancelled", {"requestId": call_id, "reason": "test"})
    started = time.monotonic()
    session.send({"jsonrpc": "2.0", "id": 43, "method": "ping"})
    # "At once": well before the 1.5 s sleep would have ended (slack for a loaded 2-core CI machine).
    assert session.wait_response(43, timeout=2) == {"jsonrpc": "2.0", "id": 43, "result": {}}
    assert time.monotonic() - started < 1.2
    # Wait past the time the sleep would have finished: no response for the cancelled id, ever.
    late = session.recv_all(2.5)
    assert not [m for m in late + session.others if isinstance(m, dict) and same_id(m.get("id"), call_id)], late
    session.finish()


def test_cancel_stops_progress(session):
    session.send({"jsonrpc": "2.0", "id": 44, "method": "tools/call",
                  "params": {"name": "sleep", "arguments": {"ms": 3000}, "_meta": {"progressToken": "c1"}}})
    time.sleep(0.5)
    session.notify("notifications/cancelled", {"requestId": 44})
    session.assert_alive()
    time.sleep(0.3)  # progress already in the pipe may still arrive
    session.recv_all(0.1)
    late = session.recv_all(1.0)
    assert [m for m in late if m.get("method") == "notifications/progress"] == [], late
    assert [m for m in late if m.get("id") == 44] == [], late
    session.finish()


def test_concurrent_calls_are_not_serialised(session):
    # A slow call must not block a fast one behind it.
    session.send({"jsonrpc": "2.0", "id": 71, "method": "tools/call",
                  "params": {"name": "sleep", "arguments": {"ms": 2000}}})
    started = time.monotonic()
    res = session.call_tool("echo", {"text": "fast"}, timeout=5)
    assert text_of(res) == "fast"
    assert time.monotonic() - started < 1.5
    resp = session.wait_response(71, timeout=10)
    assert text_of(resp["result"]) == "slept 2000 ms"
    session.finish()


def test_progress_notifications_for_sleep(session):
    session.send({"jsonrpc": "2.0", "id": 81, "method": "tools/call",
                  "params": {"name": "sleep", "arguments": {"ms": 450}, "_meta": {"progressToken": "tok-1"}}})
    resp = session.wait_response(81, timeout=10)
    assert text_of(resp["result"]) == "slept 450 ms"
    progress = session.notifications("notifications/progress")
    assert len(progress) >= 2, session.others
    values = [p["params"]["progress"] for p in progress]
    assert all(p["params"]["progressToken"] == "tok-1" for p in progress)
    assert values == sorted(values) and len(set(values)) == len(values), f"progress must increase: {values}"
    # Nothing for the request after its response.
    assert [m for m in session.recv_all(0.4) if m.get("method") == "notifications/progress"] == []
    session.finish()


def test_no_progress_without_token(session):
    res = session.call_tool("sleep", {"ms": 300})
    assert text_of(res) == "slept 300 ms"
    assert session.notifications("notifications/progress") == []
    session.finish()


def test_cancel_of_initialize_id_is_harmless(server):
    server.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": LATEST, "capabilities": {},
                            "clientInfo": {"name": "t", "version": "1"}}})
    server.notify("notifications/cancelled", {"requestId": 1})
    resp = server.wait_response(1)
    assert resp["result"]["protocolVersion"] == LATEST
    server.notify("notifications/initialized")
    server.finish()


# -- resources -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    ["bastion://nope", "file:///etc/passwd", "bastion://diagnostics/other", "bastion://diagnostics/echo/a/b",
     "bastion://diagnostics/info/extra", "BASTION://diagnostics/inf"],
)
def test_read_unknown_resource(session, uri):
    err = session.error("resources/read", {"uri": uri}, -32002, id=91)
    assert isinstance(err["message"], str)
    session.finish()


def test_resource_template_variable_is_percent_decoded(session):
    res = session.result("resources/read", {"uri": "bastion://diagnostics/echo/a%20b%2Fc"})
    assert [c["text"] for c in res["contents"]] == ["a b/c"], res
    session.finish()


# -- nothing from a rejected message is logged -----------------------------------------------------

MARKER = "M4RK3R-5ecr3t-7f1c9a"


@pytest.mark.parametrize(
    "payload",
    [
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"secret":"' + MARKER.encode() + b'"',
        b'{"jsonrpc":"1.0","id":1,"method":"' + MARKER.encode() + b'"}',
        b'{"jsonrpc":"2.0","id":{"k":"' + MARKER.encode() + b'"},"method":"ping"}',
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"s":"' + MARKER.encode() + b'\xff"}}',
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"s":"' + MARKER.encode() + b'"}} extra',
        b'{"jsonrpc":"2.0","method":"x","params":{"s":"' + MARKER.encode() + b'","p":"' + b"P" * (5 * MIB) + b'"}}',
        b'{"m":"' + MARKER.encode() + b'","x":' + b"[" * 100_000,
    ],
    ids=["truncated", "bad-jsonrpc", "bad-id", "bad-utf8", "trailing", "oversized", "deep"],
)
def test_rejected_payload_never_logged(session, payload):
    # (Which error comes back is tested above; here only the logs matter.)
    session.send_raw(payload + b"\n")
    session.assert_alive()
    session.close()
    assert MARKER.encode() not in session.stderr_bytes(), session.stderr[-2000:]

