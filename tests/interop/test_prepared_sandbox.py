"""A `sandbox-exec` prepared ahead of its run (issue 10, item 9): the server parks one per idle
client, already in its next run's cgroup and, given the client's last policy, already inside the
whole sandbox but for the launch (program, arguments, environment, working directory) and the
resource limits. These tests hold it to the same sandbox as a cold run, on its own (descriptor 3
carrying a prepared policy, a line feed, then the launch) and behind the server: a prepared run
reports exactly what a cold one does, a run of another policy never gets it, a waiting process
is already confined, and it ends with the server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import LATEST
from test_execution import uses_real_sandbox
from test_sandbox_exec import NOBODY, SYSTEM_LINKS, make_policy as loose_policy, spawn

CONFIG = """\
[[clients]]
id = "coder"
permissions = ["file_read", "file_write", "code_execution", "code_execution_sudo", "system_command:*"]
limits = { memory_mb = 256 }
"""


@pytest.fixture(autouse=True)
def real_sandbox(bastion_bin):
    if not uses_real_sandbox(bastion_bin):
        pytest.skip("needs the real sandbox-exec (the stand-in knows no prepared policy)")


@pytest.fixture
def work(tmp_path):
    directory = tmp_path / "work"
    directory.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(directory, 0o777)
    return directory


def make_policy(argv, work, **options) -> dict:
    """A minimal-root policy with canonical read paths (as the server sends them)."""
    policy = loose_policy(argv, work, minimalRoot=True, rootLinks=SYSTEM_LINKS, **options)
    policy["readPaths"] = sorted({os.path.realpath(p) for p in policy["readPaths"]})
    return policy


def prepared(policy: dict) -> dict:
    """The policy as the server parks it: no launch fields, awaiting one."""
    ahead = {k: v for k, v in policy.items() if k not in ("executable", "arguments", "environment", "workingDirectory")}
    ahead["awaitsLaunch"] = True
    return ahead


def launch_of(policy: dict) -> dict:
    return {k: policy[k] for k in ("executable", "arguments", "environment", "workingDirectory")}


def two_documents(policy: dict, launch: dict | None) -> bytes:
    first = json.dumps(prepared(policy)).encode() + b"\n"
    return first + (json.dumps(launch).encode() if launch is not None else b"")


def test_a_prepared_policy_runs_its_launch_under_the_same_sandbox(bastion_bin, work):
    (work / "sub").mkdir()
    os.chmod(work / "sub", 0o777)
    argv = [os.path.realpath("/bin/sh"), "-c", "id -u; pwd; echo $GREETING; ulimit -v; cat /etc/shadow || echo refused"]
    policy = make_policy(argv, work, user=NOBODY, env=("PATH=/usr/bin:/bin", "GREETING=hello"),
                         limits={"addressSpaceBytes": 256 << 20})
    cold = spawn(bastion_bin, policy)
    launch = launch_of(policy) | {"workingDirectory": str(work / "sub")}
    warm = spawn(bastion_bin, None, raw=two_documents(policy, launch))
    assert warm.returncode == 0, warm
    assert warm.stdout.split("\n")[:5] == ["65534", str(work / "sub"), "hello", str(256 << 10), "refused"], warm
    assert cold.stdout.split("\n")[2:] == warm.stdout.split("\n")[2:], (cold, warm)
    warm_report, cold_report = warm.report, cold.report
    assert warm_report.pop("preparedAhead") is True and cold_report.pop("preparedAhead") is False
    assert warm_report == cold_report


def test_a_prepared_policy_without_a_launch_runs_nothing(bastion_bin, work):
    policy = make_policy(["/usr/bin/touch", str(work / "ran")], work)
    run = spawn(bastion_bin, None, raw=two_documents(policy, None))
    assert run.returncode == 126, run
    assert run.status.startswith("failed policy:") and "launch" in run.status, run
    assert not (work / "ran").exists()


def test_a_whole_policy_followed_by_more_is_refused(bastion_bin, work):
    policy = make_policy(["/usr/bin/touch", str(work / "ran")], work)
    run = spawn(bastion_bin, None, raw=json.dumps(policy).encode() + b"\n" + json.dumps(launch_of(policy)).encode())
    assert run.returncode == 126 and "awaits no launch" in run.status, run
    assert not (work / "ran").exists()


def test_a_launch_cannot_leave_the_prepared_root(bastion_bin, work, tmp_path):
    # The launch names only what runs and where: a directory outside the prepared root does not
    # exist there, and an executable outside it cannot be found.
    outside = tmp_path / "outside"
    outside.mkdir()
    policy = make_policy(["/usr/bin/true"], work)
    run = spawn(bastion_bin, None, raw=two_documents(policy, launch_of(policy) | {"workingDirectory": str(outside)}))
    assert run.returncode == 126 and run.status.startswith("failed directory:"), run
    tool = outside / "tool"
    tool.write_text("#!/bin/sh\necho escaped\n")
    tool.chmod(0o755)
    launch = launch_of(policy) | {"executable": str(tool), "arguments": [str(tool)]}
    run = spawn(bastion_bin, None, raw=two_documents(policy, launch))
    assert run.returncode == 127 and "escaped" not in run.stdout, run


def status_fields(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return fields


def test_a_process_awaiting_its_launch_is_already_confined(bastion_bin, work):
    if os.geteuid() != 0:
        pytest.skip("switching to nobody needs root")
    policy = make_policy(["/usr/bin/true"], work, user=NOBODY)
    policy_r, policy_w = os.pipe()
    status_r, status_w = os.pipe()
    pid = os.posix_spawn(str(bastion_bin), [str(bastion_bin), "sandbox-exec"], {},
                         file_actions=[(os.POSIX_SPAWN_DUP2, policy_r, 3), (os.POSIX_SPAWN_DUP2, status_w, 4)])
    os.close(policy_r)
    os.close(status_w)
    try:
        os.write(policy_w, json.dumps(prepared(policy)).encode() + b"\n")
        deadline = time.monotonic() + 10
        while status_fields(pid)["Uid"].split()[0] != "65534" and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # past the seccomp filter, the last step before the wait
        fields = status_fields(pid)
        assert fields["Uid"].split() == ["65534"] * 4, fields
        assert fields["NoNewPrivs"] == "1" and fields["Seccomp"] == "2", fields
        assert int(fields["CapEff"], 16) == 0 and int(fields["CapBnd"], 16) == 0, fields
        assert os.readlink(f"/proc/{pid}/root") != "/" or os.stat(f"/proc/{pid}/root/") != os.stat("/")
        os.write(policy_w, json.dumps(launch_of(policy)).encode())
    finally:
        os.close(policy_w)
    status = b""
    while chunk := os.read(status_r, 65536):
        status += chunk
    os.close(status_r)
    _, code = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(code) == 0, status
    assert json.loads(status.decode().split(" ", 1)[1])["preparedAhead"] is True


@pytest.fixture
def coder(spawn, write_config):
    from conftest import StdioClient  # noqa: F401  (the fixture's type)

    config = write_config(CONFIG)

    def start():
        server = spawn("--config", config, "--client", "coder")
        server.initialize(LATEST)
        return server

    return start, config


def sandbox_of(result: dict) -> dict:
    return dict(result["structuredContent"].get("sandbox") or {})


def run(server, arguments: dict) -> dict:
    result = server.call_tool("run_command", arguments, timeout=30)
    assert result.get("isError") in (None, False), result
    return result


def wait_prepared(server, arguments: dict, rounds: int = 20) -> dict:
    """Runs `arguments` until a run reports a prepared sandbox (the previous one is parked
    after its run ended, which takes a few milliseconds), with pauses between."""
    for _ in range(rounds):
        time.sleep(0.3)
        result = run(server, arguments)
        if sandbox_of(result).get("preparedAhead"):
            return result
    raise AssertionError(f"no run was prepared ahead: {result}")


def test_the_next_run_is_prepared_and_gets_the_same_sandbox(coder, tmp_path):
    start, _ = coder
    server = start()
    cold = run(server, {"command": ["sh", "-c", "id -u; ulimit -v; echo $HOME"]})
    assert sandbox_of(cold).get("preparedAhead") is False, cold
    warm = wait_prepared(server, {"command": ["sh", "-c", "id -u; ulimit -v; echo $HOME"]})
    assert warm["structuredContent"]["stdout"] == cold["structuredContent"]["stdout"], (cold, warm)
    # The same kernel sandbox but for its cgroup directories (one per run).
    first, second = sandbox_of(cold), sandbox_of(warm)
    for report in (first, second):
        report.pop("preparedAhead")
        report["cgroups"] = [c.rsplit("/", 1)[0] for c in report.get("cgroups", [])]
    assert first == second
    # Another program, arguments, directory and environment: still the prepared one.
    workdir = Path(cold["structuredContent"]["stdout"].split("\n")[2])
    (workdir / "sub").mkdir(exist_ok=True)
    other = wait_prepared(server, {"command": ["pwd"], "cwd": str(workdir / "sub"), "env": {"X": "1"}})
    assert other["structuredContent"]["stdout"] == f"{workdir / 'sub'}\n", other
    server.close()


def test_code_runs_and_commands_share_one_prepared_sandbox(coder):
    start, _ = coder
    server = start()
    wait_prepared(server, {"command": ["true"]})
    time.sleep(0.3)
    # A code file of its own, in the client's code directory that every run of it sees.
    first = server.call_tool("run_code", {"language": "sh", "code": "echo from-code; id -u"}, timeout=30)
    assert first["structuredContent"]["stdout"] == "from-code\n65534\n", first
    assert sandbox_of(first)["preparedAhead"] is True, first
    time.sleep(0.3)
    second = server.call_tool("run_code", {"language": "sh", "code": "echo second"}, timeout=30)
    assert second["structuredContent"]["stdout"] == "second\n" and sandbox_of(second)["preparedAhead"], second
    server.close()


def test_a_run_of_another_policy_never_gets_the_prepared_sandbox(coder):
    if os.geteuid() != 0:
        pytest.skip("sudo: true needs a root server")
    start, _ = coder
    server = start()
    wait_prepared(server, {"command": ["true"]})
    time.sleep(0.3)
    # Another user: the parked nobody sandbox is discarded, the run starts cold as uid 0.
    sudo = run(server, {"command": ["id", "-u"], "sudo": True})
    assert sudo["structuredContent"]["stdout"] == "0\n" and sandbox_of(sudo)["preparedAhead"] is False, sudo
    time.sleep(0.3)
    # And the one parked after it (prepared as uid 0) never serves a run as nobody.
    back = run(server, {"command": ["id", "-u"]})
    assert back["structuredContent"]["stdout"] == "65534\n" and sandbox_of(back)["preparedAhead"] is False, back
    server.close()


def test_a_reload_is_never_run_under_the_policy_prepared_before_it(coder):
    start, config = coder
    server = start()
    before = wait_prepared(server, {"command": ["true"]})
    assert sandbox_of(before)["network"], before
    time.sleep(0.3)  # the next one is parked, prepared with the network cut off
    config.write_text(config.read_text().replace('"code_execution",', '"code_execution:unrestricted",'))
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while "Configuration reloaded" not in server.stderr and time.monotonic() < deadline:
        time.sleep(0.05)
    after = run(server, {"command": ["true"]})
    assert sandbox_of(after)["network"] == [] and sandbox_of(after)["preparedAhead"] is False, after
    # And the one prepared after it is prepared with the new rules.
    again = wait_prepared(server, {"command": ["true"]})
    assert sandbox_of(again)["network"] == [], again
    server.close()


def test_a_run_has_the_same_outcome_prepared_or_cold(coder, state_home):
    """Review 11, finding 1: a cold run entered its cwd as root, a prepared one as the child's
    user, so a directory only root can enter worked once and then failed every time. Both enter
    it as the child's user now."""
    if os.geteuid() != 0:
        pytest.skip("needs a root server (children run as nobody)")
    start, _ = coder
    server = start()
    workdir = state_home / "bastion" / "clients" / "coder"  # the first run must be a cold one
    assert workdir.is_dir()
    private = workdir / "private"
    private.mkdir()
    os.chown(private, 0, 0)
    private.chmod(0o700)
    outcomes = []
    for _ in range(3):
        time.sleep(0.3)
        result = server.call_tool("run_command", {"command": ["pwd"], "cwd": str(private)}, timeout=30)
        content = result["structuredContent"]
        outcomes.append((content.get("exitCode"), content.get("sandboxFailure")))
    assert outcomes[0] == outcomes[1] == outcomes[2], outcomes
    assert outcomes[0][0] == 126 and "Permission denied" in (outcomes[0][1] or ""), outcomes
    server.close()


