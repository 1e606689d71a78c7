"""Human approval (`approval`, `approval_channel`) end to end with the official Python `mcp` client.

- channel `local`: the call waits while `bastion approve list/show/allow/deny` (run as subprocesses,
  as an operator would) answers it through the server's socket in `BASTION_APPROVAL_DIR`;
- channel `client`: the client's elicitation callback answers;
- fail closed: a client without elicitation on channel `client` is refused;
- policy `destructive`: a read-only tool runs without asking.
"""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, ElicitResult

from conftest import LATEST, StdioClient, text_of

CONFIG = """\
[server]
diagnostics = true

[[clients]]
id = "operator-test"
approval = "{approval}"
approval_channel = "{channel}"
"""

Body = Callable[[ClientSession], Awaitable[Any]]


@pytest.fixture
def approval_dir(tmp_path: Path) -> Path:
    """Not created in advance: the server must create it (0700) itself."""
    return tmp_path / "run" / "approvals"


@pytest.fixture
def approve_cli(bastion_bin: Path, server_env: dict[str, str], approval_dir: Path, tmp_path: Path):
    """`approve_cli(*args)` runs `bastion approve *args` against the test's approval directory."""
    env = dict(server_env, BASTION_APPROVAL_DIR=str(approval_dir))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bastion_bin), "approve", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=30,
        )

    return run


