"""`isolation = "process"`: a client's tool handlers run in a worker under its own sandbox.

`read_unchecked` (a diagnostics tool that exists only with BASTION_TEST_UNCHECKED_READ=1) opens any
path with no check at all: it stands for a bug in a path check. In-process it reads a file outside
the client's scope; in the worker the kernel refuses it, while the checked file tools keep working,
with progress, logging, cancellation, denials in the audit log, a restart after the worker dies,
and no worker left once the connection ends.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path


import pytest

from conftest import text_of

CONFIG = """\
[server]
diagnostics = true
audit_log = "{audit}"

[[clients]]
id = "a"
workdir = "{workdir}"
permissions = [{permissions}]
isolation = "{isolation}"
"""


def _setup(tmp_path: Path, write_config, server_env, isolation: str, permissions: str = '"file_read", "file_write"'):
    server_env["BASTION_TEST_UNCHECKED_READ"] = "1"
    workdir = tmp_path / "work"
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("the secret\n")
    audit = tmp_path / "audit.jsonl"
    config = write_config(
        CONFIG.format(audit=audit, workdir=workdir, isolation=isolation, permissions=permissions)
    )
    return config, workdir, secret, audit


def _worker_pids(server) -> list[int]:
    return [int(pid) for pid in re.findall(r"worker\.pid=(\d+) \[Bastion\] Started an isolation worker", server.stderr)]


def _wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_check_config_accepts_process_isolation(run_cli, write_config):
    path = write_config('[[clients]]\nid = "a"\npermissions = ["file_read"]\nisolation = "process"\n')
    proc = run_cli("check-config", path)
    assert proc.returncode == 0, proc.stderr
    assert 'isolation = "process"' in proc.stdout


def test_in_process_an_unchecked_read_escapes_the_scope(spawn, tmp_path, write_config, server_env):
    config, _, secret, _ = _setup(tmp_path, write_config, server_env, "in-process")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    result = server.call_tool("read_unchecked", {"path": str(secret)})
    # The control: without the worker, a handler that skips its checks reads anything.
    assert text_of(result) == "the secret\n", result
    assert not _worker_pids(server)
    server.close()


def test_in_the_worker_the_kernel_stops_an_unchecked_read(spawn, tmp_path, write_config, server_env):
    config, workdir, secret, _ = _setup(tmp_path, write_config, server_env, "process")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    result = server.call_tool("read_unchecked", {"path": str(secret)})
    assert result.get("isError") is True, result
    assert "the secret" not in text_of(result)
    assert "No such file" in text_of(result) or "Permission denied" in text_of(result), result
    # The worker is sandboxed: no new privileges, a seccomp filter, a process other than the server.
    status = text_of(server.call_tool("read_unchecked", {"path": "/proc/self/status"}))
    assert re.search(r"^NoNewPrivs:\s+1$", status, re.M), status
    assert re.search(r"^Seccomp:\s+2$", status, re.M), status
    pid = int(re.search(r"^Pid:\s+(\d+)$", status, re.M).group(1))
    assert pid != server.proc.pid
    # Bastion's own files are not there at all.
    for own in [tmp_path / "audit.jsonl", config]:
        assert server.call_tool("read_unchecked", {"path": str(own)}).get("isError") is True
    # The checked tools work in the worker, on the client's workdir.
    assert server.call_tool("write_file", {"path": "notes.txt", "content": "one\ntwo\n"}).get("isError") in (None, False)
    assert (workdir / "notes.txt").read_text() == "one\ntwo\n"
    assert text_of(server.call_tool("read_text_file", {"path": "notes.txt", "tail": 1})) == "two"
    edited = server.call_tool("edit_file", {"path": "notes.txt", "edits": [{"oldText": "one", "newText": "three"}]})
    assert edited.get("isError") in (None, False), edited
    assert "[FILE] notes.txt" in text_of(server.call_tool("list_directory", {"path": "."}))
    server.close()


def test_the_kernel_keeps_the_worker_out_of_refused_subtrees_inside_a_read_grant(spawn, tmp_path, write_config, server_env):
    """Review 8, findings 1 and 18: a read grant above another client's workdir or a `dir/**` deny
    is carved around it in the worker's Landlock rules, so even an unchecked read cannot reach them,
    while the rest of the grant stays readable."""
    server_env["BASTION_TEST_UNCHECKED_READ"] = "1"
    shared = tmp_path / "shared"
    for name in ("bob", "secret", "open"):
        (shared / name).mkdir(parents=True)
        (shared / name / "file.txt").write_text(f"{name} data\n")
    config = write_config(f"""\
