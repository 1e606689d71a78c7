"""A cgroup per run (issue 10 items 2, 4, 8): limits.processes counts every descendant, memory_mb
holds for the run as a whole, and killing is total (a descendant that left the process group
with `setsid` is killed too). Needs the real `sandbox-exec` and a writable cgroup hierarchy (this
machine and CI: root with v1 `memory` + `pids`); each test says so when it skips.

The official Python `mcp` client (pinned 1.30.0) drives the fork bomb; raw stdio clients the rest.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import LATEST, StdioClient, text_of
from test_execution import audit_records, live_processes, uses_real_sandbox, wait_gone

CONFIG = """\
[[clients]]
id = "bomber"
permissions = ["file_read", "file_write", "code_execution"]
limits = { processes = 16, timeout_ms = 20000, memory_mb = 64 }

[[clients]]
id = "coder"
permissions = ["file_read", "file_write", "code_execution"]

[[clients]]
id = "tight"
permissions = ["code_execution", "system_command:*"]
limits = { processes = 2 }
"""

FORK_BOMB = """\
import os, time
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
"""

# Six children of 20 MiB each: every one is under RLIMIT_AS (64 MiB), together they are twice the
# run's memory limit, which only the cgroup sees.
MEMORY_HOG = """\
import os, time
children = []
for _ in range(6):
    pid = os.fork()
    if pid == 0:
        block = b"x" * (20 << 20)
        time.sleep(3)
        os._exit(0)
    children.append(pid)
