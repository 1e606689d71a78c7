"""`bastion serve --http` as a test fixture: started on a free loopback port, its URL read from
the `bastion: listening on <URL>` line, its stderr drained in the background, killed at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path


class HTTPServer:
    """A running `bastion serve --http 127.0.0.1:0 …`; `url` is its `/mcp`, `base` the origin."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
        )
        self.stderr_lines: list[str] = []
        self.url = self._read_url(timeout=30)
        self.base = self.url.removesuffix("/mcp")
        self.port = int(self.base.rsplit(":", 1)[1])
        threading.Thread(target=self._drain, daemon=True).start()

    def _read_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline().decode(errors="replace")
            if not line:
                raise AssertionError(f"bastion exited before listening: {''.join(self.stderr_lines)}")
            self.stderr_lines.append(line)
            if line.startswith("bastion: listening on "):
                return line.removeprefix("bastion: listening on ").strip()
        raise AssertionError("no 'listening on' line within the timeout")

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            self.stderr_lines.append(raw.decode(errors="replace"))

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM, then the exit status (killed after `timeout`)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
