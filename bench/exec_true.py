#!/usr/bin/env python3
"""run_command ["true"] through `bastion serve` against its floors, in one run (issue 10, item 9).

    bench/exec_true.py BASTION_BIN [N] [SANDBOX_EXEC]

Rows, each N times after 10 warm-up rounds, p50 and p99 in ms:
- `posix_spawn true`: os.posix_spawn of /usr/bin/true and waitpid (the floor);
- `sandbox-exec true`: the sandbox executable alone running true, the policy on fd 3 and the
  status pipe on fd 4, as the server starts it (what the sandbox costs, without the server);
- `bwrap true`: Debian's bubblewrap, `bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all true`
  (the peer: what a bubblewrap wrapper costs per run, with no Landlock, seccomp, cgroup or limits);
- `run_command true`: a full tools/call over stdio, JSON-RPC in, audit record written, answer read.

BENCH_GAP_MS=N pauses N ms before each round (0 by default: back-to-back calls).

Issue 10's targets: `run_command true` p50 <= `posix_spawn true` p50 + 2 ms, and below `bwrap true`.

SANDBOX_EXEC defaults to the server's own (`BASTION_BIN sandbox-exec`); give the test stand-in
(tests/interop/fixtures/fake_sandbox_exec.py) before the real one exists. The stand-in is a
Python script, so its row is Python's start-up time, not the cost of a sandbox.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def spawn_true():
    pid = os.posix_spawn("/usr/bin/true", ["true"], {})
    os.waitpid(pid, 0)


BWRAP = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "true"]


def bwrap_true():
    pid = os.posix_spawnp("bwrap", BWRAP, {"PATH": "/usr/bin:/bin"})
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def sandbox_true(executable, argv, workdir):
    policy = json.dumps({
        "executable": "/usr/bin/true", "arguments": ["true"], "environment": ["PATH=/usr/bin:/bin"],
        "workingDirectory": workdir, "limits": {}, "readPaths": ["/usr", "/etc"], "writePaths": [workdir],
        "restrictsNetwork": True, "required": [],
    }).encode()
    policy_r, policy_w = os.pipe()
    status_r, status_w = os.pipe()
    os.set_inheritable(policy_r, True)
    os.set_inheritable(status_w, True)
    pid = os.posix_spawn(executable, argv, {}, file_actions=[
        (os.POSIX_SPAWN_DUP2, policy_r, 3), (os.POSIX_SPAWN_DUP2, status_w, 4)])
    os.close(policy_r)
    os.close(status_w)
    os.write(policy_w, policy)
    os.close(policy_w)
    while os.read(status_r, 4096):
        pass
    os.close(status_r)
    os.waitpid(pid, 0)


def main():
    bastion = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    sandbox = sys.argv[3] if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory() as scratch:
        os.chmod(scratch, 0o711)  # as root, children run as nobody (run_as), who must reach the workdir
        workdir = os.path.join(scratch, "work")
        os.mkdir(workdir, 0o700)
        config = os.path.join(scratch, "bastion.toml")
        with open(config, "w") as file:
            file.write(f'[server]\naudit_log = "{scratch}/audit.jsonl"\n\n[[clients]]\nid = "bench"\n'
                       f'workdir = "{workdir}"\npermissions = ["file_read", "system_command:true"]\n')
        env = {"PATH": "/usr/bin:/bin", "XDG_STATE_HOME": scratch}
        if sandbox:
            env["BASTION_SANDBOX_EXEC"] = sandbox
        server = subprocess.Popen([bastion, "serve", "--config", config, "--client", "bench"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE if os.environ.get("BENCH_DEBUG") else subprocess.DEVNULL, env=env)

        def call(ident, method, params):
            server.stdin.write((json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params}) + "\n").encode())
            server.stdin.flush()
            answer = json.loads(server.stdout.readline())
            assert "result" in answer, answer
            return answer["result"]

        call(0, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
        server.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        sandbox_argv = [sandbox, "sandbox-exec"] if sandbox else ["bastion", "sandbox-exec"]
        sandbox_exe = sandbox or bastion
        rows = {"posix_spawn true": [], "sandbox-exec true": [], "bwrap true": [], "run_command true": []}
        gap = float(os.environ.get("BENCH_GAP_MS", "0")) / 1000
        for index in range(rounds + 10):
            # A pause between rounds, as between a model's calls (the next run of an idle client
            # starts from a sandbox-exec prepared meanwhile); 0 measures back-to-back calls.
            time.sleep(gap)
            samples = []
            for body in (spawn_true, lambda: sandbox_true(sandbox_exe, sandbox_argv, workdir), bwrap_true,
                         lambda: call(index + 1, "tools/call", {"name": "run_command", "arguments": {"command": ["true"]}})):
                started = time.perf_counter()
                result = body()
                samples.append(time.perf_counter() - started)
                if isinstance(result, dict):
                    assert result["structuredContent"]["exitCode"] == 0, result
            if index >= 10:
                for name, sample in zip(rows, samples):
                    rows[name].append(sample)
        server.stdin.close()
        server.wait(timeout=10)
    print(f"{'row':<20} {'p50 ms':>8} {'p99 ms':>8}   (N={rounds}, sandbox: {sandbox or 'bastion sandbox-exec'})")
    for name, samples in rows.items():
        p50, p99 = percentiles(samples)
        print(f"{name:<20} {p50:8.2f} {p99:8.2f}")


main()