ended = [os.waitpid(pid, 0)[1] for pid in children]
print("killed", sum(1 for status in ended if os.WIFSIGNALED(status)))
"""


@pytest.fixture
def config(write_config) -> Path:
    return write_config(CONFIG)


def cgroups_in_use(instructions: str) -> bool:
    """Whether the kernel summary in the `initialize` instructions lists a cgroup as present."""
    summary = instructions.split("Kernel sandboxing for code Bastion runs: ", 1)[-1]
    return "cgroup v" in summary.split("; missing:", 1)[0]


@pytest.fixture
def connect(spawn, config: Path, bastion_bin: Path):
    """`connect(client)` → an initialized raw client; skips unless runs get a cgroup."""
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in joins no cgroup)")

    def start(client: str) -> StdioClient:
        server = spawn("--config", config, "--client", client)
        result = server.initialize(LATEST)
        if not cgroups_in_use(result.get("instructions", "")):
            pytest.skip(f"no writable cgroup hierarchy: {result.get('instructions')}")
        return server

    return start


def run_directories(result: dict[str, Any]) -> list[str]:
    cgroups = (result["structuredContent"].get("sandbox") or {}).get("cgroups") or []
    assert cgroups, f"the run joined no cgroup: {result}"
    return cgroups


def server_roots(directories: list[str]) -> list[Path]:
    """`…/bastion-<pid>` of each run directory `…/bastion-<pid>/client-<id>/<run>`."""
    return [Path(d).parent.parent for d in directories]


def wait_removed(paths: list[str] | list[Path], within: float = 5.0) -> list[str]:
    deadline = time.monotonic() + within
    while (left := [str(p) for p in paths if Path(p).exists()]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_a_fork_bomb_is_contained_and_the_server_keeps_serving(connect, bastion_bin, config, server_env, tmp_path, state_home):
    probe = connect("bomber")  # skips unless cgroups are in use
    probe.close()
    # The interpreter runs the code from the server's code directory (review 9, finding 7), which
    # every process of the bomb names on its command line.
    workdir_tmp = "/tmp/bastion-code-"

    def params(client: str) -> StdioServerParameters:
        return StdioServerParameters(
            command=str(bastion_bin),
            args=["serve", "--config", str(config), "--client", client],
            env={k: v for k, v in server_env.items() if k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")},
            cwd=str(tmp_path),
        )

    timings: dict[str, float] = {}
    results: dict[str, Any] = {}

    async def main() -> None:
        with (tmp_path / "server-stderr.log").open("a") as errlog, anyio.fail_after(60):
            async with stdio_client(params("bomber"), errlog=errlog) as (read, write):
                async with ClientSession(read, write) as bomber:
                    await bomber.initialize()

                    async def bomb() -> None:
                        started = time.monotonic()
                        results["bomb"] = await bomber.call_tool(
                            "run_code", {"language": "python3", "code": FORK_BOMB, "timeout_ms": 3000}
                        )
                        timings["bomb"] = time.monotonic() - started

                    async with anyio.create_task_group() as group:
                        group.start_soon(bomb)
                        await anyio.sleep(1.0)  # the bomb is at its limit by now
                        results["during"] = len(live_processes(workdir_tmp))
                        started = time.monotonic()
                        await bomber.send_ping()
                        timings["ping"] = time.monotonic() - started
                        async with stdio_client(params("coder"), errlog=errlog) as (read2, write2):
                            async with ClientSession(read2, write2) as coder:
                                await coder.initialize()
                                started = time.monotonic()
                                results["other"] = await coder.call_tool(
                                    "run_code", {"language": "sh", "code": "echo meanwhile"}
                                )
                                timings["other"] = time.monotonic() - started
                    # The same client runs again once the bomb is gone.
                    results["after"] = await bomber.call_tool("run_code", {"language": "sh", "code": "echo again"})

    anyio.run(main)
    bomb = results["bomb"]
    data = bomb.structuredContent
    assert bomb.isError is True and data["timedOut"] is True, bomb
    assert data["processLimitHit"] is True, data
    assert 1 <= results["during"] <= 16, f"{results['during']} processes while the bomb ran (limit 16)"
    assert timings["bomb"] < 10, timings
    assert timings["ping"] < 2 and timings["other"] < 10, timings
    assert results["other"].structuredContent["stdout"] == "meanwhile\n", results["other"]
    assert results["after"].structuredContent["stdout"] == "again\n", results["after"]
    assert wait_gone(workdir_tmp, within=3) == [], "processes of the fork bomb are left"
    directories = data["sandbox"]["cgroups"]
    assert directories and wait_removed(directories) == [], directories
    record = [r for r in audit_records(state_home, "run_code") if r.get("client") == "bomber"][-2]
    assert record["execution"]["processLimitHit"] is True and record["execution"]["timedOut"] is True, record


def test_memory_of_the_run_as_a_whole_is_limited_and_reported(connect, state_home: Path):
    server = connect("bomber")  # memory_mb = 64
    result = server.call_tool("run_code", {"language": "python3", "code": MEMORY_HOG}, timeout=30)
    data = result["structuredContent"]
    assert data["memoryLimitHit"] is True, result
    assert "memory limit" in text_of(result), result
    # Some of the six children were killed by the kernel at the limit (or the parent with them).
    assert data["signal"] == "SIGKILL" or int(data["stdout"].split()[-1]) >= 1, result
    assert wait_removed(run_directories(result)) == []
    # A run that stays under the limit reports no hit.
    small = server.call_tool("run_code", {"language": "python3", "code": "b = b'x' * (8 << 20); print(len(b))"})
    assert small["structuredContent"]["memoryLimitHit"] is False, small
    server.finish()
    record = audit_records(state_home, "run_code")[-2]
    assert record["execution"]["memoryLimitHit"] is True, record


def test_a_setsid_grandchild_is_killed_at_the_timeout(connect):
    server = connect("coder")
    marker = "1043"  # `sleep 1043`: a duration no other process uses
    code = f"setsid sleep {marker} & sleep {marker} & echo started; sleep {marker}"
    started = time.monotonic()
    result = server.call_tool("run_code", {"language": "sh", "code": code, "timeout_ms": 700}, timeout=15)
    assert result["structuredContent"]["timedOut"] is True, result
    assert time.monotonic() - started < 5
    assert wait_gone(f"sleep {marker}", within=3) == [], "the setsid grandchild survived the timeout"
    assert wait_removed(run_directories(result)) == []
    server.finish()


def test_a_setsid_daemon_left_by_a_normal_exit_is_killed(connect):
    server = connect("coder")
    marker = "1047"
    result = server.call_tool("run_code", {"language": "sh", "code": f"setsid sleep {marker} & echo bye"}, timeout=15)
    assert result["structuredContent"]["exitCode"] == 0 and result["structuredContent"]["stdout"] == "bye\n", result
    assert wait_gone(f"sleep {marker}", within=3) == []
    assert wait_removed(run_directories(result)) == []
    server.finish()


def test_cgroup_directories_are_removed_after_runs_and_at_shutdown(connect):
    server = connect("coder")
    result = server.call_tool("run_code", {"language": "sh", "code": "cat /proc/self/cgroup"})
    directories = run_directories(result)
    # The child really ran in them: each path inside its hierarchy is in /proc/self/cgroup.
    for directory in directories:
        tail = directory.split("/bastion-", 1)[1]
        assert f"/bastion-{tail}\n" in result["structuredContent"]["stdout"], result
    assert wait_removed(directories) == []
    roots = server_roots(directories)
    assert all(root.name == f"bastion-{server.proc.pid}" and root.is_dir() for root in roots), roots
    # An idle client keeps only the cgroup of the sandbox-exec started ahead of its next run, which
    # holds that one waiting process (its run ids are from 2**62 up, never a run's).
    for root in roots:
        for client in (p for p in root.iterdir() if p.is_dir()):
            runs = [p for p in client.iterdir() if p.is_dir()]
            assert len(runs) <= 1 and all(int(p.name) >= 2**62 for p in runs), runs
            for run in runs:
                assert len((run / "cgroup.procs").read_text().split()) == 1
    server.close()
    assert wait_removed(roots) == [], "the server's cgroup directory outlived it"


def test_a_child_cannot_write_its_cgroup_limits(connect):
    server = connect("coder")
    probe = """\
