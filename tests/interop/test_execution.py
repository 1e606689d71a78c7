"""run_command / run_code end to end: the built `bastion` with raw stdio clients and the official
Python `mcp` client (pinned 1.30.0).

Children run through `bastion sandbox-exec`. While the binary has no such sub-command (before the
sandbox branch is merged), the tests point the server at `fixtures/fake_sandbox_exec.py` through
`BASTION_SANDBOX_EXEC`: a stand-in that follows the same descriptor contract but applies NO
isolation. Every test here writes only inside the client's workdir and asserts nothing about the
absence of isolation, so each passes with the real `sandbox-exec` as well
(`BASTION_TEST_SANDBOX=real` forces it, `=stand-in` forces the stand-in; by default the real one
is used when `bastion --help` lists `sandbox-check`, which comes with it).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import LATEST, StdioClient, text_of

STAND_IN = Path(__file__).resolve().parent / "fixtures" / "fake_sandbox_exec.py"

CONFIG = """\
[[clients]]
id = "coder"
permissions = ["file_read", "file_write", "code_execution"]

[[clients]]
id = "echoer"
permissions = ["file_read", "file_write", "system_command:echo"]

[[clients]]
id = "anything"
permissions = ["file_read", "file_write", "system_command:*"]

[[clients]]
id = "reader"
read_only = true
permissions = ["file_read", "code_execution", "system_command:*"]

[[clients]]
id = "tiny"
permissions = ["file_read", "code_execution"]
limits = { output_kb = 1, processes = 1, timeout_ms = 20000 }
"""


def uses_real_sandbox(bastion_bin: Path) -> bool:
    choice = os.environ.get("BASTION_TEST_SANDBOX", "")
    if choice in ("real", "stand-in"):
        return choice == "real"
    # `sandbox-exec` is a hidden sub-command; `sandbox-check`, listed, comes with it.
    shown = subprocess.run([str(bastion_bin), "--help"], capture_output=True, text=True, timeout=30)
    return "sandbox-check" in shown.stdout + shown.stderr


@pytest.fixture
def server_env(server_env: dict[str, str], bastion_bin: Path) -> dict[str, str]:
    env = dict(server_env)
    if not uses_real_sandbox(bastion_bin):
        env["BASTION_SANDBOX_EXEC"] = str(STAND_IN)
    return env


@pytest.fixture
def config(write_config) -> Path:
    return write_config(CONFIG)


@pytest.fixture
def connect(spawn, config: Path):
    """`connect(client)` → an initialized raw client for that configured client."""

    def start(client: str) -> StdioClient:
        server = spawn("--config", config, "--client", client)
        server.initialize(LATEST)
        return server

    return start


def audit_records(state_home: Path, tool: str) -> list[dict[str, Any]]:
    path = state_home / "bastion" / "audit.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in records if r.get("tool") == tool]


def live_processes(marker: str) -> list[int]:
    """Pids whose command line contains `marker` and that are not zombies (a zombie has ended)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z" and str(os.getpid()) != entry.name:
            found.append(int(entry.name))
    return found


def task_children(task: Path) -> list[str]:
    """The children of one server thread; none when the thread has ended meanwhile (the sink's
    writer thread ends 250 ms after its last hand-off)."""
    try:
        return (task / "children").read_text().split()
    except OSError:
        return []