[server]
diagnostics = true
audit_log = "{tmp_path / 'audit.jsonl'}"

[[clients]]
id = "a"
workdir = "{tmp_path / 'work'}"
permissions = ["file_read", "file_read:{shared}/**", "file_write"]
deny = ["{shared / 'secret'}/**"]
isolation = "process"

[[clients]]
id = "b"
workdir = "{shared / 'bob'}"
permissions = ["file_read"]
""")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    assert text_of(server.call_tool("read_unchecked", {"path": str(shared / "open" / "file.txt")})) == "open data\n"
    for refused in ("bob", "secret"):
        result = server.call_tool("read_unchecked", {"path": str(shared / refused / "file.txt")})
        assert result.get("isError") is True and f"{refused} data" not in text_of(result), (refused, result)
    server.close()


def test_a_denial_in_the_worker_is_audited_as_a_denial(spawn, tmp_path, write_config, server_env):
    config, _, secret, audit = _setup(tmp_path, write_config, server_env, "process")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    result = server.call_tool("read_text_file", {"path": str(secret)})
    assert result.get("isError") is True and "ermission denied" in text_of(result), result
    server.close()
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    calls = [r for r in records if r.get("tool") == "read_text_file"]
    assert calls and calls[-1]["decision"] == "deny", calls
    assert calls[-1]["outcome"] == "denied"
    assert calls[-1].get("path") == str(secret) or str(secret) in json.dumps(calls[-1]), calls[-1]


def test_progress_logging_and_cancellation_cross_the_worker(spawn, tmp_path, write_config, server_env):
    config, _, _, _ = _setup(tmp_path, write_config, server_env, "process")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    server.request("logging/setLevel", {"level": "debug"})
    response = server.request("tools/call", {"name": "sleep", "arguments": {"ms": 300}, "_meta": {"progressToken": "p1"}})
    assert "slept 300 ms" in text_of(response["result"]), response
    progress = server.notifications("notifications/progress")
    assert progress and all(n["params"]["progressToken"] == "p1" for n in progress), progress
    messages = server.notifications("notifications/message")
    assert {m["params"]["level"] for m in messages} == {"info", "debug"}, messages
    # A long call, cancelled: the answer never comes, and the next call is served at once.
    call_id = server.next_id()
    server.send({"jsonrpc": "2.0", "id": call_id, "method": "tools/call", "params": {"name": "sleep", "arguments": {"ms": 20000}}})
    time.sleep(0.3)
    started = time.monotonic()
    server.notify("notifications/cancelled", {"requestId": call_id, "reason": "test"})
    assert text_of(server.call_tool("list_directory", {"path": "."})) is not None
    assert time.monotonic() - started < 5
    server.close()


def test_a_modern_calls_log_messages_cross_the_worker_at_its_own_level(spawn, tmp_path, write_config, server_env):
    """Review 13, finding 3: a worker's log messages went to the session, which sends none on a
    2026-07-28 connection, so an isolated client's `_meta.logLevel` got nothing."""
    config, _, _, _ = _setup(tmp_path, write_config, server_env, "process")
    server = spawn("--config", config, "--client", "a")
    meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "raw-modern", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {},
    }
    quiet = server.request("tools/call", {"name": "sleep", "arguments": {"ms": 150}, "_meta": meta})
    assert "slept 150 ms" in text_of(quiet["result"]), quiet
    assert server.notifications("notifications/message") == []
    loud = server.request("tools/call", {"name": "sleep", "arguments": {"ms": 150},
                                         "_meta": {**meta, "io.modelcontextprotocol/logLevel": "info"}})
    assert "slept 150 ms" in text_of(loud["result"]), loud
    messages = server.notifications("notifications/message")
    assert [m["params"]["level"] for m in messages] == ["info"], messages
    assert all("bastion/worker-call" not in (m["params"].get("_meta") or {}) for m in messages), messages
    server.close()