@pytest.fixture
def run_with(bastion_bin: Path, server_env: dict[str, str], write_config, approval_dir: Path, tmp_path: Path):
    """`run_with(approval, channel, body, **session_kwargs)` serves the configured client and runs body."""

    def run(approval: str, channel: str, body: Body, deadline: float = 40, **session_kwargs: Any) -> Any:
        config = write_config(CONFIG.format(approval=approval, channel=channel))
        env = {k: server_env[k] for k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")}
        env["BASTION_APPROVAL_DIR"] = str(approval_dir)
        params = StdioServerParameters(
            command=str(bastion_bin),
            args=["serve", "--config", str(config), "--client", "operator-test"],
            env=env,
            cwd=str(tmp_path),
        )

        async def main() -> Any:
            with (tmp_path / "server-stderr.log").open("w") as errlog:
                with anyio.fail_after(deadline):
                    async with stdio_client(params, errlog=errlog) as (read, write):
                        async with ClientSession(read, write, **session_kwargs) as session:
                            await session.initialize()
                            return await body(session)

        try:
            return asyncio.run(main())
        except BaseExceptionGroup as group:
            while isinstance(group, BaseExceptionGroup):
                group = group.exceptions[0]
            raise group from None

    return run


def audit_records(state_home: Path, tool: str) -> list[dict[str, Any]]:
    path = state_home / "bastion" / "audit.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in records if r.get("method") == "tools/call" and r.get("tool") == tool]


async def wait_for_pending(approve_cli, deadline: float = 20) -> dict[str, Any]:
    """Polls `bastion approve list --json` until one call waits, and returns it."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        listing = await asyncio.to_thread(approve_cli, "list", "--json")
        assert listing.returncode == 0, listing.stderr
        pending = json.loads(listing.stdout)
        if pending:
            assert len(pending) == 1, pending
            return pending[0]
        await asyncio.sleep(0.1)
    raise AssertionError("no call appeared in `bastion approve list`")


def test_local_allow_runs_the_call(run_with, approve_cli, approval_dir: Path, state_home: Path):
    async def body(session: ClientSession) -> tuple[CallToolResult, dict, str, str, str]:
        call = asyncio.create_task(session.call_tool("echo", {"text": "hello approval"}))
        item = await wait_for_pending(approve_cli)
        table = (await asyncio.to_thread(approve_cli, "list")).stdout
        shown = await asyncio.to_thread(approve_cli, "show", item["id"])
        assert shown.returncode == 0, shown.stderr
        allowed = await asyncio.to_thread(approve_cli, "allow", item["id"])
        assert allowed.returncode == 0, allowed.stderr
        result = await call
        again = await asyncio.to_thread(approve_cli, "allow", item["id"])
        assert again.returncode != 0
        return result, item, table, shown.stdout, again.stderr

    result, item, table, shown, again = run_with("always", "local", body)
    assert not result.isError, result
    assert text_of(result.model_dump()) == "hello approval"
    assert item["client"] == "operator-test" and item["tool"] == "echo"
    assert 'text="hello approval"' in item["summary"]
    assert item["id"] in table and "echo" in table
    assert 'Client "operator-test" wants to call the tool "echo"' in shown
    assert "no pending approval" in again
    # The directory was created private; the socket is gone once the server stopped.
    assert stat.S_IMODE(approval_dir.stat().st_mode) == 0o700
    assert not list(approval_dir.glob("*.sock"))
    record = audit_records(state_home, "echo")[-1]
    assert record["approval"] == "allowed" and record["approval_channel"] == "local"
    assert record["approval_id"] == item["id"] and record["outcome"] == "ok"


def test_local_deny_refuses_the_call(run_with, approve_cli, state_home: Path):
    async def body(session: ClientSession) -> CallToolResult:
        call = asyncio.create_task(session.call_tool("echo", {"text": "nope"}))
        item = await wait_for_pending(approve_cli)
        denied = await asyncio.to_thread(approve_cli, "deny", item["id"], "--reason", "not today")
        assert denied.returncode == 0, denied.stderr
        return await call

    result = run_with("always", "local", body)
    assert result.isError
    text = text_of(result.model_dump())
    assert "The call to echo was not approved" in text
    assert "denied by the operator" in text and "not today" in text
    record = audit_records(state_home, "echo")[-1]
    assert record["approval"] == "denied" and record["approval_channel"] == "local"
    assert record["outcome"] == "not-approved"


def test_unknown_id_is_an_error(approve_cli):
    listing = approve_cli("list")
    assert listing.returncode == 0 and "No pending approvals" in listing.stdout
    for args in (("allow", "zzzzzz"), ("deny", "zzzzzz"), ("show", "zzzzzz")):
        done = approve_cli(*args)
        assert done.returncode != 0, args
        assert "no pending approval zzzzzz" in done.stderr


def test_a_stale_socket_is_removed(approve_cli, approval_dir: Path):
    import socket

    approval_dir.mkdir(parents=True, mode=0o700)
    # A pid that cannot be alive (above the kernel's pid_max) left its socket behind.
    stale = approval_dir / "2147483600.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(stale))
    sock.close()
    listing = approve_cli("list")
    assert listing.returncode == 0, listing.stderr
    assert not stale.exists()


def elicitation(answer: ElicitResult, seen: list[Any]):
    async def callback(context, params) -> ElicitResult:
        seen.append(params)
        return answer

    return callback


@pytest.mark.parametrize(
    ("answer", "is_error", "fragment", "audit"),
    [
        (ElicitResult(action="accept", content={"approve": True}), False, "via client", "allowed"),
        (ElicitResult(action="accept", content={"approve": False}), True, "refused through the client", "denied"),
        (ElicitResult(action="decline"), True, "declined through the client", "denied"),
        (ElicitResult(action="cancel"), True, "dismissed through the client", "denied"),
    ],
)
def test_client_channel_asks_through_elicitation(
    run_with, state_home: Path, answer: ElicitResult, is_error: bool, fragment: str, audit: str
):
    seen: list[Any] = []

    async def body(session: ClientSession) -> CallToolResult:
        return await session.call_tool("echo", {"text": "via client"})

    result = run_with("always", "client", body, elicitation_callback=elicitation(answer, seen))
    assert len(seen) == 1
    message = seen[0].message
    assert '"operator-test"' in message and '"echo"' in message and "via client" in message
    assert seen[0].requestedSchema["properties"]["approve"]["type"] == "boolean"
    assert bool(result.isError) == is_error
    assert fragment in text_of(result.model_dump())
    record = audit_records(state_home, "echo")[-1]
    assert record["approval"] == audit and record["approval_channel"] == "client"


def test_client_channel_without_elicitation_fails_closed(run_with, state_home: Path):
    async def body(session: ClientSession) -> CallToolResult:
        return await session.call_tool("echo", {"text": "x"})

    result = run_with("always", "client", body)
    assert result.isError
    assert "needs elicitation support, which this client did not declare" in text_of(result.model_dump())
    record = audit_records(state_home, "echo")[-1]
    assert record["approval"] == "unavailable" and record["outcome"] == "not-approved"


def test_destructive_policy_lets_read_only_tools_run(run_with, approval_dir: Path, state_home: Path):
    async def body(session: ClientSession) -> list[CallToolResult]:
        return [await session.call_tool("echo", {"text": "read only"}), await session.call_tool("whoami", {})]

    results = run_with("destructive", "local", body)
    assert [bool(r.isError) for r in results] == [False, False]
    assert text_of(results[0].model_dump()) == "read only"
    assert not approval_dir.exists()  # nothing asked, so no socket was ever opened
    assert "approval" not in audit_records(state_home, "echo")[-1]


def test_a_cancelled_call_leaves_the_queue(
    bastion_bin: Path, server_env, write_config, approval_dir: Path, tmp_path: Path, approve_cli, state_home: Path
):
    """Raw JSON-RPC: the client cancels a waiting call; `bastion approve list` no longer shows it."""
    config = write_config(CONFIG.format(approval="always", channel="local"))
    env = dict(server_env, BASTION_APPROVAL_DIR=str(approval_dir))
    argv = [str(bastion_bin), "serve", "--config", str(config), "--client", "operator-test"]
    client = StdioClient(argv, env, tmp_path)
    try:
        client.initialize(LATEST)
        call = {"name": "echo", "arguments": {"text": "x"}}
        client.send({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": call})
        item = asyncio.run(wait_for_pending(approve_cli))
        assert item["tool"] == "echo"
        client.notify("notifications/cancelled", {"requestId": 7, "reason": "changed my mind"})
        deadline = time.monotonic() + 10
        while json.loads(approve_cli("list", "--json").stdout):
            assert time.monotonic() < deadline, "the cancelled call stayed in the queue"
            time.sleep(0.05)
        assert approve_cli("allow", item["id"]).returncode != 0
        # The client was told why its call waits, through an MCP log message.
        messages = [m for m in client.recv_all(0.5) if m.get("method") == "notifications/message"]
        assert any("bastion approve list" in str(m["params"]["data"]) for m in messages), messages
        client.finish()
    finally:
        client.kill()
    record = audit_records(state_home, "echo")[-1]
    # The handler's own outcome is kept (nothing ran), and the record says the call was cancelled.
    assert record["approval"] == "cancelled" and record["outcome"] == "not-approved" and record["cancelled"] is True