def wait_gone(marker: str, within: float = 5.0) -> list[int]:
    deadline = time.monotonic() + within
    while (left := live_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


# -- runs that succeed ----------------------------------------------------------------------------


def test_run_code_prints_and_reports_structured_content(connect):
    server = connect("coder")
    assert "run_code" in server.tool_names() and "run_command" not in server.tool_names()
    result = server.call_tool("run_code", {"language": "sh", "code": 'echo "hello $1"; echo oops >&2; exit 3'})
    data = result["structuredContent"]
    assert data["stdout"] == "hello \n" and data["stderr"] == "oops\n", data
    assert data["exitCode"] == 3 and data["signal"] is None
    assert data["timedOut"] is False and data["truncated"] is False and data["durationMs"] >= 0
    assert "sandbox" in data and data["sandbox"] is not None
    assert "Exit code 3" in text_of(result)
    server.finish()


def test_run_code_reads_stdin_and_runs_in_the_workdir(connect, state_home: Path):
    server = connect("coder")
    workdir = state_home / "bastion" / "clients" / "coder"
    code = "import os,sys; print(sys.stdin.read().upper(), os.getcwd(), os.environ['HOME'], os.environ['TMPDIR'])"
    result = server.call_tool("run_code", {"language": "python3", "code": code, "stdin": "abc"})
    out = result["structuredContent"]["stdout"].split()
    assert out == ["ABC", str(workdir.resolve()), str(workdir.resolve()), str(workdir.resolve() / ".tmp")], result
    # The code file is removed after the run.
    assert list((workdir / ".tmp").iterdir()) == []
    server.finish()


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("sh", "echo ok"),
        ("bash", "echo ${BASH_VERSION:+ok}"),
        ("python3", "import json, ssl; print('ok')"),
        ("node", "require('crypto'); console.log('ok')"),
    ],
)
def test_every_default_interpreter_runs_in_the_sandbox(connect, language, code):
    if not Path(f"/usr/bin/{language}").exists():
        pytest.skip(f"{language} is not installed in /usr/bin")
    server = connect("coder")
    result = server.call_tool("run_code", {"language": language, "code": code}, timeout=20)
    assert result["structuredContent"]["stdout"] == "ok\n", result
    assert result["structuredContent"]["stderr"] == "", result
    server.finish()


def test_the_real_sandbox_keeps_writes_in_the_workdir(connect, bastion_bin: Path, tmp_path: Path):
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in applies no isolation)")
    server = connect("coder")
    outside = tmp_path / "outside.txt"
    result = server.call_tool(
        "run_code", {"language": "sh", "code": f"echo x > {outside}; echo in > inside.txt; cat inside.txt"}
    )
    assert not outside.exists()
    assert result["structuredContent"]["stdout"] == "in\n", result
    assert result["structuredContent"]["sandbox"].get("landlock"), result
    server.finish()


def test_run_command_echo_with_its_grant(connect):
    server = connect("echoer")
    assert "run_command" in server.tool_names() and "run_code" not in server.tool_names()
    result = server.call_tool("run_command", {"command": ["echo", "a b", "$HOME", ";", "rm"]})
    assert result.get("isError") is not True, result
    assert result["structuredContent"]["stdout"] == "a b $HOME ; rm\n"
    assert result["structuredContent"]["exitCode"] == 0
    server.finish()


def test_run_command_passes_safe_env_and_refuses_loader_variables(connect):
    server = connect("anything")
    ok = server.call_tool("run_command", {"command": ["printenv", "GREETING"], "env": {"GREETING": "hi"}})
    assert ok["structuredContent"]["stdout"] == "hi\n", ok
    for name in ["LD_PRELOAD", "BASH_ENV", "ENV", "NODE_OPTIONS", "PYTHONSTARTUP", "PATH", "A=B", "A\u0000B", ""]:
        bad = server.call_tool("run_command", {"command": ["true"], "env": {name: "x"}})
        assert bad.get("isError") is True, (name, bad)
        assert "environment variable" in text_of(bad), bad
    server.finish()


# -- SYSTEM_COMMAND on the resolved executable --------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["rm", "-rf", "x"], ["/bin/rm", "x"], ["/usr/bin/rm", "x"], ["env", "rm", "x"], ["sh", "-c", "rm x"], ["/bin/echo", "x"]],
)
def test_system_command_denies_what_echo_does_not_cover(connect, state_home: Path, command):
    server = connect("echoer")
    workdir = state_home / "bastion" / "clients" / "echoer"
    (workdir / "x").write_text("keep me")
    result = server.call_tool("run_command", {"command": command})
    assert result.get("isError") is True, result
    assert "Permission denied" in text_of(result) and "system_command" in text_of(result), result
    assert (workdir / "x").read_text() == "keep me"
    server.finish()
    record = audit_records(state_home, "run_command")[-1]
    assert record["decision"] == "deny" and record["outcome"] == "denied", record


def test_read_only_client_sees_no_execution_tool(connect):
    server = connect("reader")
    names = server.tool_names()
    assert "run_command" not in names and "run_code" not in names
    server.finish()


# -- timeouts, cancellation, truncation, the concurrency cap ----------------------------------


