"""The tasks extension on MCP 2026-07-28 (`io.modelcontextprotocol/tasks`, SEP-2663; issue 11, item 3).

Raw lines, because the official client 2.3.0 does not speak the extension: a `tools/call` of an
execution tool becomes a task only when that very request declares the extension; `tasks/get`
gives the detailed task (the result inlined once completed, an `isError` result still
`completed`), `tasks/update` and `tasks/cancel` acknowledge with an empty result, a task is its
client's alone, `tasks/result` and `tasks/list` are gone, and a listen with `taskIds` receives
`notifications/tasks`. Every test ends with the connection still answering.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from test_modern_protocol import done, envelope, modern, refused

TASKS = {"io.modelcontextprotocol/clientCapabilities": {"extensions": {"io.modelcontextprotocol/tasks": {}}}}
CONFIG = """\
[[clients]]
id = "coder"
permissions = ["file_read", "file_write", "code_execution", "system_command:*"]
limits = { timeout_ms = 20000 }

[[clients]]
id = "other"
permissions = ["file_read", "code_execution", "system_command:*"]
"""


@pytest.fixture
def config(write_config) -> Path:
    return write_config(CONFIG)


@pytest.fixture
def coder(spawn, config):
    return spawn("--config", config, "--client", "coder")


def call(server, name: str, arguments: dict, meta: dict | None = None) -> dict:
    return modern(server, "tools/call", {"name": name, "arguments": arguments}, meta=meta or envelope(**TASKS), timeout=30)


def get(server, task_id: str, meta: dict | None = None) -> dict:
    return modern(server, "tasks/get", {"taskId": task_id}, meta=meta or envelope(**TASKS))


def wait_terminal(server, task_id: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = get(server, task_id)["result"]
        if task["status"] in ("completed", "failed", "cancelled"):
            return task
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} did not end")


def audit_records(state_home: Path) -> list[dict]:
    lines = (state_home / "bastion" / "audit.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_discover_advertises_the_extension(coder):
    capabilities = modern(coder, "server/discover")["result"]["capabilities"]
    assert capabilities["extensions"] == {"io.modelcontextprotocol/tasks": {}}
    done(coder)


def test_a_declaring_request_gets_a_task_whose_result_comes_with_tasks_get(coder, state_home):
    created = call(coder, "run_command", {"command": ["echo", "as a task"]})["result"]
    assert created["resultType"] == "task", created
    assert created["status"] == "working"
    assert set(created) >= {"taskId", "createdAt", "lastUpdatedAt", "ttlMs", "pollIntervalMs"}, created
    assert "content" not in created and "task" not in created
    assert isinstance(created["ttlMs"], int) and created["ttlMs"] >= 20000 + 60000
    task = wait_terminal(coder, created["taskId"])
    assert task["status"] == "completed", task
    assert task["result"]["structuredContent"]["stdout"] == "as a task\n"
    assert "error" not in task
    polled = get(coder, created["taskId"])["result"]
    assert polled["resultType"] == "complete" and polled["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "bastion"
    done(coder)
    records = audit_records(state_home)
    calls = [r for r in records if r.get("method") == "tools/call"]
    assert [c.get("outcome") for c in calls] == ["task-created", "ok"], calls
    assert all(c["task"] == created["taskId"] and c["protocol"] == "2026-07-28" for c in calls), calls
    assert calls[1]["tool"] == "run_command" and calls[1]["decision"] == "allow"


def test_without_the_extension_the_same_call_is_answered_directly(coder):
    result = call(coder, "run_command", {"command": ["echo", "direct"]}, meta=envelope())["result"]
    assert result["resultType"] == "complete" and result["structuredContent"]["stdout"] == "direct\n", result
    # Declared on one request says nothing of the next one.
    call(coder, "run_command", {"command": ["true"]})
    result = call(coder, "run_command", {"command": ["echo", "again"]}, meta=envelope())["result"]
    assert result["resultType"] == "complete", result
    done(coder)


def test_a_tool_that_cannot_run_as_a_task_is_answered_directly(coder, tmp_path):
    result = call(coder, "list_directory", {"path": "."})["result"]
    assert result["resultType"] == "complete" and "content" in result, result
    done(coder)


def test_a_tool_error_is_a_completed_task_and_a_refused_call_makes_no_task(coder):
    task = call(coder, "run_command", {"command": ["sh", "-c", "exit 3"]})["result"]
    ended = wait_terminal(coder, task["taskId"])
    assert ended["status"] == "completed" and ended["result"]["structuredContent"]["exitCode"] == 3, ended
    # A call the permission check refuses never becomes a task: the refusal is the answer.
    refused_call = call(coder, "write_file", {"path": "/etc/bastion-nope", "content": "x"})["result"]
    assert refused_call["resultType"] == "complete" and refused_call["isError"] is True, refused_call
    done(coder)


def test_cancel_acknowledges_empty_and_stops_the_run(coder):
    task = call(coder, "run_command", {"command": ["sleep", "30"]})["result"]
    answer = modern(coder, "tasks/cancel", {"taskId": task["taskId"]}, meta=envelope(**TASKS))["result"]
    assert answer["resultType"] == "complete"
    assert set(answer) <= {"resultType", "_meta"}, answer
    ended = wait_terminal(coder, task["taskId"], timeout=10)
    assert ended["status"] == "cancelled" and "result" not in ended, ended
    # Cancelling an ended task is acknowledged too, and changes nothing.
    again = modern(coder, "tasks/cancel", {"taskId": task["taskId"]}, meta=envelope(**TASKS))
    assert "result" in again, again
    assert get(coder, task["taskId"])["result"]["status"] == "cancelled"
    done(coder)


def test_update_acknowledges_and_ignores_responses_nothing_asked_for(coder):
    task = call(coder, "run_command", {"command": ["echo", "x"]})["result"]
    answer = modern(coder, "tasks/update", {"taskId": task["taskId"], "inputResponses": {"nope": {"action": "accept"}}},
                    meta=envelope(**TASKS))["result"]
    assert set(answer) <= {"resultType", "_meta"}, answer
    refused(modern(coder, "tasks/update", {"taskId": task["taskId"], "inputResponses": [1]}, meta=envelope(**TASKS)), -32602)
    refused(modern(coder, "tasks/update", {"taskId": "t-nope", "inputResponses": {}}, meta=envelope(**TASKS)), -32602)
    done(coder)


@pytest.mark.parametrize("method", ["tasks/get", "tasks/update", "tasks/cancel"])
def test_every_tasks_request_must_declare_the_extension(coder, method):
    task = call(coder, "run_command", {"command": ["echo", "x"]})["result"]
    response = modern(coder, method, {"taskId": task["taskId"], "inputResponses": {}}, meta=envelope())
    refused(response, -32021)
    assert response["error"]["data"]["requiredCapabilities"] == {"extensions": {"io.modelcontextprotocol/tasks": {}}}
    done(coder)


@pytest.mark.parametrize("task_id", ["t-00000000000000000000000000000000", "", 7, None])
def test_an_unknown_task_is_invalid_params(coder, task_id):
    response = get(coder, task_id)
    refused(response, -32602)
    done(coder)


def test_a_task_is_its_clients_alone(spawn, config):
    owner = spawn("--config", config, "--client", "coder")
    task = call(owner, "run_command", {"command": ["echo", "mine"]})["result"]
    wait_terminal(owner, task["taskId"])
    intruder = spawn("--config", config, "--client", "other")
    for method in ("tasks/get", "tasks/cancel", "tasks/update"):
        response = modern(intruder, method, {"taskId": task["taskId"], "inputResponses": {}}, meta=envelope(**TASKS))
        refused(response, -32602)
        assert "not found" in response["error"]["message"]
    done(intruder)
    done(owner)


@pytest.mark.parametrize("method", ["tasks/result", "tasks/list"])
def test_the_core_task_methods_are_gone(coder, method):
    refused(modern(coder, method, {"taskId": "t-x"}, meta=envelope(**TASKS)), -32601)
    done(coder)


def test_the_legacy_task_parameter_is_ignored(coder):
    params = {"name": "run_command", "arguments": {"command": ["echo", "plain"]}, "task": {"ttl": 1000}}
    result = modern(coder, "tools/call", params, meta=envelope(), timeout=30)["result"]
    assert result["resultType"] == "complete" and "task" not in result, result
    done(coder)


def test_a_listen_on_task_ids_gets_the_status_of_the_callers_tasks_only(coder):
    task = call(coder, "run_command", {"command": ["sleep", "1"]})["result"]
    listen = coder.next_id()
    coder.send({"jsonrpc": "2.0", "id": listen, "method": "subscriptions/listen", "params": {
        "notifications": {"taskIds": [task["taskId"], "t-00000000000000000000000000000000"]},
        "_meta": envelope(**TASKS)}})
    ack = coder.recv(timeout=10)
    assert ack["method"] == "notifications/subscriptions/acknowledged", ack
    assert ack["params"]["notifications"] == {"taskIds": [task["taskId"]]}
    update = coder.recv(timeout=15)
    assert update["method"] == "notifications/tasks", update
    assert update["params"]["taskId"] == task["taskId"] and update["params"]["status"] == "completed"
    assert update["params"]["result"]["structuredContent"]["exitCode"] == 0
    assert update["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == listen
    coder.notify("notifications/cancelled", {"requestId": listen})
    done(coder)


def test_a_listen_on_task_ids_needs_the_extension(coder):
    response = modern(coder, "subscriptions/listen", {"notifications": {"taskIds": ["t-x"]}}, meta=envelope())
    refused(response, -32021)
    done(coder)


def test_a_running_task_is_stopped_and_recorded_when_the_server_stops(coder, state_home):
    task = call(coder, "run_command", {"command": ["sleep", "30"]})["result"]
    started = time.monotonic()
    coder.close()
    assert time.monotonic() - started < 15
    calls = [r for r in audit_records(state_home) if r.get("method") == "tools/call"]
    assert [c.get("outcome") for c in calls][:1] == ["task-created"], calls
    assert len(calls) == 2 and calls[1]["task"] == task["taskId"], calls
    events = [r.get("event") for r in audit_records(state_home)]
    assert events[-1] == "stop"


def test_a_reload_that_takes_the_right_away_takes_the_task_too(spawn, write_config):
    import os
    import signal

    config = write_config('[[clients]]\nid = "coder"\npermissions = ["file_read", "system_command:*"]\n')
    server = spawn("--config", config, "--client", "coder")
    task = call(server, "run_command", {"command": ["echo", "secret"]})["result"]
    assert wait_terminal(server, task["taskId"])["status"] == "completed"
    config.write_text('[[clients]]\nid = "coder"\npermissions = ["file_read"]\n')
    os.kill(server.proc.pid, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if "run_command" not in {t["name"] for t in modern(server, "tools/list")["result"]["tools"]}:
            break
        time.sleep(0.05)
    response = get(server, task["taskId"])
    refused(response, -32602)
    assert "secret" not in json.dumps(response)
    # Gone for good, even were the right given back.
    refused(modern(server, "tasks/cancel", {"taskId": task["taskId"]}, meta=envelope(**TASKS)), -32602)
    done(server)


def test_at_the_task_cap_the_call_is_refused_before_anyone_is_asked(spawn, write_config, state_home):
    config = write_config(
        '[[clients]]\nid = "coder"\npermissions = ["code_execution", "system_command:*"]\n'
        'approval = "always"\napproval_channel = "client"\nlimits = { timeout_ms = 30000, processes = 64 }\n'
    )
    server = spawn("--config", config, "--client", "coder")
    asking = {"io.modelcontextprotocol/clientCapabilities": {
        "extensions": {"io.modelcontextprotocol/tasks": {}}, "elicitation": {"form": {}}}}
    params = {"name": "run_command", "arguments": {"command": ["sleep", "20"]}}
    for _ in range(16):
        first = modern(server, "tools/call", params, meta=envelope(**asking), timeout=30)["result"]
        assert first["resultType"] == "input_required", first
        answer = {"approval": {"action": "accept", "content": {"approve": True}}}
        retry = dict(params, inputResponses=answer, requestState=first["requestState"])
        assert modern(server, "tools/call", retry, meta=envelope(**asking), timeout=30)["result"]["resultType"] == "task"
    seventeenth = modern(server, "tools/call", params, meta=envelope(**asking), timeout=30)
    refused(seventeenth, -32005)
    done(server)
