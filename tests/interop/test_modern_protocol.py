"""MCP 2026-07-28 beside the handshake era on one stdio connection (issue 11, items 1–3 and 7).

Raw lines, as the Python SDK 2.x sends them (../shared/MCP-2026-07-28.md §12): the first request
decides the connection's era; every modern request is checked on its own `_meta` envelope; results
carry `resultType` and the server's identity; what the revision removed is -32601.
"""

from __future__ import annotations

import json
import time

import pytest

from conftest import LATEST, StdioClient

MODERN = "2026-07-28"
ALL_VERSIONS = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
SERVER_INFO = "io.modelcontextprotocol/serverInfo"


def envelope(**extra) -> dict:
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "raw-modern", "version": "9.9"},
        "io.modelcontextprotocol/clientCapabilities": {},
    }
    meta.update(extra)
    return meta


def modern(server: StdioClient, method: str, params: dict | None = None, meta: dict | None = None, **kw) -> dict:
    """One modern request: its params plus the envelope; the whole response."""
    body = dict(params or {})
    body["_meta"] = meta if meta is not None else envelope()
    return server.request(method, body, **kw)


def refused(response: dict, code: int) -> None:
    assert "result" not in response and response["error"]["code"] == code, response


def done(server: StdioClient) -> None:
    """End of a modern test: the server still answers (a modern `tools/list`; `ping` is gone), then
    exits cleanly on EOF."""
    assert "tools" in modern(server, "tools/list")["result"]
    server.close()


@pytest.fixture
def started(spawn, full_config) -> StdioClient:
    return spawn("--config", full_config, "--client", "full")


def test_discover_names_every_revision_and_what_is_served(started):
    response = modern(started, "server/discover")
    result = response["result"]
    assert result["supportedVersions"] == ALL_VERSIONS
    assert result["resultType"] == "complete"
    assert result["ttlMs"] == 0 and result["cacheScope"] == "private"
    assert result["_meta"][SERVER_INFO]["name"] == "bastion"
    assert {"tools", "resources", "prompts", "completions"} <= set(result["capabilities"])
    assert "tasks" not in result["capabilities"]  # core tasks are gone; the extension replaces them
    assert result["capabilities"]["extensions"] == {"io.modelcontextprotocol/tasks": {}}
    assert "Sandbox" in result["instructions"] or "sandbox" in result["instructions"]
    done(started)