def test_timeout_kills_the_whole_group_promptly(connect, state_home: Path):
    server = connect("coder")
    marker = "1013"  # `sleep 1013`: a duration no other process uses
    started = time.monotonic()
    result = server.call_tool(
        "run_code",
        {"language": "sh", "code": f"sleep {marker} & sleep {marker} & echo started; sleep {marker}", "timeout_ms": 700},
        timeout=15,
    )
    elapsed = time.monotonic() - started
    data = result["structuredContent"]
    assert data["timedOut"] is True and result.get("isError") is True, result
    assert data["stdout"] == "started\n"
    assert elapsed < 4.5, f"answered after {elapsed:.1f} s"
    assert wait_gone(f"sleep {marker}") == []
    server.finish()
    record = audit_records(state_home, "run_code")[-1]
    assert record["execution"]["timedOut"] is True and record["execution"]["codeSha256"], record


def test_children_left_behind_by_a_normal_exit_are_killed(connect):
    server = connect("coder")
    marker = "1021"
    result = server.call_tool("run_code", {"language": "sh", "code": f"sleep {marker} & echo bye"}, timeout=15)
    assert result["structuredContent"]["exitCode"] == 0 and result["structuredContent"]["stdout"] == "bye\n"
    assert result["structuredContent"]["durationMs"] < 3000, result
    assert wait_gone(f"sleep {marker}") == []
    server.finish()


def test_cancellation_kills_the_run_and_is_audited(connect, state_home: Path):
    server = connect("coder")
    marker = "1017"
    server.send(
        {
            "jsonrpc": "2.0",
            "id": 77,
            "method": "tools/call",
            "params": {"name": "run_code", "arguments": {"language": "sh", "code": f"sleep {marker} & sleep {marker}"}},
        }
    )
    deadline = time.monotonic() + 5
    while not live_processes(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_processes(f"sleep {marker}"), "the run never started"
    server.notify("notifications/cancelled", {"requestId": 77, "reason": "test"})
    assert wait_gone(f"sleep {marker}", within=3) == []
    server.assert_alive()
    server.close()
    record = audit_records(state_home, "run_code")[-1]
    assert record["execution"]["cancelled"] is True, record


def test_shutdown_kills_a_running_child_and_writes_its_record(connect, state_home: Path):
    server = connect("coder")
    marker = "1019"
    server.send(
        {
            "jsonrpc": "2.0",
            "id": 78,
            "method": "tools/call",
            "params": {"name": "run_code", "arguments": {"language": "sh", "code": f"sleep {marker}"}},
        }
    )
    deadline = time.monotonic() + 5
    while not live_processes(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    server.proc.terminate()
    server.proc.wait(timeout=10)
    assert wait_gone(f"sleep {marker}", within=3) == []
    records = audit_records(state_home, "run_code")
    assert records and records[-1]["execution"]["cancelled"] is True, records


def test_output_beyond_output_kb_is_cut_and_flagged(connect):
    server = connect("tiny")
    # One process: with a cgroup per run, limits.processes = 1 counts every descendant (no pipeline).
    code = "import sys; sys.stdout.write('a' * 200000); sys.stdout.flush(); sys.stderr.write('done\\n')"
    result = server.call_tool("run_code", {"language": "python3", "code": code})
    data = result["structuredContent"]
    assert data["truncated"] is True and len(data["stdout"]) == 1024 and data["stderr"] == "done\n", data
    assert data["exitCode"] == 0
    server.finish()


def test_concurrent_runs_are_capped_and_the_server_keeps_serving(connect):
    server = connect("tiny")  # limits.processes = 1
    server.send(
        {
            "jsonrpc": "2.0",
            "id": 90,
            "method": "tools/call",
            # One process (limits.processes = 1 counts every descendant where runs get a cgroup).
            "params": {
                "name": "run_code",
                "arguments": {"language": "python3", "code": "import time; time.sleep(2); print('slow')"},
            },
        }
    )
    time.sleep(0.5)
    started = time.monotonic()
    server.assert_alive()
    assert time.monotonic() - started < 1.0
    second = server.call_tool("run_code", {"language": "sh", "code": "echo fast"})
    assert second.get("isError") is True and "limits.processes" in text_of(second), second
    first = server.wait_response(90, timeout=10)
    assert first["result"]["structuredContent"]["stdout"] == "slow\n", first
    third = server.call_tool("run_code", {"language": "sh", "code": "echo again"})
    assert third["structuredContent"]["stdout"] == "again\n"
    server.finish()


def test_progress_notifications_carry_the_latest_output(connect):
    server = connect("coder")
    result = server.result(
        "tools/call",
        {
            "name": "run_code",
            "arguments": {"language": "sh", "code": "for i in 1 2 3; do echo line$i; sleep 0.4; done"},
            "_meta": {"progressToken": "p1"},
        },
        timeout=15,
    )
    assert result["structuredContent"]["stdout"] == "line1\nline2\nline3\n"
    progress = server.notifications("notifications/progress")
    assert progress and all(p["params"]["progressToken"] == "p1" for p in progress), server.others
    assert any("line" in p["params"].get("message", "") for p in progress), progress
    server.finish()


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "tool", "arguments", "expected"),
    [
        ("coder", "run_code", {"language": "cobol", "code": "x"}, "available: "),
        ("anything", "run_command", {"command": ["no-such-program-here"]}, "no executable"),
        ("anything", "run_command", {"command": ["./relative/prog"]}, "no executable"),
        ("anything", "run_command", {"command": []}, "argv[0]"),
        ("anything", "run_command", {"command": [""]}, "argv[0]"),
        ("anything", "run_command", {"command": ["true"], "cwd": "missing-dir"}, "cwd"),
        ("anything", "run_command", {"command": ["true"], "cwd": "/etc"}, "cwd"),
        ("anything", "run_command", {"command": ["true"], "timeout_ms": 0}, "timeout_ms"),
        ("anything", "run_command", {"command": ["true"], "timeout_ms": 31_536_000_000}, "timeout_ms"),
        ("anything", "run_command", {"command": ["true"], "timeout_ms": 1e30}, "timeout_ms"),
        ("anything", "run_command", {"command": ["true"], "timeout_ms": -1}, "timeout_ms"),
        ("coder", "run_code", {"language": "sh", "code": "true", "timeout_ms": 0}, "timeout_ms"),
        ("anything", "run_command", {"command": ["echo", 5]}, "command"),
        ("anything", "run_command", {"command": ["true"], "env": {"A=B": "x"}}, "environment variable"),
        ("anything", "run_command", {"command": ["true"], "env": {"A\u0000B": "x"}}, "environment variable"),
        ("anything", "run_command", {"command": ["true"], "sudo": True}, "code_execution_sudo"),
        ("anything", "run_command", {"command": ["echo", "a\u0000b"]}, "NUL"),
    ],
)
def test_bad_input_is_a_clear_error_audited_and_leaves_nothing_running(
    connect, state_home: Path, client, tool, arguments, expected
):
    server = connect(client)
    result = server.call_tool(tool, arguments)
    assert result.get("isError") is True, result
    assert expected in text_of(result), result
    children = Path(f"/proc/{server.proc.pid}/task")
    kids = [c for t in children.iterdir() for c in task_children(t)]
    assert kids == [], f"children left: {kids}"
    server.finish()
    record = audit_records(state_home, tool)[-1]
    # A type the schema refuses (1e30, a number in argv) is refused before the handler runs.
    assert record["outcome"] in ("error", "denied", "invalid-arguments"), record
    if record["outcome"] != "invalid-arguments":
        assert "execution" in record and record["execution"].get("refused"), record


