"""Approval through the client on MCP 2026-07-28: `input_required` and a sealed `requestState`
(issue 11, item 5; basic/patterns/mrtr.mdx).

Raw lines: the first call is answered with the question, the retry with the answer and the state
runs it, and every way of abusing the state — altered, replayed, moved to other arguments, sealed
by another server, expired — gets -32602 with nothing written, the refusal in the audit record, and
a connection that still answers.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from test_modern_protocol import done, envelope, modern, refused

ASKING = {"io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}}


@pytest.fixture
def asker(spawn, write_config, tmp_path):
    workdir = tmp_path / "work"

    def start(extra: str = "") -> tuple:
        config = write_config(
            f'{extra}[[clients]]\nid = "asker"\nworkdir = "{workdir}"\npermissions = ["file_read", "file_write"]\n'
            'approval = "always"\napproval_channel = "client"\n'
        )
        return spawn("--config", config, "--client", "asker"), workdir

    return start


def write(server, path: str, content: str, **extra) -> dict:
    params = {"name": "write_file", "arguments": {"path": path, "content": content}}
    params.update(extra)
    return modern(server, "tools/call", params, meta=envelope(**ASKING))


def yes() -> dict:
    return {"approval": {"action": "accept", "content": {"approve": True}}}


def audit_records(state_home: Path) -> list[dict]:
    lines = (state_home / "bastion" / "audit.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def refused_state(response: dict) -> None:
    refused(response, -32602)
    assert response["error"]["message"] == "Invalid or expired requestState", response
    assert response["error"]["data"] == {"reason": "invalid_request_state"}, response


def test_the_question_comes_as_input_required_and_the_retry_runs_the_call(asker, state_home):
    server, workdir = asker()
    first = write(server, "x.txt", "hello")["result"]
    assert first["resultType"] == "input_required", first
    question = first["inputRequests"]["approval"]
    assert question["method"] == "elicitation/create"
    assert question["params"]["mode"] == "form"
    assert "write_file" in question["params"]["message"] and "hello" in question["params"]["message"]
    assert question["params"]["requestedSchema"]["required"] == ["approve"]
    state = first["requestState"]
    assert isinstance(state, str) and "hello" not in state and "x.txt" not in state
    assert not (workdir / "x.txt").exists()
    assert not [m for m in server.others if m.get("method") == "elicitation/create"]
    second = write(server, "x.txt", "hello", inputResponses=yes(), requestState=state)["result"]
    assert second["resultType"] == "complete" and not second.get("isError"), second
    assert (workdir / "x.txt").read_text() == "hello"
    done(server)
    calls = [r for r in audit_records(state_home) if r.get("method") == "tools/call"]
    assert [c.get("approval") for c in calls] == ["asked", "allowed"], calls
    assert [c.get("outcome") for c in calls] == ["input-required", "ok"], calls
    assert calls[1]["request_state"] == "valid"


def test_a_decline_refuses_the_call_and_nothing_is_written(asker):
    server, workdir = asker()
    state = write(server, "x.txt", "no")["result"]["requestState"]
    answer = {"approval": {"action": "decline"}}
    result = write(server, "x.txt", "no", inputResponses=answer, requestState=state)["result"]
    assert result["isError"] is True and "declined through the client" in result["content"][0]["text"], result
    assert not (workdir / "x.txt").exists()
    done(server)


def test_a_retry_without_the_answer_is_asked_again(asker):
    server, workdir = asker()
    state = write(server, "x.txt", "a")["result"]["requestState"]
    again = write(server, "x.txt", "a", requestState=state)["result"]
    assert again["resultType"] == "input_required" and again["requestState"] != state
    assert not (workdir / "x.txt").exists()
    done(server)


def test_an_answer_without_a_state_is_not_taken(asker):
    server, workdir = asker()
    result = write(server, "x.txt", "a", inputResponses=yes())["result"]
    assert result["resultType"] == "input_required", result
    assert not (workdir / "x.txt").exists()
    done(server)


def test_a_replayed_state_is_refused_and_audited(asker, state_home):
    server, workdir = asker()
    state = write(server, "x.txt", "one")["result"]["requestState"]
    assert not write(server, "x.txt", "one", inputResponses=yes(), requestState=state)["result"].get("isError")
    (workdir / "x.txt").write_text("changed by the person")
    refused_state(write(server, "x.txt", "one", inputResponses=yes(), requestState=state))
    assert (workdir / "x.txt").read_text() == "changed by the person"
    done(server)
    last = [r for r in audit_records(state_home) if r.get("method") == "tools/call"][-1]
    assert last["request_state"] == "replayed" and last["code"] == -32602, last


@pytest.mark.parametrize(
    "alter, reason",
    [
        (lambda s: s[:-1] + ("0" if s[-1] != "0" else "1"), "forged"),
        (lambda s: s[:5] + s[5:][: len(s) // 4 * 2], "forged"),
        (lambda s: "bst1." + "zz", "malformed"),
        (lambda s: s.upper(), "malformed"),
        (lambda s: s + "0" * 4096, "malformed"),
    ],
)
def test_an_altered_state_is_refused(asker, state_home, alter, reason):
    server, workdir = asker()
    state = write(server, "x.txt", "x")["result"]["requestState"]
    refused_state(write(server, "x.txt", "x", inputResponses=yes(), requestState=alter(state)))
    assert not (workdir / "x.txt").exists()
    # The untouched state still works once: a forgery does not burn it.
    assert not write(server, "x.txt", "x", inputResponses=yes(), requestState=state)["result"].get("isError")
    done(server)
    refusal = [r for r in audit_records(state_home) if r.get("request_state") not in (None, "valid")]
    assert [r["request_state"] for r in refusal] == [reason], refusal


def test_a_state_is_refused_for_other_arguments_and_other_tools(asker, state_home):
    server, workdir = asker()
    state = write(server, "harmless.txt", "x")["result"]["requestState"]
    refused_state(write(server, "other.txt", "x", inputResponses=yes(), requestState=state))
    refused_state(write(server, "harmless.txt", "other content", inputResponses=yes(), requestState=state))
    moved = modern(server, "tools/call", {"name": "create_directory", "arguments": {"path": "harmless.txt"},
                                          "inputResponses": yes(), "requestState": state}, meta=envelope(**ASKING))
    refused_state(moved)
    assert not (workdir / "harmless.txt").exists()
    for bad in (17, None, {"s": state}):
        refused_state(write(server, "harmless.txt", "x", inputResponses=yes(), requestState=bad))
    done(server)
    reasons = [r["request_state"] for r in audit_records(state_home) if r.get("request_state")]
    assert reasons[:3] == ["other-request"] * 3, reasons


def test_another_servers_state_is_refused(asker):
    first, _ = asker()
    state = write(first, "x.txt", "x")["result"]["requestState"]
    first.close()
    second, workdir = asker()
    refused_state(write(second, "x.txt", "x", inputResponses=yes(), requestState=state))
    assert not (workdir / "x.txt").exists()
    done(second)


def test_an_expired_state_is_refused(asker, state_home):
    server, workdir = asker("[server]\napproval_timeout_ms = 1000\n")
    state = write(server, "x.txt", "x")["result"]["requestState"]
    time.sleep(2.2)
    refused_state(write(server, "x.txt", "x", inputResponses=yes(), requestState=state))
    assert not (workdir / "x.txt").exists()
    done(server)
    assert [r["request_state"] for r in audit_records(state_home) if r.get("request_state")] == ["expired"]


def test_a_request_without_elicitation_gets_32021_and_no_question(asker):
    server, workdir = asker()
    response = modern(server, "tools/call", {"name": "write_file", "arguments": {"path": "x.txt", "content": "x"}})
    refused(response, -32021)
    assert response["error"]["data"]["requiredCapabilities"] == {"elicitation": {}}, response
    assert not (workdir / "x.txt").exists()
    done(server)


def test_a_file_changed_after_the_question_is_asked_about_again(asker):
    server, workdir = asker()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "x.txt").write_text("before\n")
    state = write(server, "x.txt", "after\n")["result"]["requestState"]
    (workdir / "x.txt").write_text("someone else's edit\n")
    again = write(server, "x.txt", "after\n", inputResponses=yes(), requestState=state)["result"]
    assert again["resultType"] == "input_required", again
    assert "changed since you were asked" in again["inputRequests"]["approval"]["params"]["message"]
    assert (workdir / "x.txt").read_text() == "someone else's edit\n"
    done(server)