def test_a_modern_connection_refuses_initialize_with_the_modern_versions(started):
    modern(started, "server/discover")
    response = started.request(
        "initialize", {"protocolVersion": LATEST, "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}}
    )
    refused(response, -32022)
    assert response["error"]["data"] == {"supported": [MODERN], "requested": LATEST}
    done(started)


def test_a_handshake_connection_refuses_the_modern_envelope(started):
    started.initialize(LATEST)
    for method in ["server/discover", "tools/list"]:
        refused(modern(started, method), -32600)
    assert "tools" in started.result("tools/list")
    started.finish()


def test_a_refused_envelope_decides_nothing_so_initialize_still_works(started):
    response = modern(started, "server/discover", meta=envelope(**{"io.modelcontextprotocol/protocolVersion": "2099-01-01"}))
    refused(response, -32022)
    assert response["error"]["data"] == {"supported": [MODERN], "requested": "2099-01-01"}
    init = started.initialize(LATEST)
    assert init["protocolVersion"] == LATEST
    started.finish()


@pytest.mark.parametrize(
    "meta,code",
    [
        ({"io.modelcontextprotocol/protocolVersion": MODERN}, -32602),  # no clientCapabilities
        ({"io.modelcontextprotocol/protocolVersion": 20260728, "io.modelcontextprotocol/clientCapabilities": {}}, -32602),
        ({"io.modelcontextprotocol/protocolVersion": "2025-11-25", "io.modelcontextprotocol/clientCapabilities": {}}, -32022),
        (envelope(**{"io.modelcontextprotocol/clientCapabilities": []}), -32602),
        (envelope(**{"io.modelcontextprotocol/logLevel": "loud"}), -32602),
    ],
)
def test_every_request_is_checked_on_its_own_envelope(started, meta, code):
    modern(started, "server/discover")
    refused(modern(started, "tools/list", meta=meta), code)
    # Nothing inferred from the earlier, valid request: a request without the envelope is refused too.
    refused(started.request("tools/list", {}), -32602)
    assert "tools" in modern(started, "tools/list")["result"]
    done(started)


@pytest.mark.parametrize("method", ["ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe", "tasks/list", "tasks/result"])
def test_methods_the_revision_removed_are_not_found(started, method):
    params = {"level": "info"} if method == "logging/setLevel" else {"uri": "bastion://diagnostics/info"}
    refused(modern(started, method, params), -32601)
    done(started)


def test_results_carry_result_type_server_info_and_cache_hints(started):
    for method, params in [
        ("tools/list", {}),
        ("resources/list", {}),
        ("resources/templates/list", {}),
        ("prompts/list", {}),
        ("resources/read", {"uri": "bastion://diagnostics/info"}),
    ]:
        result = modern(started, method, params)["result"]
        assert result["resultType"] == "complete", method
        assert result["_meta"][SERVER_INFO]["name"] == "bastion", method
        assert result["ttlMs"] == 0 and result["cacheScope"] == "private", method
    for method, params in [
        ("tools/call", {"name": "echo", "arguments": {"text": "hi"}}),
        ("prompts/get", {"name": "review", "arguments": {"path": "a.swift"}}),
        ("completion/complete", {"ref": {"type": "ref/prompt", "name": "review"}, "argument": {"name": "focus", "value": ""}}),
    ]:
        result = modern(started, method, params)["result"]
        assert result["resultType"] == "complete", method
        assert SERVER_INFO in result["_meta"], method
        assert "ttlMs" not in result, method
    call = modern(started, "tools/call", {"name": "echo", "arguments": {"text": "hi"}})["result"]
    assert call["content"][0]["text"] == "hi"
    done(started)


def test_an_unknown_resource_is_invalid_params_never_32002(started):
    response = modern(started, "resources/read", {"uri": "bastion://diagnostics/none"})
    refused(response, -32602)
    done(started)


def test_log_messages_only_for_the_request_that_asked_and_at_its_level(started):
    quiet = modern(started, "tools/call", {"name": "sleep", "arguments": {"ms": 150}})
    assert "result" in quiet
    assert started.notifications("notifications/message") == []
    loud = modern(started, "tools/call", {"name": "sleep", "arguments": {"ms": 150}},
                  meta=envelope(**{"io.modelcontextprotocol/logLevel": "info"}))
    assert "result" in loud
    levels = [n["params"]["level"] for n in started.notifications("notifications/message")]
    assert levels == ["info"], levels  # the debug lines stay below the asked level
    done(started)


def test_progress_comes_for_the_progress_token_in_meta(started):
    response = modern(started, "tools/call", {"name": "sleep", "arguments": {"ms": 250}},
                      meta=envelope(progressToken="p-1"))
    assert "result" in response
    progress = started.notifications("notifications/progress")
    assert progress and all(n["params"]["progressToken"] == "p-1" for n in progress)
    done(started)


def test_cancellation_stops_the_call_and_nothing_answers_it(started):
    call = started.next_id()
    started.send({"jsonrpc": "2.0", "id": call, "method": "tools/call",
                  "params": {"name": "sleep", "arguments": {"ms": 20000}, "_meta": envelope()}})
    time.sleep(0.3)
    started.notify("notifications/cancelled", {"requestId": call, "reason": "caller cancelled"})
    after = modern(started, "tools/call", {"name": "echo", "arguments": {"text": "next"}})
    assert after["result"]["content"][0]["text"] == "next"
    assert not [m for m in started.recv_all(0.5) if m.get("id") == call]
    done(started)


def test_no_server_request_or_unsolicited_notification_on_a_modern_connection(started):
    modern(started, "server/discover")
    started.notify("notifications/initialized")  # would set off roots/list on a handshake connection
    started.notify("notifications/roots/list_changed")
    modern(started, "tools/list")
    assert [m for m in started.recv_all(0.5) + started.others if "method" in m and "id" in m] == []
    done(started)


def test_the_audit_record_names_the_revision_and_the_claimed_client(started, state_home):
    modern(started, "tools/call", {"name": "echo", "arguments": {"text": "audited"}})
    refused(modern(started, "ping"), -32601)
    started.close()
    records = [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]
    start = [r for r in records if r.get("event") == "session-start"]
    assert start and start[0]["protocol"] == MODERN and start[0]["client_name"] == "raw-modern"
    calls = [r for r in records if r.get("method") == "tools/call"]
    assert calls and calls[0]["protocol"] == MODERN
    assert calls[0]["client_name"] == "raw-modern" and calls[0]["client_version"] == "9.9"
    assert calls[0]["outcome"] == "ok"
    pings = [r for r in records if r.get("method") == "ping"]
    assert pings and pings[0]["protocol"] == MODERN and pings[0]["code"] == -32601


def test_the_execution_tools_on_the_modern_path(spawn, write_config):
    config = write_config('[[clients]]\nid = "coder"\npermissions = ["code_execution", "system_command:*"]\n')
    server = spawn("--config", config, "--client", "coder")
    result = modern(server, "tools/call", {"name": "run_command", "arguments": {"command": ["echo", "modern"]}},
                    timeout=30)["result"]
    assert result["resultType"] == "complete"
    assert result["structuredContent"]["exitCode"] == 0
    assert result["structuredContent"]["stdout"] == "modern\n"
    started = modern(server, "tools/call", {"name": "start_process", "arguments": {"language": "sh", "code": "echo up; sleep 5"}},
                     timeout=30)["result"]
    assert started["resultType"] == "complete" and not started.get("isError"), started
    done(server)


def test_subscriptions_listen_acknowledges_the_honoured_subset_and_tags_every_update(spawn, write_config, tmp_path):
    workdir = tmp_path / "work"
    config = write_config(f'[[clients]]\nid = "full"\nworkdir = "{workdir}"\npermissions = ["file_read", "file_write"]\n')
    server = spawn("--config", config, "--client", "full")
    modern(server, "tools/list")  # the workdir exists once the server has started
    watched = workdir / "watched.txt"
    watched.write_text("a")
    listen = server.next_id()
    server.send({"jsonrpc": "2.0", "id": listen, "method": "subscriptions/listen", "params": {
        "notifications": {"toolsListChanged": True, "promptsListChanged": True,
                          "resourceSubscriptions": [f"file://{watched}", "file:///etc/shadow"]},
        "_meta": envelope()}})
    ack = server.recv(timeout=10)
    assert ack["method"] == "notifications/subscriptions/acknowledged", ack
    assert ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == listen
    # Prompt lists never change within a connection; /etc/shadow is not the client's.
    assert ack["params"]["notifications"] == {"toolsListChanged": True, "resourceSubscriptions": [f"file://{watched}"]}
    watched.write_text("b")
    update = server.recv(timeout=10)
    assert update["method"] == "notifications/resources/updated"
    assert update["params"]["uri"] == f"file://{watched}"
    assert update["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == listen
    # write_text truncates, then writes: that may be a second update of the same change, still in flight.
    server.recv_all(0.5)
    server.notify("notifications/cancelled", {"requestId": listen})
    time.sleep(0.3)
    watched.write_text("c")
    assert not [m for m in server.recv_all(0.6) if m.get("id") == listen or m.get("method", "").startswith("notifications/resources")]
    done(server)


def test_listen_is_not_found_on_a_handshake_connection(started):
    started.initialize(LATEST)
    response = started.request("subscriptions/listen", {"notifications": {"toolsListChanged": True}})
    assert response["error"]["code"] == -32601
    started.finish()


def test_a_reload_reaches_a_tools_listen_and_nothing_else_gets_it(spawn, write_config, tmp_path):
    import os
    import signal

    config = write_config('[[clients]]\nid = "full"\npermissions = ["file_read"]\n')
    server = spawn("--config", config, "--client", "full")
    modern(server, "tools/list")
    listen = server.next_id()
    server.send({"jsonrpc": "2.0", "id": listen, "method": "subscriptions/listen",
                 "params": {"notifications": {"toolsListChanged": True}, "_meta": envelope()}})
    assert server.recv(timeout=10)["method"] == "notifications/subscriptions/acknowledged"
    config.write_text('[[clients]]\nid = "full"\npermissions = ["file_read", "file_write"]\n')
    os.kill(server.proc.pid, signal.SIGHUP)
    changed = server.recv(timeout=10)
    assert changed["method"] == "notifications/tools/list_changed", changed
    assert changed["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == listen
    names = {t["name"] for t in modern(server, "tools/list")["result"]["tools"]}
    assert "write_file" in names
    server.notify("notifications/cancelled", {"requestId": listen})
    done(server)
