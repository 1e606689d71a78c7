"""A hostile client against the audit log and the in-flight limits (found in a security review).

Every test checks both the refusal or the bound and that the audit log still verifies.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import LATEST


def audit_lines(state_home: Path) -> list[dict]:
    return [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]


def test_huge_client_strings_cannot_make_the_log_unverifiable(spawn, run_cli, state_home):
    server = spawn("--diagnostics")
    server.initialize(LATEST)
    huge = "A" * 1_500_000
    server.send({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": huge, "arguments": {}}})
    server.send({"jsonrpc": "2.0", "id": 2, "method": "M" * 1_200_000})
    server.send({"jsonrpc": "2.0", "id": "I" * 1_200_000, "method": "ping"})
    assert server.result("ping", id=3) == {}
    server.close()
    log = state_home / "bastion" / "audit.jsonl"
    assert max(len(line) for line in log.read_bytes().splitlines()) < 16_384
    verified = run_cli("audit", "verify", log)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_long_path_is_recorded_whole(spawn, state_home, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    server = spawn(work)
    server.initialize(LATEST)
    path = str(work) + "/" + "./" * 130 + "hidden.txt"
    res = server.call_tool("write_file", {"path": path, "content": "API_KEY=sk-123"})
    assert not res.get("isError"), res
    server.close()
    record = [r for r in audit_lines(state_home) if r.get("tool") == "write_file"][-1]
    assert record["args"]["path"] == path
    assert record["args"]["content"] == "<14 bytes>", "file contents never go to the audit log"


def test_a_batch_larger_than_the_in_flight_limit_is_answered_whole(spawn):
    # Members take credits one by one and give them back as each ends: no deadlock, no refusal
    # (test_session_io.py covers batches of calls that wait for credits).
    server = spawn("--diagnostics")
    server.initialize("2025-03-26")
    batch = [{"jsonrpc": "2.0", "id": i, "method": "ping"} for i in range(300)]
    server.send(batch)
    reply = server.recv(timeout=10)
    assert isinstance(reply, list) and sorted(a["id"] for a in reply) == list(range(300)), str(reply)[:300]
    assert all(a["result"] == {} for a in reply)
    assert server.result("ping", id=999) == {}
    server.close()