def test_audit_masks_secrets_in_argv(connect, state_home: Path):
    server = connect("echoer")
    token = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl"
    result = server.call_tool("run_command", {"command": ["echo", "--password", "hunter2", token]})
    assert result["structuredContent"]["exitCode"] == 0
    server.finish()
    line = json.dumps(audit_records(state_home, "run_command")[-1])
    assert "hunter2" not in line and "c2lnbmF0dXJlc2lnbmF0dXJl" not in line, line
    record = audit_records(state_home, "run_command")[-1]
    assert record["execution"]["argv"][0] == "echo" and record["execution"]["exitCode"] == 0, record


# -- the official client ------------------------------------------------------------------------


def test_official_client_runs_code_with_the_default_configuration(bastion_bin: Path, server_env, tmp_path: Path):
    """`bastion serve` with no configuration offers run_code to client `local` (restricted code_execution)."""
    params = StdioServerParameters(
        command=str(bastion_bin),
        args=["serve"],
        env={k: v for k, v in server_env.items() if k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "BASTION_SANDBOX_EXEC")},
        cwd=str(tmp_path),
    )

    async def main() -> None:
        with (tmp_path / "server-stderr.log").open("a") as errlog:
            with anyio.fail_after(30):
                async with stdio_client(params, errlog=errlog) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        tools = {t.name: t for t in (await session.list_tools()).tools}
                        assert "run_code" in tools and "run_command" not in tools
                        hints = tools["run_code"].annotations
                        assert hints.readOnlyHint is False and hints.destructiveHint is True
                        assert tools["run_code"].outputSchema["properties"]["exitCode"]
                        result = await session.call_tool("run_code", {"language": "sh", "code": "echo $((6*7))"})
                        assert result.isError is False, result
                        assert result.structuredContent["stdout"] == "42\n"
                        assert result.structuredContent["exitCode"] == 0

    anyio.run(main)