def test_a_dead_worker_is_started_again_and_none_outlives_the_connection(spawn, tmp_path, write_config, server_env):
    config, _, _, _ = _setup(tmp_path, write_config, server_env, "process")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    assert server.call_tool("list_directory", {"path": "."}).get("isError") in (None, False)
    _wait_for(lambda: len(_worker_pids(server)) == 1)
    first = _worker_pids(server)[0]
    os.kill(first, signal.SIGKILL)
    _wait_for(lambda: not Path(f"/proc/{first}").exists() or "Z" in Path(f"/proc/{first}/stat").read_text().split()[2])
    # At most one call sees the dead worker; then a new one serves.
    deadline = time.monotonic() + 10
    while server.call_tool("list_directory", {"path": "."}).get("isError"):
        assert time.monotonic() < deadline
    pids = _worker_pids(server)
    assert len(pids) == 2 and pids[1] != first, server.stderr
    server.close()
    _wait_for(lambda: not Path(f"/proc/{pids[1]}").exists(), timeout=5)


def test_a_reload_applies_to_the_worker(spawn, tmp_path, write_config, server_env):
    config, _, _, _ = _setup(tmp_path, write_config, server_env, "process")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    assert server.call_tool("write_file", {"path": "x.txt", "content": "x"}).get("isError") in (None, False)
    config.write_text(config.read_text().replace('"file_read", "file_write"', '"file_read"'))
    server.proc.send_signal(signal.SIGHUP)
    _wait_for(lambda: "Configuration reloaded" in server.stderr)
    names = server.tool_names()
    assert "write_file" not in names
    assert "read_text_file" in names
    assert text_of(server.call_tool("read_text_file", {"path": "x.txt"})) == "x"
    # The worker built from the old rules is gone: the read ran in a new one.
    assert len(_worker_pids(server)) == 2, server.stderr
    server.close()


def test_a_reload_that_leaves_the_client_as_it_was_keeps_its_worker(spawn, tmp_path, write_config, server_env):
    """Review 8, finding 13: only the workers whose setup a reload changes are restarted."""
    config, _, _, _ = _setup(tmp_path, write_config, server_env, "process")
    config.write_text(config.read_text() + f'\n[[clients]]\nid = "b"\nworkdir = "{tmp_path / "work-b"}"\npermissions = ["file_read"]\n')
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    assert server.call_tool("write_file", {"path": "x.txt", "content": "x"}).get("isError") in (None, False)
    config.write_text(config.read_text().replace('permissions = ["file_read"]\n', 'permissions = ["file_read", "file_write"]\n'))
    server.proc.send_signal(signal.SIGHUP)
    _wait_for(lambda: "Configuration reloaded" in server.stderr)
    assert text_of(server.call_tool("read_text_file", {"path": "x.txt"})) == "x"
    assert len(_worker_pids(server)) == 1, server.stderr
    server.close()


def test_a_worker_that_stops_reading_does_not_wedge_the_server(spawn, tmp_path, write_config, server_env):
    """Review 8, finding 10: calls whose lines fill the worker's stdin time out, the worker is killed,
    and the server keeps serving (it used to block forever in write(2) under the writer's lock)."""
    config, _, _, _ = _setup(tmp_path, write_config, server_env, "process")
    config.write_text(config.read_text().replace('isolation = "process"', 'isolation = "process"\nlimits = { timeout_ms = 2000 }'))
    server_env["BASTION_SANDBOX_EXEC"] = str(Path(__file__).parent / "fixtures" / "stalled_worker.py")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    started = time.monotonic()
    ids = []
    for _ in range(3):
        ids.append(server.next_id())
        server.send({"jsonrpc": "2.0", "id": ids[-1], "method": "tools/call",
                     "params": {"name": "write_file", "arguments": {"path": "big.txt", "content": "x" * 300_000}}})
    for call_id in ids:
        response = server.wait_response(call_id, timeout=15)
        assert response["result"].get("isError") is True, response
    assert time.monotonic() - started < 15
    # The server still answers, and ends when its input does.
    assert server.request("tools/list")["result"]["tools"]
    server.close()


def test_a_read_only_clients_worker_reads_and_its_workdir_is_not_writable_to_it(spawn, tmp_path, write_config, server_env):
    """Review 9, finding 11: a client that may not write its workdir gets a worker that cannot:
    the workdir is a read-only mount there, and the checked reads still work."""
    config, workdir, _, _ = _setup(tmp_path, write_config, server_env, "process", permissions='"file_read"')
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "notes.txt").write_text("hello\n")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    assert text_of(server.call_tool("read_text_file", {"path": "notes.txt"})) == "hello\n"
    mounts = text_of(server.call_tool("read_unchecked", {"path": "/proc/self/mountinfo"}))
    line = next(line for line in mounts.splitlines() if f" {workdir} " in line or line.split()[4] == str(workdir))
    assert " ro," in line or line.split()[5].startswith("ro"), line
    server.close()


