"""Three Bastion replicas behind Debian's HAProxy with deploy/haproxy.cfg (issue 12, item 5): the
official client 2.3.0 makes 1,000 calls at 2026-07-28 while one replica is killed and restarted,
and none fails; handshake-era sessions stick to their replica by MCP-Session-Id; each replica's
audit log is its own chain, tagged with its node, and verifies. Needs `haproxy` (scripts/test
installs it); run with the 2.x venv.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

mcp = pytest.importorskip("mcp")
try:
    from mcp.client import Client
except ImportError:  # mcp 1.x
    pytest.skip("needs the mcp 2.x client (scripts/test runs it from .venv-modern)", allow_module_level=True)

from http_support import HTTPServer

ROOT = Path(__file__).resolve().parents[2]
MODERN = "2026-07-28"

pytestmark = pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


class Fleet:
    """Three replicas on fixed ports (a killed one comes back on its own), HAProxy in front."""

    def __init__(self, bastion_bin: Path, config: Path, tmp_path: Path, env: dict[str, str]) -> None:
        self.bastion_bin, self.config, self.tmp_path, self.env = bastion_bin, config, tmp_path, env
        self.ports = [free_port() for _ in range(3)]
        self.states = []
        self.replicas: list[HTTPServer | None] = [None, None, None]
        for index in range(3):
            state = tmp_path / f"replica{index + 1}"
            state.mkdir()
            os.chmod(state, 0o711)
            self.states.append(state)
            self.start(index)
        self.port = free_port()
        lb_env = dict(os.environ, BASTION_LB_BIND=f"127.0.0.1:{self.port}",
                      **{f"BASTION_R{i + 1}": f"127.0.0.1:{p}" for i, p in enumerate(self.ports)})
        self.haproxy = subprocess.Popen(["haproxy", "-f", str(ROOT / "deploy" / "haproxy.cfg"), "-db"],
                                        env=lb_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_port(self.port)
        time.sleep(0.5)  # first health checks
        self.url = f"http://127.0.0.1:{self.port}/mcp"

    def start(self, index: int) -> None:
        env = dict(self.env, XDG_STATE_HOME=str(self.states[index]))
        argv = [str(self.bastion_bin), "serve", "--config", str(self.config), "--client", "full",
                "--http", f"127.0.0.1:{self.ports[index]}"]
        self.replicas[index] = HTTPServer(argv, env, self.tmp_path)

    def kill(self, index: int) -> None:
        replica = self.replicas[index]
        assert replica is not None
        replica.kill()

    def close(self) -> None:
        self.haproxy.terminate()
        self.haproxy.wait(10)
        for replica in self.replicas:
            if replica is not None:
                replica.stop()

    def audit(self, index: int) -> list[dict[str, Any]]:
        path = self.states[index] / "bastion" / "audit.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def fleet(bastion_bin, full_config, tmp_path, server_env):
    fleet = Fleet(bastion_bin, full_config, tmp_path, server_env)
    yield fleet
    fleet.close()


def test_a_thousand_calls_survive_a_replica_killed_and_restarted(fleet):
    results: list[str] = []

    async def chaos() -> None:
        while len(results) < 250:
            await asyncio.sleep(0.01)
        fleet.kill(1)
        while len(results) < 600:
            await asyncio.sleep(0.01)
        await asyncio.to_thread(fleet.start, 1)

    async def calls() -> None:
        async with Client(fleet.url, mode=MODERN) as client:
            async def one(i: int) -> None:
                result = await client.call_tool("echo", {"text": f"call {i}"})
                assert not result.is_error, result
                results.append(result.content[0].text)

            for batch in range(100):
                await asyncio.gather(*(one(batch * 10 + j) for j in range(10)))

    async def main() -> None:
        async with asyncio.timeout(240):
            await asyncio.gather(calls(), chaos())

    asyncio.run(main())
    assert sorted(results) == sorted(f"call {i}" for i in range(1000))
    for replica in fleet.replicas:
        replica.stop()
    served = [sum(1 for r in fleet.audit(i) if r.get("method") == "tools/call") for i in range(3)]
    assert all(count > 0 for count in served), served
    nodes = [{r["node"] for r in fleet.audit(i)} for i in range(3)]
    assert len(nodes[0]) == 1 and len(nodes[2]) == 1 and len(nodes[1]) == 2  # replica 2 restarted: a new pid
    assert not (nodes[0] & nodes[1]) and not (nodes[0] & nodes[2])
    for index in range(3):
        verify = subprocess.run([str(fleet.bastion_bin), "audit", "verify",
                                 str(fleet.states[index] / "bastion" / "audit.jsonl")],
                                capture_output=True, text=True, timeout=30)
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_handshake_sessions_stick_to_their_replica(fleet):
    async def main() -> list[str]:
        async with asyncio.timeout(60):
            async with Client(fleet.url, mode="legacy") as client:
                assert client.protocol_version == "2025-11-25"
                return [(await client.call_tool("echo", {"text": f"s{i}"})).content[0].text for i in range(30)]

    assert asyncio.run(main()) == [f"s{i}" for i in range(30)]
    for replica in fleet.replicas:
        replica.stop()
    starts = [sum(1 for r in fleet.audit(i) if r.get("event") == "session-start") for i in range(3)]
    assert sorted(starts) == [0, 0, 1]  # one session, on one replica, which got every call
