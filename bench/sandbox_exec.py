#!/usr/bin/env python3
"""`bastion sandbox-exec` start-up: a sandboxed `/bin/true` against a plain posix_spawn of it.

    swift build -c release --static-swift-stdlib --product bastion --scratch-path .build-release
    python3 bench/sandbox_exec.py [.build-release/release/bastion] [runs]

Both rows are measured in the same run, alternating in rounds so that a busy machine slows both
alike: from just before posix_spawn to waitpid's return; for the sandboxed row that includes
writing the policy to descriptor 3 and reading the status line to EOF (what the server does).
Issue 10's target: the sandboxed p50 within 2 ms of the plain one. Rows: the policy the server
would give restricted code (Landlock ABI 7 + TCP, seccomp, a private network namespace) and
unrestricted code (no network namespace), the policy the server gives today (every /etc entry, a
hidden path, the minimal root: one bind mount per read path), then sandbox-exec failing at once (no policy): the
floor of the binary's own start-up (dynamic loading, relocations, the Swift runtime).
"""

import json
import os
import sys
import tempfile
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build-release/release/bastion"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 300
WORK = tempfile.mkdtemp(prefix="bastion-bench-")


def policy(restricted):
    return json.dumps({
        "executable": os.path.realpath("/bin/true"), "arguments": ["true"], "environment": ["PATH=/usr/bin:/bin"],
        "workingDirectory": WORK, "limits": {"openFiles": 256, "processes": 256},
        "readPaths": ["/usr", "/bin", "/lib", "/lib64", "/etc"], "writePaths": [WORK],
        "restrictsNetwork": restricted, "required": ["landlock", "seccomp"],
    }).encode()


def server_policy(minimal_root=True):
    """What the server gives restricted code today: /etc entry by entry, the system links, a
    hidden path, and the minimal root (a tmpfs root of bind mounts, a procfs of its own)."""
    secret = {"shadow", "shadow-", "gshadow", "gshadow-", "sudoers", "sudoers.d", "ssh", "ssl", "security",
              "krb5.keytab", "bastion", "wireguard", "NetworkManager", "letsencrypt", "openvpn", "ppp",
              "ipsec.secrets", "ipsec.d", "docker", "containerd", "libvirt", "pki", "cups", "credstore",
              "credstore.encrypted", "machine-id"}
    system = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/dev/null", "/dev/zero",
              "/dev/full", "/dev/random", "/dev/urandom", "/etc/ssl/certs", "/etc/ssl/openssl.cnf"]
    etc = ["/etc/" + name for name in sorted(os.listdir("/etc")) if name not in secret]
    reads, links = [], {"/dev/fd": "/proc/self/fd"}
    for path in system + etc:
        if os.path.islink(path):
            links[path] = os.readlink(path)
        if os.path.exists(path) and os.path.realpath(path) not in reads:
            reads.append(os.path.realpath(path))
    document = json.loads(policy(True))
    document.update({"readPaths": reads, "writePaths": [WORK, "/dev/null"], "hiddenPaths": [WORK + "/audit.jsonl"]})
    if minimal_root:
        document.update({"minimalRoot": True, "rootLinks": links})
    return json.dumps(document).encode()


def plain():
    os.waitpid(os.posix_spawn("/bin/true", ["true"], {}), 0)


def sandboxed(document):
    def run():
        policy_r, policy_w = os.pipe()
        status_r, status_w = os.pipe()
        actions = [(os.POSIX_SPAWN_DUP2, status_w, 4)]
        if document is not None:
            actions.append((os.POSIX_SPAWN_DUP2, policy_r, 3))
        pid = os.posix_spawn(BIN, [BIN, "sandbox-exec"], {}, file_actions=actions)
        os.close(policy_r)
        os.close(status_w)
        if document is not None:
            os.write(policy_w, document)
        os.close(policy_w)
        while os.read(status_r, 4096):
            pass
        os.close(status_r)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == (0 if document is not None else 126)
    return run


rows = {
    "plain posix_spawn of true": plain,
    "sandbox-exec true, restricted": sandboxed(policy(True)),
    "sandbox-exec true, as the server (minimal root)": sandboxed(server_policy()),
    "sandbox-exec true, as the server, no minimal root": sandboxed(server_policy(minimal_root=False)),
    "sandbox-exec true, unrestricted": sandboxed(policy(False)),
    "sandbox-exec, no policy (start-up floor)": sandboxed(None),
}
samples = {name: [] for name in rows}
for _ in range(RUNS):
    for name, run in rows.items():
        start = time.perf_counter()
        run()
        samples[name].append((time.perf_counter() - start) * 1000)
print(f"{RUNS} runs each, interleaved; milliseconds")
print(f"{'row':44} {'p50':>7} {'p99':>7}")
for name, values in samples.items():
    values.sort()
    print(f"{name:44} {values[len(values) // 2]:7.3f} {values[min(len(values) - 1, int(len(values) * 0.99))]:7.3f}")
os.rmdir(WORK)
