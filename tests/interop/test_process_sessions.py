"""Process sessions end to end: start_process / read_process_output / write_process_input /
kill_process / list_processes on the built `bastion`, with raw JSON-RPC clients and the official
Python `mcp` client (pinned 1.30.0).

Every session runs through the same `bastion sandbox-exec` as run_command (the stand-in of
test_execution.py when the binary has none; the tests that need real isolation say so).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import LATEST, StdioClient, text_of
# `server_env`: the stand-in sandbox-exec when the binary has none, as for run_command.
from test_execution import live_processes, server_env, uses_real_sandbox, wait_gone  # noqa: F401

CONFIG = """\
[[clients]]
id = "repl"
permissions = ["file_read", "file_write", "code_execution", "system_command:python3", "system_command:sh"]

[[clients]]
id = "other"
permissions = ["file_read", "file_write", "code_execution", "system_command:python3", "system_command:sh"]

[[clients]]
id = "echoer"
permissions = ["file_read", "file_write", "system_command:echo"]

[[clients]]
id = "reader"
read_only = true
permissions = ["file_read", "code_execution", "system_command:*"]

[[clients]]
id = "small"
permissions = ["file_read", "file_write", "code_execution"]
limits = { output_kb = 1, sessions = 1, session_idle_ms = 1500 }
"""

SESSION_TOOLS = {"start_process", "read_process_output", "write_process_input", "kill_process", "list_processes"}


@pytest.fixture
def connect(spawn, write_config):
    config = write_config(CONFIG)

    def start(client: str) -> StdioClient:
        server = spawn("--config", config, "--client", client)
        server.initialize(LATEST)
        return server

    return start


def start(server: StdioClient, **arguments: Any) -> dict[str, Any]:
    result = server.call_tool("start_process", arguments, timeout=40)
    assert result.get("isError") is not True, result
    return result["structuredContent"]


def read(server: StdioClient, session_id: str, **arguments: Any) -> dict[str, Any]:
    result = server.call_tool("read_process_output", {"sessionId": session_id, **arguments}, timeout=40)
    assert result.get("isError") is not True, result
    return result["structuredContent"]


def read_until(server: StdioClient, session_id: str, needle: str, within: float = 15.0) -> str:
    """Reads from where the last read stopped until `needle` is in stdout."""
    seen = ""
    deadline = time.monotonic() + within
    while needle not in seen and time.monotonic() < deadline:
        data = read(server, session_id, timeout_ms=1000)
        seen += data["stdout"]
        if not data["running"]:
            break
    return seen


def audit(state_home: Path) -> list[dict[str, Any]]:
    path = state_home / "bastion" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# -- a REPL -----------------------------------------------------------------------------------------


def test_python_repl_answers_what_is_written(connect):
    server = connect("repl")
    assert SESSION_TOOLS <= set(server.tool_names())
    first = start(server, command=["python3", "-q", "-u", "-i"])
    assert first["running"] is True and first["sessionId"].startswith("p-"), first
    assert first["stdoutOffset"] == len(first["stdout"].encode())
    written = server.call_tool("write_process_input", {"sessionId": first["sessionId"], "input": "print(6*7)\n"})
    assert written.get("isError") is not True and written["structuredContent"]["written"] == 11
    assert "42" in read_until(server, first["sessionId"], "42")
    server.call_tool("write_process_input", {"sessionId": first["sessionId"], "input": "", "close": True})
    deadline = time.monotonic() + 10
    while (data := read(server, first["sessionId"]))["running"] and time.monotonic() < deadline:
        pass
    assert data["running"] is False and data["exitCode"] == 0, data


def test_a_language_without_code_is_a_repl_for_a_code_execution_client(connect):
    server = connect("small")  # code_execution only: no system_command grant for python3
    first = start(server, language="python3")
    server.call_tool("write_process_input", {"sessionId": first["sessionId"], "input": "print(6*7)\n"})
    assert "42" in read_until(server, first["sessionId"], "42")
    listed = server.call_tool("list_processes", {})["structuredContent"]["sessions"]
    assert listed[0]["command"] == "python3 (interactive)"


def test_offsets_never_repeat_or_lose_bytes(connect):
    server = connect("repl")
    code = "for i in $(seq 1 40); do echo line$i; sleep 0.03; done"
    data = start(server, language="sh", code=code, wait_ms=100)
    session_id = data["sessionId"]
    collected = data["stdout"]
    offset = data["stdoutOffset"]
    reads = 1
    while data["running"]:
        data = read(server, session_id, stdoutOffset=offset, timeout_ms=500)
        assert data["dropped"] == 0
        collected += data["stdout"]
        offset = data["stdoutOffset"]
        reads += 1
    collected += read(server, session_id, stdoutOffset=offset)["stdout"]
    expected = "".join(f"line{i}\n" for i in range(1, 41))
    assert collected == expected and reads > 2, (reads, collected)
    # Offsets are absolute: reading again from 0 returns everything once more, then nothing new.
    again = read(server, session_id, stdoutOffset=0)
    assert again["stdout"] == expected and again["stdoutOffset"] == len(expected)
    assert read(server, session_id, timeout_ms=0)["stdout"] == ""


def test_read_waits_for_output_that_arrives_later(connect):
    server = connect("repl")
    data = start(server, command=["sh", "-c", "sleep 1; echo late"], wait_ms=0)
    assert data["stdout"] == ""
    began = time.monotonic()
    data = read(server, data["sessionId"], timeout_ms=10_000)
    waited = time.monotonic() - began
    assert data["stdout"] == "late\n", data
    assert 0.3 < waited < 8, waited


# -- killing ----------------------------------------------------------------------------------------


def test_kill_kills_the_whole_run_even_a_child_that_left_the_group(connect, bastion_bin: Path):
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("the stand-in sandbox-exec makes no cgroup; a setsid child escapes the process group")
    server = connect("repl")
    marker = f"4242.{uuid.uuid4().int % 10**8}"
    code = f"setsid sleep {marker}1 & sleep {marker}2 & echo started; wait"
    data = start(server, language="sh", code=code, wait_ms=2000)
    assert "started" in data["stdout"] or "started" in read_until(server, data["sessionId"], "started")
    deadline = time.monotonic() + 10  # the shell may echo before both children have exec'd sleep
    while len(live_processes(marker)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(live_processes(marker)) == 2
    killed = server.call_tool("kill_process", {"sessionId": data["sessionId"], "signal": "TERM"}, timeout=20)
    assert killed["structuredContent"]["running"] is False, killed
    assert wait_gone(marker) == []
    # The session stays readable after the kill, with its final state.
    after = read(server, data["sessionId"], stdoutOffset=0)
    assert after["running"] is False and "started" in after["stdout"]
    assert after["signal"] is not None or after["exitCode"] is not None


def test_mcp_session_end_kills_its_processes_and_records_the_end(connect, state_home: Path):
    server = connect("repl")
    marker = f"4343.{uuid.uuid4().int % 10**8}"
    data = start(server, command=["sh", "-c", f"sleep {marker}"], wait_ms=200)
    assert live_processes(marker)
    server.close(timeout=15)
    assert wait_gone(marker) == []
    ends = [r for r in audit(state_home) if r.get("event") == "process-end"]
    assert any(r.get("processSession") == data["sessionId"] for r in ends), ends


# -- binding to the caller ------------------------------------------------------------------------


def test_another_client_or_session_cannot_see_the_session(connect):
    owner = connect("repl")
    data = start(owner, command=["python3", "-q", "-u", "-i"])
    unknown = owner.call_tool("read_process_output", {"sessionId": "p-" + "0" * 32})
    assert unknown["isError"] is True
    for intruder in (connect("other"), connect("repl")):
        for tool, extra in (
            ("read_process_output", {}),
            ("write_process_input", {"input": "print(1)\n"}),
            ("kill_process", {"signal": "KILL"}),
        ):
            result = intruder.call_tool(tool, {"sessionId": data["sessionId"], **extra})
            assert result["isError"] is True
            assert text_of(result) == text_of(unknown).replace("p-" + "0" * 32, data["sessionId"])
        listed = intruder.call_tool("list_processes", {})
        assert listed["structuredContent"]["sessions"] == []
    # Untouched by all of that.
    assert read(owner, data["sessionId"], timeout_ms=0)["running"] is True


def test_list_shows_only_own_sessions(connect):
    server = connect("repl")
    one = start(server, command=["python3", "-q", "-u", "-i"])
    two = start(server, language="sh", code="exit 4", wait_ms=2000)
    listed = server.call_tool("list_processes", {})["structuredContent"]["sessions"]
    by_id = {entry["sessionId"]: entry for entry in listed}
    assert set(by_id) == {one["sessionId"], two["sessionId"]}
    assert by_id[one["sessionId"]]["running"] is True and "python3" in by_id[one["sessionId"]]["command"]
    assert by_id[two["sessionId"]]["running"] is False and by_id[two["sessionId"]]["exitCode"] == 4
    assert by_id[one["sessionId"]]["startedAt"].endswith("Z")


# -- errors and limits ------------------------------------------------------------------------------


def test_write_after_exit_is_a_clear_error(connect):
    server = connect("repl")
    data = start(server, language="sh", code="echo bye", wait_ms=2000)
    deadline = time.monotonic() + 10
    while read(server, data["sessionId"], timeout_ms=500)["running"] and time.monotonic() < deadline:
        pass
    result = server.call_tool("write_process_input", {"sessionId": data["sessionId"], "input": "x\n"})
    assert result["isError"] is True and "exited" in text_of(result)
    server.assert_alive()


def test_bounded_output_reports_what_was_dropped(connect):
    server = connect("small")
    data = start(server, language="sh", code="for i in $(seq 1 500); do echo 123456789; done", wait_ms=2000)
    deadline = time.monotonic() + 10
    while data["running"] and time.monotonic() < deadline:
        data = read(server, data["sessionId"], stdoutOffset=0, timeout_ms=500)
    data = read(server, data["sessionId"], stdoutOffset=0)
    assert len(data["stdout"]) <= 1024 and data["dropped"] == 5000 - len(data["stdout"]), data
    assert data["stdoutOffset"] == 5000 and data["stdout"].endswith("123456789\n")
    assert "discarded" in text_of(server.call_tool("read_process_output", {"sessionId": data["sessionId"], "stdoutOffset": 0}))


def test_session_cap_and_idle_expiry(connect):
    server = connect("small")
    data = start(server, language="sh", code="sleep 60", wait_ms=0)
    refused = server.call_tool("start_process", {"language": "sh", "code": "true"})
    assert refused["isError"] is True and "limits.sessions" in text_of(refused)
    time.sleep(3.5)  # session_idle_ms = 1500
    listed = server.call_tool("list_processes", {})["structuredContent"]["sessions"]
    assert listed[0]["running"] is False and listed[0].get("idleExpired") is True, listed
    assert start(server, language="sh", code="true", wait_ms=0)["sessionId"]


def test_denied_command_is_refused_at_start(connect):
    server = connect("echoer")
    result = server.call_tool("start_process", {"command": ["python3", "-i"]})
    assert result["isError"] is True and "system_command" in text_of(result)
    code = server.call_tool("start_process", {"language": "sh", "code": "true"})
    assert code["isError"] is True and "code_execution" in text_of(code)
    assert server.call_tool("list_processes", {})["structuredContent"]["sessions"] == []


def test_read_only_client_is_not_offered_session_tools(connect):
    assert not SESSION_TOOLS & set(connect("reader").tool_names())
    assert SESSION_TOOLS <= set(connect("small").tool_names())  # code_execution alone is enough


def test_bad_arguments_are_refused_and_the_server_keeps_serving(connect):
    """Schema violations are tool errors at 2025-11-25 (tools.mdx, input validation); each names the argument."""
    server = connect("repl")
    for arguments, named in (
        ({"name": "read_process_output", "arguments": {}}, "sessionId"),
        ({"name": "kill_process", "arguments": {"sessionId": "p-1", "signal": "STOP"}}, "signal"),
        ({"name": "read_process_output", "arguments": {"sessionId": "p-1", "timeout_ms": 40_000}}, "timeout_ms"),
        ({"name": "start_process", "arguments": {"command": ["sh"], "wait_ms": -1}}, "wait_ms"),
        ({"name": "start_process", "arguments": {"command": ["sh"], "timeout_ms": 0}}, "timeout_ms"),
    ):
        result = server.result("tools/call", arguments)
        assert result["isError"] is True and named in text_of(result), result
    both = server.call_tool("start_process", {"command": ["sh"], "language": "sh", "code": "true"})
    assert both["isError"] is True and "either" in text_of(both)
    too_big = server.call_tool("write_process_input", {"sessionId": "p-1", "input": "x" * (1_048_577)}, timeout=30)
    assert too_big["isError"] is True and "1048576" in text_of(too_big)
    assert server.call_tool("list_processes", {})["structuredContent"]["sessions"] == []
    server.assert_alive()


def test_the_sandbox_applies_inside_a_session(connect, tmp_path: Path, bastion_bin: Path):
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("the stand-in sandbox-exec applies no isolation")
    server = connect("repl")
    outside = tmp_path / "outside.txt"
    data = start(server, language="sh", code=f"echo inside > ok.txt && echo x > {outside}; echo rc=$?", wait_ms=3000)
    text = read_until(server, data["sessionId"], "rc=")
    assert "rc=0" not in text and not outside.exists(), text


def test_audit_records_start_and_sizes_only(connect, state_home: Path):
    server = connect("repl")
    data = start(server, command=["python3", "-q", "-u", "-i"])
    secret = "print('SECRET-' + 'INPUT')\n"
    server.call_tool("write_process_input", {"sessionId": data["sessionId"], "input": secret})
    read_until(server, data["sessionId"], "SECRET-INPUT")
    server.close(timeout=15)
    records = audit(state_home)
    text = json.dumps(records)
    assert "SECRET-" not in text
    starts = [r for r in records if r.get("tool") == "start_process"]
    assert starts and starts[0]["execution"]["processSession"] == data["sessionId"], starts
    assert starts[0]["execution"]["argv"] and starts[0]["execution"]["cwd"]
    writes = [r for r in records if r.get("tool") == "write_process_input"]
    assert writes and writes[0]["execution"]["inputBytes"] == len(secret), writes
    ends = [r for r in records if r.get("event") == "process-end" and r.get("processSession") == data["sessionId"]]
    assert len(ends) == 1 and ends[0]["client"] == "repl" and ends[0]["stdoutBytes"] > 0, ends
    assert ends[0]["durationMs"] >= 0 and "exitCode" in ends[0] and "signal" in ends[0]


def test_a_kill_is_audited_with_its_signal(connect, state_home: Path):
    server = connect("repl")
    data = start(server, command=["sh", "-c", "sleep 60"], wait_ms=0)
    server.call_tool("kill_process", {"sessionId": data["sessionId"], "signal": "INT"}, timeout=20)
    server.close(timeout=15)
    kills = [r for r in audit(state_home) if r.get("tool") == "kill_process"]
    assert kills and kills[0]["execution"]["kill"] == "INT", kills
    ends = [r for r in audit(state_home) if r.get("event") == "process-end"]
    assert ends and ends[0]["killedWith"] == "SIGINT", ends


# -- the official client ----------------------------------------------------------------------------


def test_official_client_drives_a_session_with_the_default_configuration(bastion_bin: Path, server_env, tmp_path: Path):
    params = StdioServerParameters(
        command=str(bastion_bin),
        args=["serve"],
        env={k: v for k, v in server_env.items() if k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "BASTION_SANDBOX_EXEC")},
        cwd=str(tmp_path),
    )
    code = "import sys\nfor line in sys.stdin:\n    print(int(line) * 2, flush=True)\n"

    async def main() -> None:
        with (tmp_path / "server-stderr.log").open("a") as errlog:
            with anyio.fail_after(60):
                async with stdio_client(params, errlog=errlog) as (read_stream, write_stream):
                    async with ClientSession(read_stream, write_stream) as session:
                        await session.initialize()
                        tools = {t.name: t for t in (await session.list_tools()).tools}
                        assert SESSION_TOOLS <= set(tools)
                        assert tools["read_process_output"].annotations.readOnlyHint is True
                        assert tools["start_process"].annotations.destructiveHint is True
                        started = await session.call_tool("start_process", {"language": "python3", "code": code})
                        assert started.isError is False, started
                        session_id = started.structuredContent["sessionId"]
                        wrote = await session.call_tool("write_process_input", {"sessionId": session_id, "input": "21\n"})
                        assert wrote.isError is False, wrote
                        seen = ""
                        for _ in range(20):
                            got = await session.call_tool(
                                "read_process_output", {"sessionId": session_id, "timeout_ms": 1000}
                            )
                            seen += got.structuredContent["stdout"]
                            if "42" in seen:
                                break
                        assert "42\n" in seen, seen
                        killed = await session.call_tool("kill_process", {"sessionId": session_id, "signal": "KILL"})
                        assert killed.structuredContent["running"] is False

    anyio.run(main)
