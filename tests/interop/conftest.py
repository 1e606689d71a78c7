"""Shared fixtures for the interop suites: they drive the built `bastion` binary over stdio.

The binary comes from `BASTION_BIN` (default `.build/debug/bastion`). Every test gets its own
`XDG_STATE_HOME` (audit log, client workdirs) and `XDG_CONFIG_HOME`, so tests never share state.
`StdioClient` is a raw newline-delimited JSON-RPC peer: a reader thread fills a queue, so no read
ever blocks forever, and stderr is captured for assertions.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

REPO = Path(__file__).resolve().parents[2]

ALL_VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
LATEST = "2025-11-25"
DIAGNOSTIC_TOOLS = {"echo", "sleep", "whoami", "list_workdir"}

# The example configuration of the brief: diagnostics on, two clients of different rights, one prompt.
FULL_CONFIG = """\
[server]
diagnostics = true

[[clients]]
id = "full"
permissions = ["file_read", "file_write", "code_execution"]

[[clients]]
id = "restricted"
permissions = []

[[prompts]]
name = "review"
description = "Ask for a code review"
arguments = [{ name = "path", description = "File to review", required = true }, { name = "focus" }]
text = "Please review {{path}}. Focus: {{focus}}"
"""


class StdioClient:
    """A raw MCP client over the server's stdin/stdout.

    - `send(obj)` / `send_raw(bytes)` write one message (never blocking forever);
    - `recv(timeout)` returns the next stdout line parsed as JSON (every stdout line MUST be JSON);
    - `request(method, params)` returns the response with the matching id, keeping any other
      message (notifications, unrelated responses) in `self.others`;
    - `close()` closes stdin and asserts a clean exit (code 0 within 5 s).
    """

    def __init__(
        self, argv: list[str], env: dict[str, str], cwd: Path, preexec_fn: Callable[[], None] | None = None
    ) -> None:
        self.argv = argv
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            preexec_fn=preexec_fn,
        )
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr = bytearray()
        self._stderr_lock = threading.Lock()
        self._ids = itertools.count(1)
        self.others: list[Any] = []
        self.raw_lines: list[bytes] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self._stderr_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_thread.start()

    # -- plumbing -------------------------------------------------------------------------------
    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in iter(self.proc.stdout.readline, b""):
            self._lines.put(line)
        self._lines.put(None)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        while chunk := self.proc.stderr.read1(65536):
            with self._stderr_lock:
                self._stderr += chunk

    @property
    def stderr(self) -> str:
        """Everything the server wrote on stderr so far (decoded leniently); once the server has
        exited, everything it wrote (the reader thread is given time to take the rest of the pipe)."""
        if self.proc.poll() is not None:
            self._stderr_thread.join(timeout=5)
        with self._stderr_lock:
            return self._stderr.decode("utf-8", errors="replace")

    def stderr_bytes(self) -> bytes:
        if self.proc.poll() is not None:
            self._stderr_thread.join(timeout=5)
        with self._stderr_lock:
            return bytes(self._stderr)

    def next_id(self) -> int:
        return next(self._ids) + 100_000  # far from ids the tests pick by hand

    # -- sending --------------------------------------------------------------------------------
    def send_raw(self, data: bytes, timeout: float = 60.0) -> None:
        """Write bytes to the server's stdin from a helper thread, failing after `timeout` s."""
        errors: list[BaseException] = []
        done = threading.Event()

        def write() -> None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except BaseException as e:  # noqa: BLE001 - reported to the caller
                errors.append(e)
            finally:
                done.set()

        threading.Thread(target=write, daemon=True).start()
        if not done.wait(timeout):
            raise TimeoutError(f"writing {len(data)} bytes to the server took over {timeout} s")
        if errors:
            raise AssertionError(
                f"could not write to the server ({errors[0]!r}); exit={self.proc.poll()} stderr:\n{self.stderr[-4000:]}"
            )

    def send(self, obj: Any) -> None:
        """Send one JSON message (compact, newline-terminated)."""
        self.send_raw(json.dumps(obj, separators=(",", ":")).encode() + b"\n")

    def notify(self, method: str, params: Any = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    # -- receiving ------------------------------------------------------------------------------
    def recv_line(self, timeout: float = 10.0) -> bytes:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(
                f"no message from the server within {timeout} s; stderr tail:\n{self.stderr[-2000:]}"
            ) from None
        if line is None:
            self._lines.put(None)  # keep reporting EOF
            raise EOFError(f"server closed stdout (exit={self.proc.poll()}); stderr tail:\n{self.stderr[-4000:]}")
        self.raw_lines.append(line)
        return line

    def recv(self, timeout: float = 10.0) -> Any:
        """The next stdout message, parsed. Fails if the line is not JSON (stdout is for MCP only)."""
        line = self.recv_line(timeout)
        assert line.endswith(b"\n"), f"message not newline-terminated: {line[:200]!r}"
        try:
            msg = json.loads(line)
        except ValueError as e:
            raise AssertionError(f"server wrote a non-JSON line on stdout: {line[:300]!r}") from e
        if isinstance(msg, dict):
            assert msg.get("jsonrpc") == "2.0", f"message without jsonrpc 2.0: {msg}"
        return msg

    def recv_all(self, duration: float) -> list[Any]:
        """Every message arriving within `duration` seconds (stops early at EOF)."""
        out: list[Any] = []
        deadline = time.monotonic() + duration
        while (left := deadline - time.monotonic()) > 0:
            try:
                out.append(self.recv(timeout=left))
            except (TimeoutError, EOFError):
                break
        return out

    def wait_response(self, id: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The response with this id: one set aside while waiting for another (concurrent calls
        answer in any order), or the next to arrive."""
        for index, msg in enumerate(self.others):
            if is_response(msg) and same_id(msg.get("id"), id):
                return self.others.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no response with id {id!r} within {timeout} s; got meanwhile {self.others[-5:]}")
            msg = self.recv(timeout=left)
            if is_response(msg) and same_id(msg.get("id"), id):
                return msg
            self.others.append(msg)

    def request(self, method: str, params: Any = None, *, id: Any = None, timeout: float = 10.0) -> dict[str, Any]:
        """Send a request and return its whole response object."""
        if id is None:
            id = self.next_id()
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.wait_response(id, timeout)

    def result(self, method: str, params: Any = None, **kw: Any) -> Any:
        """Send a request and return its `result`, failing on an error response."""
        resp = self.request(method, params, **kw)
        assert "result" in resp and "error" not in resp, f"{method} failed: {resp}"
        return resp["result"]

    def error(self, method: str, params: Any, code: int, **kw: Any) -> dict[str, Any]:
        """Send a request that must fail with JSON-RPC error `code`; return the error object."""
        resp = self.request(method, params, **kw)
        assert_error(resp, code, resp.get("id"))
        return resp["error"]

    def notifications(self, method: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.others if isinstance(m, dict) and "id" not in m and (method is None or m.get("method") == method)]

    # -- MCP helpers ----------------------------------------------------------------------------
    def initialize(self, version: str = LATEST, capabilities: dict | None = None, *, initialized: bool = True) -> dict:
        result = self.result(
            "initialize",
            {
                "protocolVersion": version,
                "capabilities": capabilities or {},
                "clientInfo": {"name": "bastion-interop", "version": "1.0"},
            },
        )
        if initialized:
            self.notify("notifications/initialized")
        return result

    def call_tool(self, name: str, arguments: dict | None = None, **kw: Any) -> dict:
        params: dict[str, Any] = {"name": name}
        if arguments is not None:
            params["arguments"] = arguments
        return self.result("tools/call", params, **kw)

    def tool_names(self) -> list[str]:
        names: list[str] = []
        cursor = None
        for _ in range(100):
            res = self.result("tools/list", {"cursor": cursor} if cursor else {})
            names += [t["name"] for t in res["tools"]]
            cursor = res.get("nextCursor")
            if not cursor:
                return names
        raise AssertionError("tools/list pagination never ended")

    def assert_alive(self) -> None:
        """The server still answers `ping` with `{}` (every bad-input test ends with this)."""
        id = self.next_id()
        resp = self.request("ping", id=id, timeout=10)
        assert resp == {"jsonrpc": "2.0", "id": id, "result": {}}, resp

    def close(self, timeout: float = 5.0, expect_code: int | None = 0) -> int:
        """Close stdin and assert the server exits within `timeout` s (with `expect_code`)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"server did not exit within {timeout} s of stdin EOF; stderr:\n{self.stderr[-2000:]}")
        self._stderr_thread.join(timeout=2)
        if expect_code is not None:
            assert code == expect_code, f"exit code {code} after stdin EOF; stderr:\n{self.stderr[-4000:]}"
        return code

    def finish(self) -> None:
        """End of a bad-input test: the server still answers, then exits cleanly on EOF."""
        self.assert_alive()
        self.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def is_response(msg: Any) -> bool:
    return isinstance(msg, dict) and "method" not in msg and ("result" in msg or "error" in msg)


def same_id(a: Any, b: Any) -> bool:
    """JSON ids compare by type too (`1` is not `true`, and not `1.0` for our purposes)."""
    return type(a) is type(b) and a == b


def assert_error(resp: Any, code: int, id: Any = None) -> None:
    """`resp` is a single JSON-RPC error response with `code` and id `id` (null may be omitted)."""
    assert isinstance(resp, dict), f"expected one error object, got {resp!r}"
    assert "error" in resp and "result" not in resp, f"expected error {code}, got {resp}"
    err = resp["error"]
    assert isinstance(err.get("code"), int) and isinstance(err.get("message"), str), resp
    assert err["code"] == code, f"expected error {code}, got {resp}"
    if id is None:
        assert resp.get("id") is None, f"expected id null, got {resp}"
    else:
        assert same_id(resp.get("id"), id), f"expected id {id!r}, got {resp}"


def text_of(result: dict) -> str:
    """The concatenated text content of a tool result."""
    return "".join(c.get("text", "") for c in result.get("content", []) if c.get("type") == "text")


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def bastion_bin() -> Path:
    path = Path(os.environ.get("BASTION_BIN", REPO / ".build" / "debug" / "bastion"))
    if not path.is_absolute():
        path = REPO / path
    if not os.access(path, os.X_OK):
        pytest.fail(f"bastion binary not found at {path} (build it, or set BASTION_BIN)")
    return path


def make_searchable(path: Path) -> None:
    """Adds search (x) permission for others to `path` and its ancestors, when running as root.

    A root server runs children as `nobody` (`run_as`), which must reach the workdir: pytest's
    `/tmp/pytest-of-root` is 0700. Tests only: the server never loosens a directory it did not
    create; it refuses a workdir whose ancestor blocks the run_as user, naming it.
    """
    if os.geteuid() != 0:
        return
    for directory in [path, *path.parents]:
        mode = directory.stat().st_mode
        if not mode & 0o001:
            os.chmod(directory, (mode & 0o7777) | 0o011)


@pytest.fixture
def state_home(tmp_path: Path) -> Path:
    """The per-test XDG_STATE_HOME: the audit log lands in `<it>/bastion/audit.jsonl`.

    Its `bastion/clients/` (where default workdirs go) is made 0711 before the server creates it
    0700, so that the run_as user of a root server can reach the workdirs (see `make_searchable`).
    """
    d = tmp_path / "state"
    d.mkdir()
    prepare_state_home(d)
    return d


def prepare_state_home(state: Path) -> None:
    """As root: `state` and its ancestors searchable, `bastion/clients/` created 0711 (tests only)."""
    if os.geteuid() != 0:
        return
    (state / "bastion" / "clients").mkdir(parents=True, exist_ok=True, mode=0o711)
    make_searchable(state)
    os.chmod(state / "bastion", 0o711)
    os.chmod(state / "bastion" / "clients", 0o711)


@pytest.fixture
def server_env(tmp_path: Path, state_home: Path) -> dict[str, str]:
    config_home = tmp_path / "config"
    config_home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASTION_")}
    env["XDG_STATE_HOME"] = str(state_home)
    env["XDG_CONFIG_HOME"] = str(config_home)
    return env


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """`write_config(text, name="bastion.toml")` writes a (dedented) config file and returns its path."""

    def write(text: str, name: str = "bastion.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path

    return write


@pytest.fixture
def full_config(write_config: Callable[..., Path]) -> Path:
    return write_config(FULL_CONFIG)


@pytest.fixture
def spawn(bastion_bin: Path, server_env: dict[str, str], tmp_path: Path):
    """`spawn(*args)` starts `bastion serve *args` as a StdioClient; killed at teardown."""
    started: list[StdioClient] = []

    def start(*args: str | Path) -> StdioClient:
        client = StdioClient([str(bastion_bin), "serve", *map(str, args)], server_env, tmp_path)
        started.append(client)
        return client

    yield start
    for client in started:
        client.kill()


@pytest.fixture
def http_serve(bastion_bin: Path, server_env: dict[str, str], tmp_path: Path):
    """`http_serve(*args)` starts `bastion serve --http 127.0.0.1:0 *args` (an HTTPServer, its
    URL read from the `listening on` line); stopped at teardown."""
    from http_support import HTTPServer

    started: list[HTTPServer] = []

    def start(*args: str | Path, listen: str = "127.0.0.1:0") -> HTTPServer:
        server = HTTPServer([str(bastion_bin), "serve", "--http", listen, *map(str, args)], server_env, tmp_path)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


@pytest.fixture
def server(spawn) -> StdioClient:
    """A fresh server with the diagnostics module, not yet initialized."""
    return spawn("--diagnostics")


@pytest.fixture
def session(server: StdioClient) -> StdioClient:
    """A server with diagnostics, initialized at the latest version."""
    server.initialize(LATEST)
    return server


@pytest.fixture
def run_cli(bastion_bin: Path, server_env: dict[str, str], tmp_path: Path):
    """`run_cli(*args)` runs `bastion *args` with stdin closed; returns the CompletedProcess (text)."""

    def run(*args: str | Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bastion_bin), *map(str, args)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            env=server_env,
            cwd=tmp_path,
            timeout=timeout,
        )

    return run
