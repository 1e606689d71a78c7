#!/usr/bin/env python3
"""A file tool in-process and in an isolation worker, in one run (issue 10, item 5).

    bench/isolation.py BASTION_BIN [N]

Two servers on the same configuration but for `isolation`, driven alternately over stdio, N calls
each after 20 warm-up calls (the worker starts at the first): `read_text_file` of a 4 KiB file in
the workdir, and the diagnostics `echo`. p50 and p99 in ms, and the worker's cost per call beside
the in-process figure of the same run.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CONFIG = """\
[server]
diagnostics = true
audit_log = "{audit}"

[[clients]]
id = "c"
workdir = "{workdir}"
permissions = ["file_read", "file_write"]
isolation = "{isolation}"
"""


class Server:
    def __init__(self, binary, root, isolation):
        workdir = os.path.join(root, isolation, "work")
        os.makedirs(workdir)
        with open(os.path.join(workdir, "file.txt"), "w") as f:
            f.write(("x" * 63 + "\n") * 64)
        config = os.path.join(root, isolation, "bastion.toml")
        with open(config, "w") as f:
            f.write(CONFIG.format(audit=os.path.join(root, isolation, "audit.jsonl"), workdir=workdir, isolation=isolation))
        self.proc = subprocess.Popen(
            [binary, "serve", "--config", config, "--client", "c"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None if os.environ.get("BENCH_DEBUG") else subprocess.DEVNULL,
        )
        self.next = 0
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
        self.proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')

    def request(self, method, params):
        self.next += 1
        self.proc.stdin.write((json.dumps({"jsonrpc": "2.0", "id": self.next, "method": method, "params": params}) + "\n").encode())
        self.proc.stdin.flush()
        while True:
            message = json.loads(self.proc.stdout.readline())
            if message.get("id") == self.next:
                assert "result" in message and not message["result"].get("isError"), message
                return message

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def main():
    binary, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 500
    calls = {
        "read_text_file": {"name": "read_text_file", "arguments": {"path": "file.txt"}},
        "echo": {"name": "echo", "arguments": {"text": "hello"}},
    }
    with tempfile.TemporaryDirectory() as root:
        os.chmod(root, 0o711)  # a root server's run_as user (nobody) must reach the workdirs
        servers = {mode: Server(binary, root, mode) for mode in ["in-process", "process"]}
        samples = {(mode, call): [] for mode in servers for call in calls}
        for round in range(count + 20):
            for call, params in calls.items():
                for mode, server in servers.items():
                    started = time.perf_counter()
                    server.request("tools/call", params)
                    if round >= 20:
                        samples[(mode, call)].append(time.perf_counter() - started)
        for server in servers.values():
            server.close()
    print(f"{'call':<16} {'isolation':<11} {'p50 ms':>8} {'p99 ms':>8}")
    for (mode, call), values in sorted(samples.items(), key=lambda item: (item[0][1], item[0][0])):
        ordered = sorted(values)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        print(f"{call:<16} {mode:<11} {p50:8.3f} {p99:8.3f}")


if __name__ == "__main__":
    main()
