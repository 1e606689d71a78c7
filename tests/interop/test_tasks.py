"""Task-augmented tool calls (MCP 2025-11-25 tasks.mdx): `run_command` / `run_code` as tasks, polled
with `tasks/get`, fetched with `tasks/result`, listed and cancelled — with the official Python client
(mcp 1.30.0, `session.experimental`) and raw JSON-RPC for every rule the spec states."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

from conftest import LATEST, StdioClient, assert_error
from test_execution import live_processes, server_env  # noqa: F401 - the fixture picks the sandbox

CONFIG = """\
[[clients]]
id = "coder"
permissions = ["file_read", "file_write", "code_execution", "system_command:sleep"]
limits = { timeout_ms = 20000 }

[[clients]]
id = "reader"
permissions = ["file_read"]
"""

RELATED = "io.modelcontextprotocol/related-task"


@pytest.fixture
def config(write_config) -> Path:
    return write_config(CONFIG)


@pytest.fixture
def coder(spawn, config: Path) -> StdioClient:
    server = spawn("--config", config, "--client", "coder")
    server.initialize(LATEST)
    return server


def create_task(server: StdioClient, name: str, arguments: dict, task: Any = None, **extra: Any) -> dict:
    params: dict[str, Any] = {"name": name, "arguments": arguments, "task": {"ttl": 60000} if task is None else task}
    params.update(extra)
    result = server.result("tools/call", params)
    assert set(result["task"]) >= {"taskId", "status", "createdAt", "lastUpdatedAt", "ttl", "pollInterval"}, result
    assert result["task"]["status"] == "working"
    return result["task"]


def wait_terminal(server: StdioClient, task_id: str, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = server.result("tasks/get", {"taskId": task_id})
        if got["status"] in ("completed", "failed", "cancelled"):
            return got
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} still running after {timeout} s")


def audit(state_home: Path) -> list[dict[str, Any]]:
    path = state_home / "bastion" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_official_client_runs_code_as_a_task(bastion_bin: Path, server_env, config: Path, tmp_path: Path):  # noqa: F811
    params = StdioServerParameters(
        command=str(bastion_bin), args=["serve", "--config", str(config), "--client", "coder"], env=server_env, cwd=str(tmp_path)
    )

    async def main() -> None:
        with (tmp_path / "server-stderr.log").open("a") as errlog:
            with anyio.fail_after(60):
                async with stdio_client(params, errlog=errlog) as (read, write):
                    async with ClientSession(read, write) as session:
                        init = await session.initialize()
                        tasks = init.capabilities.tasks
                        assert tasks is not None and tasks.requests.tools.call is not None
                        assert tasks.list is not None and tasks.cancel is not None
                        tools = {t.name: t for t in (await session.list_tools()).tools}
                        assert tools["run_code"].execution.taskSupport == "optional"
                        assert tools["read_file"].execution is None  # forbidden: absent
                        created = await session.experimental.call_tool_as_task(
                            "run_code", {"language": "sh", "code": "sleep 0.3; echo $((6*7))"}
                        )
                        task_id = created.task.taskId
                        statuses = [status.status async for status in session.experimental.poll_task(task_id)]
                        assert statuses[-1] == "completed", statuses
                        result = await session.experimental.get_task_result(task_id, types.CallToolResult)
                        assert result.isError is False, result
                        assert result.structuredContent["stdout"] == "42\n"
                        assert result.meta[RELATED] == {"taskId": task_id}
                        listed = await session.experimental.list_tasks()
                        assert [t.taskId for t in listed.tasks] == [task_id]

    anyio.run(main)


def test_a_task_is_polled_then_its_result_is_exactly_the_calls(coder: StdioClient, state_home: Path):
    task = create_task(coder, "run_code", {"language": "sh", "code": "echo out; echo err >&2; exit 3"})
    # tasks/result blocks until the end, then returns the call's own result plus the related task.
    result = coder.result("tasks/result", {"taskId": task["taskId"]}, timeout=20)
    assert result["structuredContent"]["exitCode"] == 3
    assert result["structuredContent"]["stdout"] == "out\n" and result["structuredContent"]["stderr"] == "err\n"
    assert result["_meta"][RELATED] == {"taskId": task["taskId"]}
    # A non-zero exit is a result, not an error: the task completed (isError stays false).
    final = coder.result("tasks/get", {"taskId": task["taskId"]})
    assert final["status"] == "completed" and final["createdAt"] == task["createdAt"]
    # Both records: the request that created the task, and the run itself.
    records = [r for r in audit(state_home) if r.get("task") == task["taskId"]]
    assert {r.get("outcome") for r in records} >= {"task-created"}, records
    run = [r for r in records if r.get("outcome") != "task-created"]
    assert len(run) == 1 and run[0]["tool"] == "run_code" and run[0]["execution"]["exitCode"] == 3, run
    coder.finish()


def test_a_failing_tool_result_makes_a_failed_task(coder: StdioClient):
    task = create_task(coder, "run_command", {"command": ["rm", "-rf", "/"]})
    final = wait_terminal(coder, task["taskId"])
    assert final["status"] == "failed" and "Permission denied" in final["statusMessage"], final
    result = coder.result("tasks/result", {"taskId": task["taskId"]})
    assert result["isError"] is True
    coder.finish()


def test_cancelling_a_task_kills_its_process(coder: StdioClient):
    marker = "7.31415"
    task = create_task(coder, "run_command", {"command": ["sleep", marker]})
    deadline = time.monotonic() + 10
    while not live_processes(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_processes(f"sleep {marker}"), "the task's process never started"
    cancelled = coder.result("tasks/cancel", {"taskId": task["taskId"]})
    assert cancelled["status"] == "cancelled" and cancelled["taskId"] == task["taskId"]
    # The status is final before the answer, and the run is killed.
    assert coder.result("tasks/get", {"taskId": task["taskId"]})["status"] == "cancelled"
    deadline = time.monotonic() + 5
    while live_processes(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not live_processes(f"sleep {marker}")
    result = coder.result("tasks/result", {"taskId": task["taskId"]}, timeout=10)
    assert result["isError"] is True
    # A terminal task cannot be cancelled again (-32602).
    assert "terminal" in coder.error("tasks/cancel", {"taskId": task["taskId"]}, -32602)["message"]
    statuses = [n["params"]["status"] for n in coder.notifications("notifications/tasks/status")]
    assert statuses.count("cancelled") == 1, statuses
    coder.finish()


def test_unknown_and_malformed_task_ids_are_invalid_params(coder: StdioClient):
    for method in ("tasks/get", "tasks/result", "tasks/cancel"):
        assert "not found" in coder.error(method, {"taskId": "t-00000000000000000000000000000000"}, -32602)["message"]
        coder.error(method, {"taskId": 7}, -32602)
        coder.error(method, {}, -32602)
    coder.error("tasks/list", {"cursor": "tasks:99"}, -32602)
    coder.finish()


def test_a_tool_that_forbids_tasks_is_refused_as_a_task(coder: StdioClient, tmp_path: Path):
    resp = coder.request("tools/call", {"name": "list_directory", "arguments": {"path": "."}, "task": {}})
    assert_error(resp, -32601, resp["id"])
    resp = coder.request("tools/call", {"name": "no_such_tool", "arguments": {}, "task": {}})
    assert_error(resp, -32602, resp["id"])
    # Bad task params: not an object, or a ttl that is not a whole number of milliseconds.
    for bad in ([], "soon", {"ttl": -1}, {"ttl": "60000"}, {"ttl": 1.5}):
        resp = coder.request("tools/call", {"name": "run_code", "arguments": {"language": "sh", "code": "true"}, "task": bad})
        assert_error(resp, -32602, resp["id"])
    coder.finish()


def test_the_ttl_granted_is_bounded_and_reported(coder: StdioClient):
    tiny = create_task(coder, "run_code", {"language": "sh", "code": "true"}, task={"ttl": 1})
    # At least the client's timeout plus a minute, so the answer outlives the run.
    assert tiny["ttl"] >= 20000 + 60000
    huge = create_task(coder, "run_code", {"language": "sh", "code": "true"}, task={"ttl": 10**12})
    assert huge["ttl"] == 3_600_000
    default = create_task(coder, "run_code", {"language": "sh", "code": "true"}, task={})
    assert default["ttl"] == 300_000
    coder.finish()


def test_tasks_are_listed_oldest_first_with_pagination(coder: StdioClient):
    ids = [create_task(coder, "run_code", {"language": "sh", "code": f"echo {i}"})["taskId"] for i in range(3)]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = coder.result("tasks/list", {"cursor": cursor} if cursor else {})
        seen += [t["taskId"] for t in page["tasks"]]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    assert seen == ids
    coder.finish()


def test_progress_and_status_notifications_carry_the_task(coder: StdioClient):
    task = create_task(
        coder,
        "run_code",
        {"language": "sh", "code": "for i in 1 2 3; do echo tick $i; sleep 0.4; done"},
        _meta={"progressToken": "p-1"},
    )
    coder.result("tasks/result", {"taskId": task["taskId"]}, timeout=20)
    progress = [n for n in coder.notifications("notifications/progress") if n["params"]["progressToken"] == "p-1"]
    assert progress, "no progress for a task whose request asked for it"
    assert all(n["params"]["_meta"][RELATED] == {"taskId": task["taskId"]} for n in progress)
    statuses = [n["params"] for n in coder.notifications("notifications/tasks/status")]
    assert statuses and statuses[-1]["taskId"] == task["taskId"] and statuses[-1]["status"] == "completed"
    assert RELATED not in statuses[-1].get("_meta", {})
    coder.finish()


def test_a_session_holds_a_bounded_number_of_running_tasks(coder: StdioClient):
    ids = [create_task(coder, "run_command", {"command": ["sleep", "30"]})["taskId"] for _ in range(16)]
    resp = coder.request("tools/call", {"name": "run_command", "arguments": {"command": ["sleep", "30"]}, "task": {}})
    assert_error(resp, -32005, resp["id"])
    for task_id in ids:
        cancelled = coder.request("tasks/cancel", {"taskId": task_id})
        if "error" in cancelled:  # say why: a `sleep 30` has no reason to end on its own
            got = coder.result("tasks/get", {"taskId": task_id})
            result = coder.request("tasks/result", {"taskId": task_id}, timeout=5)
            pytest.fail(f"task ended before it was cancelled: {got}; its result: {result}")
    coder.finish()


def test_ending_the_session_kills_its_tasks_and_records_them(coder: StdioClient, state_home: Path):
    marker = "8.2718"
    task = create_task(coder, "run_command", {"command": ["sleep", marker]})
    deadline = time.monotonic() + 10
    while not live_processes(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_processes(f"sleep {marker}")
    coder.close(timeout=10)
    assert not live_processes(f"sleep {marker}")
    runs = [r for r in audit(state_home) if r.get("task") == task["taskId"] and r.get("outcome") != "task-created"]
    assert len(runs) == 1 and runs[0]["execution"]["cancelled"] is True, runs


@pytest.mark.parametrize("version", ["2024-11-05", "2025-03-26", "2025-06-18"])
def test_before_2025_11_25_there_are_no_tasks(spawn, config: Path, version: str):
    server = spawn("--config", config, "--client", "coder")
    init = server.initialize(version)
    assert "tasks" not in init["capabilities"]
    tools = server.result("tools/list", {})["tools"]
    assert all("execution" not in t for t in tools)
    # `task` is ignored: the call runs and answers normally.
    result = server.result(
        "tools/call", {"name": "run_code", "arguments": {"language": "sh", "code": "echo plain"}, "task": {"ttl": 1000}}
    )
    assert "task" not in result and "plain" in json.dumps(result)
    for method in ("tasks/get", "tasks/result", "tasks/list", "tasks/cancel"):
        server.error(method, {"taskId": "t-1"}, -32601)
    server.finish()


def test_a_client_without_the_permission_gets_a_failed_task(spawn, config: Path):
    server = spawn("--config", config, "--client", "reader")
    server.initialize(LATEST)
    task = create_task(server, "run_code", {"language": "sh", "code": "id"})
    final = wait_terminal(server, task["taskId"])
    assert final["status"] == "failed" and "Permission denied" in final["statusMessage"], final
    server.finish()