def test_the_official_client_works_against_an_isolated_client(bastion_bin, tmp_path, write_config, server_env):
    """The official `mcp` client (pinned 1.30.0) drives an isolated client's tools as it would any:
    file tools in the worker, progress from the worker's handler, and a denial as a tool error."""
    from fs_support import run_official

    config, workdir, secret, _ = _setup(tmp_path, write_config, server_env, "process")
    progress: list[float] = []

    async def body(session, init):
        assert init.serverInfo.name == "bastion"
        wrote = await session.call_tool("write_file", {"path": "hello.txt", "content": "hi from the worker\n"})
        assert not wrote.isError, wrote
        read = await session.call_tool("read_text_file", {"path": "hello.txt"})
        listing = await session.call_tool("list_directory", {"path": "."})

        async def on_progress(value: float, total: float | None, message: str | None) -> None:
            progress.append(value)

        slept = await session.call_tool("sleep", {"ms": 300}, progress_callback=on_progress)
        denied = await session.call_tool("read_text_file", {"path": str(secret)})
        return read, listing, slept, denied

    read, listing, slept, denied = run_official(bastion_bin, server_env, tmp_path, ["--config", config, "--client", "a"], body)
    assert read.content[0].text == "hi from the worker\n"
    assert "[FILE] hello.txt" in listing.content[0].text
    assert not slept.isError and progress, (slept, progress)
    assert denied.isError and "ermission denied" in denied.content[0].text
    assert (workdir / "hello.txt").read_text() == "hi from the worker\n"


def test_resource_reads_run_in_the_worker_and_a_refusal_is_audited_as_a_denial(spawn, tmp_path, write_config, server_env):
    """Review 8, finding 15: `resources/read` is a file read too, so an isolated client's runs in its
    worker (the worker starts for it alone); a refused read is still -32002 and a denial in the log."""
    config, workdir, secret, audit = _setup(tmp_path, write_config, server_env, "process")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "notes.txt").write_text("resource text\n")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    read = server.result("resources/read", {"uri": f"file://{workdir}/notes.txt"})
    assert read["contents"][0]["text"] == "resource text\n", read
    assert len(_worker_pids(server)) == 1, server.stderr
    refused_id = server.next_id()
    refused = server.request("resources/read", {"uri": f"file://{secret}"}, id=refused_id)
    assert refused["error"]["code"] == -32002 and "the secret" not in json.dumps(refused), refused
    server.close()
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    record = next(r for r in records if r.get("id") == refused_id)
    assert record["decision"] == "deny" and record["path"] == str(secret), record
    ok = next(r for r in records if r.get("method") == "resources/read" and r.get("outcome") == "ok")
    assert ok["path"] == str(workdir / "notes.txt"), ok


@pytest.mark.parametrize("delay_ms", [0, 10, 25])
def test_a_reload_while_the_worker_starts_leaves_no_worker_with_the_old_rules(spawn, tmp_path, write_config, server_env, delay_ms):
    """Review 10, finding 4: a reload that landed while a client's worker started left that worker
    running with the old rules (a revoked grant still read and wrote) until the connection ended."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "s.txt").write_text("the shared secret\n")
    config, workdir, _, _ = _setup(
        tmp_path, write_config, server_env, "process",
        permissions=f'"file_read", "file_write", "file_read:{shared}/**", "file_write_global:{shared}/**"',
    )  # fmt: skip
    narrow = config.read_text().replace(f', "file_read:{shared}/**", "file_write_global:{shared}/**"', "")
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    first = server.next_id()
    server.send({"jsonrpc": "2.0", "id": first, "method": "tools/call", "params": {"name": "list_directory", "arguments": {"path": "."}}})
    time.sleep(delay_ms / 1000)
    config.write_text(narrow)
    server.proc.send_signal(signal.SIGHUP)
    _wait_for(lambda: "Configuration reloaded" in server.stderr)
    server.wait_response(first)
    for tool, arguments in [
        ("read_unchecked", {"path": str(shared / "s.txt")}),
        ("read_text_file", {"path": str(shared / "s.txt")}),
        ("write_file", {"path": str(shared / "w.txt"), "content": "revoked"}),
    ]:
        result = server.call_tool(tool, arguments)
        assert result.get("isError") is True and "the shared secret" not in text_of(result), (tool, result)
    assert not (shared / "w.txt").exists()
    server.close()