def test_a_file_replaced_while_the_sandbox_is_parked_is_read_anew(spawn, write_config, tmp_path):
    """Review 11, finding 2: the parked sandbox held the inode of park time, so a system file
    replaced by rename (as useradd, resolv.conf managers and ldconfig do) was unreadable in the
    next run. The run now starts cold when a path names another file."""
    if os.geteuid() != 0:
        pytest.skip("writes a file in /etc")
    probe = Path(f"/etc/bastion-test-stamp-{os.getpid()}")
    probe.write_text("V1\n")
    probe.chmod(0o644)
    try:
        server = spawn("--config", write_config(CONFIG), "--client", "coder")
        server.initialize(LATEST)
        first = wait_prepared(server, {"command": ["cat", str(probe)]})
        assert first["structuredContent"]["stdout"] == "V1\n", first
        time.sleep(0.3)  # the next one is parked, holding the V1 inode
        replacement = probe.with_name(probe.name + ".new")
        replacement.write_text("V2\n")
        replacement.chmod(0o644)
        os.rename(replacement, probe)
        after = run(server, {"command": ["cat", str(probe)]})
        assert after["structuredContent"]["stdout"] == "V2\n", after
        assert sandbox_of(after)["preparedAhead"] is False, after
        server.close()
    finally:
        probe.unlink(missing_ok=True)