def test_code_cannot_reach_the_approval_socket_or_the_audit_log(connect, bastion_bin: Path, state_home: Path):
    """Issue 10 item 3: code Bastion runs (as root here, the server's own user) must not connect to
    the approval socket — Landlock ABI 7 does not cover connect() — nor read or append to the audit
    log. The socket is a stand-in listening where the server's would."""
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in applies no isolation)")
    import socket

    approvals = state_home / "bastion" / "approvals"
    approvals.mkdir(parents=True, exist_ok=True)
    approvals.chmod(0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(approvals / "999999.sock"))
    listener.listen(1)
    audit = state_home / "bastion" / "audit.jsonl"
    probe = f"""
import socket
results = []
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect({str(approvals / "999999.sock")!r}); results.append("connected")
except OSError as e:
    results.append("connect:" + type(e).__name__)
for mode in ("r", "a"):
    try:
        open({str(audit)!r}, mode).close(); results.append("opened-" + mode)
    except OSError as e:
        results.append(mode + ":" + type(e).__name__)
print(" ".join(results))
"""
    try:
        server = connect("coder")
        server.call_tool("run_code", {"language": "sh", "code": "true"})  # the audit log exists now
        result = server.call_tool("run_code", {"language": "python3", "code": probe})
        server.finish()
    finally:
        listener.close()
    out = result["structuredContent"]["stdout"]
    assert "connected" not in out and "opened" not in out, out
    assert out.startswith("connect:"), out
    assert str(approvals) in result["structuredContent"]["sandbox"].get("hiddenPaths", []), result


def test_a_cwd_outside_the_workdir_opens_nothing_beneath_it(spawn, write_config, tmp_path: Path, bastion_bin: Path):
    """Review 4, finding 2: `cwd` once added its whole subtree to Landlock's read set, past `deny`
    globs (`cat secret.txt` in a granted root whose secrets are denied) and, with `cwd = "/"`, past
    every grant (`/etc/shadow`)."""
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in applies no isolation)")
    area = tmp_path / "area"
    area.mkdir()
    (area / "secret.txt").write_text("TOPSECRET\n")
    config = write_config(
        f"""\
[[clients]]
id = "catter"
permissions = ["file_read:{area}/**", "system_command:cat"]
deny = ["**/secret*"]
"""
    )
    server = spawn("--config", config, "--client", "catter")
    server.initialize(LATEST)
    for cwd, path in ((str(area), str(area / "secret.txt")), ("/", "/etc/shadow")):
        result = server.call_tool("run_command", {"command": ["cat", path], "cwd": cwd})
        out = result.get("structuredContent") or {}
        assert "TOPSECRET" not in json.dumps(result) and "root:" not in out.get("stdout", ""), result
    server.finish()


def test_children_hold_no_capability_even_as_root(connect, bastion_bin: Path, tmp_path: Path):
    """Review 4, finding 1: a root child had every capability, so it could chmod/chown files outside
    its write scope, set file capabilities and make device nodes in its workdir."""
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in applies no isolation)")
    # Owned by another user: a root child owns root's files (DAC), so only a capability
    # (CAP_FOWNER, CAP_CHOWN) would let it change this one.
    victim = tmp_path / "victim"
    victim.write_text("x")
    victim.chmod(0o644)
    os.chown(victim, 4242, 4242)
    code = f"""
import json, os, stat
caps = {{l.split(':')[0]: l.split()[1] for l in open('/proc/self/status') if l.startswith('Cap')}}
def attempt(action):
    try:
        action(); return "ok"
    except OSError as e:
        return e.__class__.__name__
print(json.dumps({{
    "caps": caps,
    "chmod": attempt(lambda: os.chmod({str(victim)!r}, 0o4777)),
    "chown": attempt(lambda: os.chown({str(victim)!r}, 65534, 65534)),
    "mknod": attempt(lambda: os.mknod("kmsg", stat.S_IFCHR | 0o600, os.makedev(1, 11))),
}}))
"""
    server = connect("coder")
    result = server.call_tool("run_code", {"language": "python3", "code": code})
    report = json.loads(result["structuredContent"]["stdout"])
    assert all(int(value, 16) == 0 for value in report["caps"].values()), report
    assert report["chmod"] != "ok" and report["chown"] != "ok" and report["mknod"] != "ok", report
    assert victim.stat().st_mode & 0o7777 == 0o644
    server.finish()


