#!/usr/bin/env python3
"""One `echo` tool call after another over stdio, on a handshake-era connection (2025-11-25) and on a
2026-07-28 one (the `_meta` envelope checked per request, `resultType` and server info added to
each result), against the same binary, alternating rounds. Prints p50 and p99 per era and their
ratio: the cost of the modern envelope on the round trip.

    python3 bench/modern_vs_handshake.py BIN [CALLS_PER_ROUND] [ROUNDS]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


def round_trip_times(binary: str, modern: bool, calls: int) -> list[float]:
    with tempfile.TemporaryDirectory() as state:
        os.chmod(state, 0o711)  # as root, the children's user must reach the default workdir
        env = dict(os.environ, XDG_STATE_HOME=state)
        server = subprocess.Popen([binary, "serve", "--diagnostics"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env)
        assert server.stdin and server.stdout

        def call(message: dict) -> dict:
            server.stdin.write((json.dumps(message) + "\n").encode())
            server.stdin.flush()
            while True:
                answer = json.loads(server.stdout.readline())
                if answer.get("id") == message["id"]:
                    return answer

        if not modern:
            call({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
            server.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        times = []
        for index in range(1, calls + 1):
            params: dict = {"name": "echo", "arguments": {"text": "hello"}}
            if modern:
                params["_meta"] = META
            started = time.perf_counter()
            answer = call({"jsonrpc": "2.0", "id": index, "method": "tools/call", "params": params})
            times.append(time.perf_counter() - started)
            assert answer["result"]["content"][0]["text"] == "hello", answer
        server.stdin.close()
        server.wait(timeout=10)
        return times[calls // 10:]  # the first tenth warms up


def main() -> None:
    binary = sys.argv[1]
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    results: dict[str, list[float]] = {"handshake": [], "modern": []}
    for _ in range(rounds):
        for era in ("handshake", "modern"):
            results[era] += round_trip_times(binary, era == "modern", calls)
    p50 = {era: statistics.median(times) * 1e6 for era, times in results.items()}
    for era, times in results.items():
        times = sorted(times)
        print(f"{era:9s} p50 {p50[era]:7.1f} µs  p99 {times[int(len(times) * 0.99)] * 1e6:7.1f} µs  ({len(times)} calls)")
    print(f"modern / handshake p50: {p50['modern'] / p50['handshake']:.3f}")


if __name__ == "__main__":
    main()
