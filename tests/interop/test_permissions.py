"""Two clients of different rights from one config; denials are tool results; the audit log records them.

ARCHITECTURE §2 (a client sees only the tools it may call; a denial is an `isError` result naming the
missing permission) and §8 (one audit record per request, denials included).
"""

from __future__ import annotations

import os

import json
from pathlib import Path

import pytest

from conftest import ALL_VERSIONS, DIAGNOSTIC_TOOLS, text_of


def _start(spawn, config, client, version="2025-11-25"):
    server = spawn("--config", config, "--client", client)
    server.initialize(version)
    return server


@pytest.mark.parametrize(
    ("client", "sees_list_workdir"),
    [("full", True), ("restricted", False)],
)
def test_tools_list_filtered_by_permission(spawn, full_config, client, sees_list_workdir):
    server = _start(spawn, full_config, client)
    names = server.tool_names()
    assert {"echo", "sleep", "whoami"} <= set(names), names
    assert ("list_workdir" in names) == sees_list_workdir, names
    server.close()


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_denied_call_is_tool_error_naming_permission(spawn, full_config, version):
    server = _start(spawn, full_config, "restricted", version)
    resp = server.request("tools/call", {"name": "list_workdir", "arguments": {}}, id=7)
    assert "result" in resp, f"a denial is a tool result, not a JSON-RPC error: {resp}"
    assert resp["result"].get("isError") is True, resp
    assert "file_read" in text_of(resp["result"]).lower(), resp
    # The denial did not break the session.
    assert text_of(server.call_tool("echo", {"text": "still here"})) == "still here"
    server.finish()


def test_full_client_may_list_workdir(spawn, full_config):
    server = _start(spawn, full_config, "full")
    who = server.call_tool("whoami", {})["structuredContent"]
    workdir = Path(who["workdir"])
    assert workdir.is_dir(), f"the workdir {workdir} is created for the client"
    (workdir / "hello-interop.txt").write_text("hi")
    (workdir / "subdir-interop").mkdir()
    res = server.call_tool("list_workdir", {})
    assert res.get("isError") in (None, False), res
    listing = text_of(res)
    assert "hello-interop.txt" in listing and "subdir-interop" in listing, listing
    server.close()


@pytest.mark.parametrize(
    ("client", "permissions"),
    [("full", {"file_read", "file_write", "code_execution"}), ("restricted", set())],
)
def test_whoami_reports_client_and_permissions(spawn, full_config, state_home, client, permissions):
    server = _start(spawn, full_config, client)
    res = server.call_tool("whoami", {})
    who = res["structuredContent"]
    assert who["client"] == client
    assert {p.split(":")[0].lower() for p in who["permissions"]} == permissions, who
    assert isinstance(who["workdir"], str) and who["workdir"]
    assert json.loads(text_of(res)) == who, "the text block carries the same JSON"
    server.close()


def test_clients_get_separate_workdirs(spawn, full_config):
    dirs = {}
    for client in ("full", "restricted"):
        server = _start(spawn, full_config, client)
        dirs[client] = server.call_tool("whoami", {})["structuredContent"]["workdir"]
        server.close()
    assert dirs["full"] != dirs["restricted"], dirs


def test_default_client_is_local_with_file_rights(spawn, state_home):
    server = spawn("--diagnostics")
    server.initialize()
    who = server.call_tool("whoami", {})["structuredContent"]
    assert who["client"] == "local"
    perms = {p.split(":")[0].lower() for p in who["permissions"]}
    assert {"file_read", "file_write"} <= perms, who
    workdir = Path(who["workdir"]).resolve()
    assert workdir == (state_home / "bastion" / "clients" / "local").resolve(), who
    # 0700, or as root 0770: the group bits show the ACL mask of the run_as user's entry.
    assert workdir.stat().st_mode & 0o777 == (0o770 if os.geteuid() == 0 else 0o700), oct(workdir.stat().st_mode)
    assert "list_workdir" in server.tool_names()
    server.close()


def test_diagnostics_off_by_default(spawn):
    server = spawn()
    server.initialize()
    names = server.tool_names()
    assert not (DIAGNOSTIC_TOOLS & set(names)), names
    resp = server.request("tools/call", {"name": "echo", "arguments": {"text": "x"}}, id=3)
    assert "error" in resp and resp["error"]["code"] == -32602, resp
    server.finish()


def test_config_enables_diagnostics(spawn, write_config):
    config = write_config(
        """
        [server]
        diagnostics = true
        [[clients]]
        id = "only"
        permissions = ["file_read"]
        """
    )
    server = spawn("--config", config, "--client", "only")
    server.initialize()
    assert DIAGNOSTIC_TOOLS <= set(server.tool_names())
    server.close()


# -- audit log -------------------------------------------------------------------------------------


def _audit_records(state_home: Path) -> list[dict]:
    path = state_home / "bastion" / "audit.jsonl"
    assert path.is_file(), f"no audit log at {path}"
    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    assert all(isinstance(r, dict) for r in records)
    return records


def test_audit_log_records_requests_and_denials(spawn, full_config, state_home):
    server = _start(spawn, full_config, "restricted")
    server.tool_names()
    denied = server.request("tools/call", {"name": "list_workdir", "arguments": {}})
    assert denied["result"]["isError"] is True
    server.call_tool("echo", {"text": "audited"})
    server.close()

    records = [r for r in _audit_records(state_home) if "method" in r]  # request records (others: start, …)
    for r in records:
        for key in ("client", "method", "outcome"):
            assert key in r, f"audit record without {key}: {r}"
        if r["method"] == "tools/call":
            assert "tool" in r and "decision" in r, f"a call's record names the tool and the decision: {r}"
    assert {r["client"] for r in records} == {"restricted"}, records
    methods = [r["method"] for r in records]
    assert "initialize" in methods and "tools/list" in methods, methods
    calls = [r for r in records if r["method"] == "tools/call"]
    by_tool = {r.get("tool"): r for r in calls}
    assert {"list_workdir", "echo"} <= set(by_tool), calls
    assert by_tool["list_workdir"]["decision"] != by_tool["echo"]["decision"], calls
    assert "den" in str(by_tool["list_workdir"]["decision"]).lower(), by_tool["list_workdir"]
    assert "allow" in str(by_tool["echo"]["decision"]).lower(), by_tool["echo"]


def test_audit_record_written_before_response(spawn, full_config, state_home):
    server = _start(spawn, full_config, "full")
    server.call_tool("echo", {"text": "first"})
    # The record of a call is written before its response is sent (ARCHITECTURE §1).
    records = _audit_records(state_home)
    assert any(r.get("method") == "tools/call" and r.get("tool") == "echo" for r in records), records
    server.close()


def test_audit_log_one_line_per_request(spawn, full_config, state_home):
    server = _start(spawn, full_config, "full")
    for i in range(5):
        server.call_tool("echo", {"text": f"n{i}"})
    server.close()
    records = _audit_records(state_home)
    echo_calls = [r for r in records if r.get("method") == "tools/call" and r.get("tool") == "echo"]
    assert len(echo_calls) == 5, records
    # Every record names its client but the service's own start and stop (one process, many clients).
    assert {r["client"] for r in records if "client" in r} == {"full"}
    assert {r["event"] for r in records if "client" not in r} == {"start", "stop"}
