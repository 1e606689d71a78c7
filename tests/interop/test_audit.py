"""The tamper-evident audit log (ARCHITECTURE §8): `bastion audit verify` accepts what the server
wrote and names the first bad record of any edit, deletion, reordering, insertion or truncation.

The server keeps `<audit>.head` (latest seq and hash, refreshed at most every 100 ms and at stop), so
a cut-off tail is caught; a last line without a line feed (a write cut short by a crash) is ignored
by verify with a warning, and only the head says whether records were lost.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from conftest import StdioClient


def audit_path(state_home: Path) -> Path:
    return state_home / "bastion" / "audit.jsonl"


def run_session(server: StdioClient, calls: int = 5) -> None:
    server.initialize()
    for n in range(calls):
        server.call_tool("echo", {"text": f"call {n}"})
    server.close()


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


@pytest.fixture
def log(spawn, state_home: Path) -> Path:
    """An audit log from one finished session with a few calls (start, session, calls, stop)."""
    run_session(spawn("--diagnostics"))
    path = audit_path(state_home)
    assert len(lines_of(path)) >= 8
    return path


def verify(run_cli, *files: Path):
    return run_cli("audit", "verify", *files)


def assert_caught(run_cli, path: Path, line: int) -> str:
    out = verify(run_cli, path)
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert out.stdout.startswith(f"{path}:{line}: record"), out.stdout
    return out.stdout


def test_a_fresh_log_verifies(run_cli, log: Path):
    out = verify(run_cli, log)
    assert out.returncode == 0, (out.stdout, out.stderr)
    count = len(lines_of(log))
    assert out.stdout == f"{log}: {count} records, chain intact\n"
    records = [json.loads(l) for l in lines_of(log)]
    assert [r["seq"] for r in records] == list(range(1, count + 1))
    assert records[0]["prev"] == "0" * 64
    assert all(b["prev"] == a["hash"] for a, b in zip(records, records[1:]))
    head = json.loads((log.parent / "audit.jsonl.head").read_text())
    assert head == {"seq": count, "hash": records[-1]["hash"]}
    # Each record names its node (issue 12: replicas' logs verify separately, merge by time):
    # by default the host name and the server's pid, the same on every record of one process.
    nodes = {r.get("node") for r in records}
    assert len(nodes) == 1 and str(records[0]["pid"]) == next(iter(nodes)).rsplit("-", 1)[1], nodes


def test_an_edited_byte_is_caught(run_cli, log: Path):
    lines = lines_of(log)
    lines[3] = lines[3].replace(b'"call 1"', b'"call X"', 1) if b'"call 1"' in lines[3] else lines[3].replace(b'"seq":4', b'"seq":5', 1)
    assert lines[3] != lines_of(log)[3]
    log.write_bytes(b"".join(lines))
    assert_caught(run_cli, log, 4)


@pytest.mark.parametrize("index", [0, 3])
def test_a_deleted_line_is_caught(run_cli, log: Path, index: int):
    lines = lines_of(log)
    del lines[index]
    log.write_bytes(b"".join(lines))
    assert "expected seq" in assert_caught(run_cli, log, index + 1)


def test_swapped_lines_are_caught(run_cli, log: Path):
    lines = lines_of(log)
    lines[2], lines[3] = lines[3], lines[2]
    log.write_bytes(b"".join(lines))
    assert_caught(run_cli, log, 3)


def test_an_inserted_copy_is_caught(run_cli, log: Path):
    lines = lines_of(log)
    lines.insert(4, lines[2])
    log.write_bytes(b"".join(lines))
    assert_caught(run_cli, log, 5)


def test_a_truncated_last_line_is_caught_through_the_head(run_cli, log: Path):
    lines = lines_of(log)
    log.write_bytes(b"".join(lines[:-1]))
    out = assert_caught(run_cli, log, len(lines))
    assert "truncated" in out


def test_a_tail_cut_mid_line_is_caught_through_the_head(run_cli, log: Path):
    data = log.read_bytes()
    log.write_bytes(data[:-40])
    out = assert_caught(run_cli, log, len(lines_of(log)))
    assert "truncated" in out
    assert "no line feed" in verify(run_cli, log).stderr


def test_two_servers_sharing_one_log_keep_one_chain(spawn, run_cli, state_home: Path):
    first, second = spawn("--diagnostics"), spawn("--diagnostics")
    first.initialize()
    second.initialize()
    for n in range(20):
        first.call_tool("echo", {"text": f"first {n}"})
        second.call_tool("echo", {"text": f"second {n}"})
    first.close()
    second.close()
    path = audit_path(state_home)
    out = verify(run_cli, path)
    assert out.returncode == 0, (out.stdout, out.stderr)
    records = [json.loads(l) for l in lines_of(path)]
    assert len(records) >= 2 * (20 + 4)
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))


def test_kill_9_during_heavy_logging_leaves_a_log_that_verifies(spawn, run_cli, state_home: Path):
    server = spawn("--diagnostics")
    server.initialize()
    batch = b"".join(
        json.dumps(
            {"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": f"t{n}"}}},
            separators=(",", ":"),
        ).encode()
        + b"\n"
        for n in range(1000, 1032)
    )
    deadline = time.monotonic() + 0.6
    while time.monotonic() < deadline:
        server.send_raw(batch)
        server.recv_all(0.005)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=5)
    path = audit_path(state_home)
    out = verify(run_cli, path)
    assert out.returncode == 0, (out.stdout, out.stderr)
    assert len(lines_of(path)) > 100
    # And a new server continues the same chain after the crash.
    run_session(spawn("--diagnostics"), calls=1)
    assert verify(run_cli, path).returncode == 0