def test_a_workdir_moved_away_while_parked_is_not_the_next_runs(coder):
    """Review 11, finding 2: the parked sandbox bound the workdir's inode, so after an operator
    moved the workdir away and made a new one at its path, the next run wrote into the old one."""
    start, _ = coder
    server = start()
    workdir = Path(wait_prepared(server, {"command": ["pwd"]})["structuredContent"]["stdout"].strip())
    time.sleep(0.3)  # the next one is parked, holding the workdir's inode
    archived = workdir.with_name("archived-work")
    os.rename(workdir, archived)
    workdir.mkdir()
    shutil.copystat(archived, workdir)
    for name in os.listxattr(archived):
        os.setxattr(workdir, name, os.getxattr(archived, name))
    os.chown(workdir, os.stat(archived).st_uid, os.stat(archived).st_gid)
    result = run(server, {"command": ["sh", "-c", "echo written > note"]})
    assert result["structuredContent"]["exitCode"] == 0, result
    assert (workdir / "note").read_text() == "written\n" and not (archived / "note").exists(), result
    server.close()


def test_a_volume_unmounted_while_parked_is_gone_for_the_next_run(coder, state_home):
    """Review 12, finding 2: the parked sandbox held the mounts of park time below its binds, so
    a volume the host unmounted since was still readable in the next run."""
    if os.geteuid() != 0:
        pytest.skip("mounts a tmpfs")
    start, _ = coder
    server = start()
    vault = state_home / "bastion" / "clients" / "coder" / "vault"
    vault.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0777", "bastion-test-vault", str(vault)], check=True)
    try:
        (vault / "secret").write_text("ON-THE-VOLUME\n")
        (vault / "secret").chmod(0o644)
        first = wait_prepared(server, {"command": ["sh", "-c", "cat vault/secret 2>&1; true"]})
        assert first["structuredContent"]["stdout"] == "ON-THE-VOLUME\n", first
        time.sleep(0.3)  # the next one is parked, the volume mounted in its namespace
    finally:
        subprocess.run(["umount", str(vault)], check=True)
    after = run(server, {"command": ["sh", "-c", "cat vault/secret 2>&1; true"]})
    assert "ON-THE-VOLUME" not in after["structuredContent"]["stdout"], after
    server.close()