def test_rotated_audit_files_and_config_backups_stay_out_of_reach(spawn, write_config, tmp_path: Path, bastion_bin: Path):
    """Review 4, finding 3: only the audit log, its head and `.1` were masked (files, at start), so
    `audit.jsonl.2` in a granted write root was readable, and a child could rename the log's
    directory away; `/etc/<config>~`, an editor's backup beside a configuration in `/etc`, was in
    every child's read set. Now a write root holding a hidden path is left out, saying so, and
    read roots are carved around hidden paths and their look-alike siblings."""
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in applies no isolation)")
    if not os.access("/etc", os.W_OK):
        pytest.skip("needs to write a configuration into /etc (root)")
    area = tmp_path / "area"  # a granted root that does not hold the workdir
    logs = area / "logs"
    logs.mkdir(parents=True)
    (logs / "audit.jsonl.2").write_text("ROTATED-SECRET\n")
    etc_config = Path(f"/etc/bastion-interop-{os.getpid()}.toml")
    backup = Path(str(etc_config) + "~")
    text = f"""\
[server]
audit_log = "{logs}/audit.jsonl"

[[clients]]
id = "free"
permissions = ["file_read", "file_write:{area}/**", "code_execution:unrestricted"]
"""
    etc_config.write_text(text)
    backup.write_text("BACKUP-SECRET\n" + text)
    try:
        server = spawn("--config", etc_config, "--client", "free")
        server.initialize(LATEST)
        code = f"cat {logs}/audit.jsonl.2 {backup}; mv {logs} {area}/moved; echo done"
        result = server.call_tool("run_code", {"language": "sh", "code": code})
        server.finish()
    finally:
        etc_config.unlink()
        backup.unlink()
    dumped = json.dumps(result)
    assert "ROTATED-SECRET" not in dumped and "BACKUP-SECRET" not in dumped, result
    assert logs.is_dir() and not (area / "moved").exists(), "the child renamed the audit log's directory"
    excluded = result["structuredContent"].get("excludedWriteRoots", [])
    assert any("audit.jsonl" in reason for reason in excluded), result


def test_a_child_sees_no_socket_and_no_process_outside_its_sandbox(connect, bastion_bin: Path, tmp_path: Path):
    """Review 4, findings 4 and 7: restricted code could connect() to any pathname UNIX socket
    (Landlock ABI 7 has no rule for it: docker.sock, D-Bus) and list every process with its command
    line in /proc. Its root is now a tmpfs holding only its read and write paths, with a procfs of
    its own (hidepid=invisible): the socket does not exist there, and no outside process is listed."""
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in applies no isolation)")
    import socket

    path = tmp_path / "daemon.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    probe = f"""
import json, os, socket
report = {{}}
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect({str(path)!r}); report["connect"] = "connected"
except OSError as e:
    report["connect"] = type(e).__name__
report["pids"] = sorted(int(n) for n in os.listdir("/proc") if n.isdigit())
report["self"] = os.getpid()
try:
    report["init"] = open("/proc/1/cmdline", "rb").read().decode(errors="replace")
except OSError as e:
    report["init"] = type(e).__name__
print(json.dumps(report))
"""
    try:
        server = connect("coder")
        result = server.call_tool("run_code", {"language": "python3", "code": probe})
        server_pid = server.proc.pid
        server.finish()
    finally:
        listener.close()
    report = json.loads(result["structuredContent"]["stdout"])
    assert report["connect"] != "connected", report
    assert report["self"] in report["pids"] and server_pid not in report["pids"] and 1 not in report["pids"], report
    assert report["init"] in ("FileNotFoundError", "PermissionError"), report
    sandbox = result["structuredContent"]["sandbox"]
    assert sandbox["minimalRoot"] is True, sandbox