import sys
line = [l for l in open('/proc/self/cgroup') if ':pids:' in l or l.startswith('0::')][0]
path = line.strip().split(':', 2)[2]
for base in ('/sys/fs/cgroup/pids', '/sys/fs/cgroup'):
    for name in ('pids.max', 'cgroup.procs'):
        try:
            open(base + path + '/' + name, 'w').write('max')
            print('wrote', base, name)
        except OSError as e:
            print('refused', type(e).__name__)
"""
    result = server.call_tool("run_code", {"language": "python3", "code": probe})
    out = result["structuredContent"]["stdout"]
    assert "wrote" not in out and "refused" in out, result
    server.finish()


def test_a_killed_servers_orphans_are_killed_by_the_next_server_which_starts_at_once(connect):
    """A server killed with SIGKILL cannot end its children; the next server start removes the dead
    server's cgroup directories and kills what is in them, without holding up `initialize` (it
    once retried `rmdir` of each populated directory for a second, and CI timed out)."""
    first = connect("coder")
    marker = "1051"
    for _ in range(6):  # six runs: six populated run directories in each hierarchy
        task = first.request("tools/call", {"name": "run_code", "arguments": {"language": "sh", "code": f"exec sleep {marker}"}, "task": {}})
        assert "result" in task, task
    deadline = time.monotonic() + 10
    while len(live_processes(f"sleep {marker}")) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(live_processes(f"sleep {marker}")) == 6
    first.kill()  # SIGKILL: the six sleeps outlive it
    assert live_processes(f"sleep {marker}"), "the children died with the server: nothing left to test"
    started = time.monotonic()
    second = connect("coder")
    assert time.monotonic() - started < 4, "start-up waited on the dead server's directories"
    assert wait_gone(f"sleep {marker}", within=3) == [], "the dead server's children survived the next start"
    second.finish()


def test_back_to_back_runs_keep_their_whole_process_limit(connect):
    """Review 10, finding 1: a sandbox-exec parked for the client's next run, ready while that run
    had already started without it, sat in the client's cgroup and took one of its
    `limits.processes`: every other back-to-back `sh -c 'true && echo ok'` (two processes, the limit)
    failed "Cannot fork". A parked process now brings its own slot."""
    server = connect("tight")
    for index in range(12):
        result = server.call_tool("run_command", {"command": ["sh", "-c", "/bin/true && echo ok"]}, timeout=15)
        content = result["structuredContent"]
        assert content["exitCode"] == 0 and content["stdout"] == "ok\n", (index, result)
    for _ in range(3):
        time.sleep(0.3)
        result = server.call_tool("run_command", {"command": ["sh", "-c", "/bin/true && echo ok"]}, timeout=15)
        assert result["structuredContent"]["stdout"] == "ok\n", result
    server.finish()