def test_a_workdir_holding_the_code_directory_is_refused(run_cli, server_env):
    """Review 12, finding 1: with `workdir = "/tmp"` the code directory was inside a writable
    bind, and a uid-0 child replaced the code of later runs."""
    import uuid

    base = Path("/var/tmp") / f"bastion-test-{uuid.uuid4().hex[:12]}"  # Bastion's own files out of /tmp
    base.mkdir(parents=True)
    try:
        server_env["XDG_STATE_HOME"] = str(base / "state")
        server_env["BASTION_APPROVAL_DIR"] = str(base / "approvals")
        server_env["XDG_CONFIG_HOME"] = str(base / "config")
        config = base / "bastion.toml"
        config.write_text(
            f'[server]\naudit_log = "{base}/audit.jsonl"\n\n'
            '[[clients]]\nid = "wide"\nworkdir = "/tmp"\npermissions = ["code_execution"]\n'
        )
        checked = run_cli("check-config", config)
        assert checked.returncode != 0 and "code directory" in checked.stderr, checked
    finally:
        shutil.rmtree(base, ignore_errors=True)


def parked_processes(server_pid: int) -> list[int]:
    """`bastion sandbox-exec` children of the server."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server_pid and b"sandbox-exec" in cmdline:
            found.append(int(entry.name))
    return found


def test_a_prepared_sandbox_ends_with_a_killed_server(coder):
    start, _ = coder
    server = start()
    wait_prepared(server, {"command": ["true"]})
    deadline = time.monotonic() + 10
    while not (parked := parked_processes(server.proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert parked, "no sandbox-exec was parked"
    server.kill()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[:1]
              for pid in parked) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in parked if Path(f"/proc/{pid}").exists()
            and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert left == [], "a prepared sandbox-exec outlived its server"
