"""The official Python `mcp` client 2.3.0 (pinned in `.venv-modern`) against `bastion serve` over
stdio (issue 11, item 1): `mode="auto"` probes `server/discover` and stays modern without falling
back, a client pinned to 2026-07-28 works without any probe, and `mode="legacy"` still gets the
handshake era. Skipped under the 1.30.0 venv of the other suites; `scripts/test` runs this file
again with the 2.x venv.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

mcp = pytest.importorskip("mcp")
try:
    from mcp.client import Client
except ImportError:  # mcp 1.x: no `Client`, no 2026-07-28
    pytest.skip("needs the mcp 2.x client (scripts/test runs it from .venv-modern)", allow_module_level=True)

from mcp import StdioServerParameters


MODERN = "2026-07-28"


def first_leaf_error(error: BaseException) -> BaseException:
    """The first real failure inside anyio's exception groups."""
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


@pytest.fixture
def connect(bastion_bin: Path, server_env: dict[str, str], full_config: Path, tmp_path: Path):
    """`connect(body, mode=…, client="full", **client_kwargs)` → what `body(client)` returns."""

    def run(
        body: Callable[[Any], Awaitable[Any]],
        mode: str = "auto",
        client: str = "full",
        config: Path | None = None,
        **kwargs: Any,
    ) -> Any:
        params = StdioServerParameters(
            command=str(bastion_bin),
            args=["serve", "--config", str(config or full_config), "--client", client],
            env={k: server_env[k] for k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")},
            cwd=str(tmp_path),
        )

        async def main() -> Any:
            async with asyncio.timeout(30):
                async with Client(params, mode=mode, **kwargs) as session:
                    return await body(session)

        try:
            return asyncio.run(main())
        except BaseExceptionGroup as group:
            raise first_leaf_error(group) from None

    return run


def test_auto_mode_connects_modern_without_falling_back(connect, state_home):
    async def body(client):
        tools = await client.list_tools()
        echoed = await client.call_tool("echo", {"text": "from 2.3.0"})
        return client.protocol_version, client.server_info, {t.name for t in tools.tools}, echoed

    version, info, names, echoed = connect(body)
    assert version == MODERN
    assert info.name == "bastion"
    assert {"echo", "sleep", "read_text_file"} <= names
    assert not echoed.is_error and echoed.content[0].text == "from 2.3.0"
    log = (state_home / "bastion" / "audit.jsonl").read_text()
    assert '"method":"initialize"' not in log  # no fallback to the handshake
    assert '"protocol":"2026-07-28"' in log


def test_a_client_pinned_to_2026_07_28_works_without_a_probe(connect, state_home):
    async def body(client):
        whoami = await client.call_tool("whoami", {})
        resources = await client.list_resources()
        read = await client.read_resource("bastion://diagnostics/info")
        prompt = await client.get_prompt("review", {"path": "main.swift"})
        return client.protocol_version, whoami, resources, read, prompt

    version, whoami, resources, read, prompt = connect(body, mode=MODERN)
    assert version == MODERN
    assert not whoami.is_error and whoami.structured_content["client"] == "full"
    assert "bastion://diagnostics/info" in {str(r.uri) for r in resources.resources}
    assert '"client":"full"' in read.contents[0].text
    assert "main.swift" in prompt.messages[0].content.text
    assert '"method":"server/discover"' not in (state_home / "bastion" / "audit.jsonl").read_text()


def test_legacy_mode_still_gets_the_handshake_era(connect):
    async def body(client):
        tools = await client.list_tools()
        return client.protocol_version, {t.name for t in tools.tools}

    version, names = connect(body, mode="legacy")
    assert version == "2025-11-25"
    assert "echo" in names


def test_progress_and_log_messages_reach_the_modern_client(connect):
    progress: list[float] = []
    messages: list[str] = []

    async def on_log(params) -> None:
        messages.append(params.level)

    async def body(client):
        async def on_progress(value: float, total: float | None, message: str | None) -> None:
            progress.append(value)

        return await client.call_tool("sleep", {"ms": 300}, progress_callback=on_progress)

    result = connect(body, log_level="info", logging_callback=on_log)
    assert not result.is_error
    assert progress and progress == sorted(progress)
    assert messages == ["info"], messages


def test_a_denied_tool_is_an_honest_error_on_the_modern_path(connect):
    async def body(client):
        tools = await client.list_tools()
        return {t.name for t in tools.tools}, await client.call_tool("write_file", {"path": "x.txt", "content": "x"})

    names, result = connect(body, client="restricted")
    assert "write_file" not in names
    assert result.is_error


def test_the_official_client_listens_for_resource_updates(bastion_bin, server_env, write_config, tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    watched = workdir / "watched.txt"
    watched.write_text("a")
    config = write_config(f'[[clients]]\nid = "full"\nworkdir = "{workdir}"\npermissions = ["file_read"]\n')
    params = StdioServerParameters(
        command=str(bastion_bin),
        args=["serve", "--config", str(config), "--client", "full"],
        env={k: server_env[k] for k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")},
        cwd=str(tmp_path),
    )

    async def main():
        async with asyncio.timeout(30):
            async with Client(params, mode="auto") as client:
                async with client.listen(resource_subscriptions=[f"file://{watched}"]) as subscription:
                    honored = subscription.honored
                    watched.write_text("b")
                    event = await subscription.__anext__()
                    return honored, event

    try:
        honored, event = asyncio.run(main())
    except BaseExceptionGroup as group:
        raise first_leaf_error(group) from None
    assert list(honored.resource_subscriptions or []) == [f"file://{watched}"]
    assert f"file://{watched}" in str(event)


@pytest.mark.parametrize("approve", [True, False])
def test_approval_through_the_client_is_an_input_required_round_trip(connect, write_config, tmp_path, state_home, approve):
    """`approval_channel = "client"` on 2026-07-28: the client's `elicitation_callback` sees the
    question of the `input_required` result, and `Client.call_tool` retries with its answer."""
    workdir = tmp_path / "work"
    config = write_config(
        f'[[clients]]\nid = "asker"\nworkdir = "{workdir}"\npermissions = ["file_read", "file_write"]\n'
        'approval = "always"\napproval_channel = "client"\n',
        name="asker.toml",
    )
    asked: list[str] = []

    async def answer(context, params):
        asked.append(params.message)
        return mcp.types.ElicitResult(action="accept", content={"approve": approve})

    async def body(client):
        return await client.call_tool("write_file", {"path": "note.txt", "content": "approved"})

    result = connect(body, client="asker", config=config, elicitation_callback=answer)
    assert len(asked) == 1 and "write_file" in asked[0] and "approved" in asked[0], asked
    if approve:
        assert not result.is_error, result
        assert (workdir / "note.txt").read_text() == "approved"
    else:
        assert result.is_error and "not approved" in result.content[0].text, result
        assert not (workdir / "note.txt").exists()
    log = (state_home / "bastion" / "audit.jsonl").read_text()
    assert '"approval":"asked"' in log and '"request_state":"valid"' in log


def tasks_extension():
    """The tasks extension as a 2.3.0 `ClientExtension`: it claims `resultType: "task"` on
    `tools/call` and resolves it by polling `tasks/get` until the task ends (SEP-2663)."""
    from typing import Literal

    from mcp.client.extension import ClientExtension, ResultClaim
    from mcp_types import CallToolResult, Request, RequestParams, Result
    from pydantic import ConfigDict

    class CreateTaskResult(Result):
        model_config = ConfigDict(extra="allow", populate_by_name=True)
        result_type: Literal["task"]
        task_id: str
        status: str
        ttl_ms: int | None = None
        poll_interval_ms: int | None = None

    class GetTaskParams(RequestParams):
        task_id: str

    class GetTaskRequest(Request[GetTaskParams, Literal["tasks/get"]]):
        method: Literal["tasks/get"] = "tasks/get"
        name_param = "taskId"

    class DetailedTask(Result):
        model_config = ConfigDict(extra="allow", populate_by_name=True)
        task_id: str
        status: str
        poll_interval_ms: int | None = None

    seen: list[CreateTaskResult] = []

    async def resolve(created: CreateTaskResult, ctx) -> CallToolResult:
        seen.append(created)
        while True:
            task = await ctx.session.send_request(
                GetTaskRequest(params=GetTaskParams(task_id=created.task_id)), DetailedTask
            )
            if task.status == "completed":
                return CallToolResult.model_validate(task.model_extra["result"])
            if task.status in ("failed", "cancelled"):
                raise RuntimeError(f"task {task.status}: {task.model_extra}")
            await asyncio.sleep((task.poll_interval_ms or 100) / 1000)

    class Tasks(ClientExtension):
        identifier = "io.modelcontextprotocol/tasks"

        def claims(self):
            return [ResultClaim(result_type="task", model=CreateTaskResult, resolve=resolve)]

    return Tasks(), seen


def test_the_official_client_with_the_tasks_extension_gets_run_command_as_a_task(
    connect, write_config, state_home
):
    config = write_config('[[clients]]\nid = "coder"\npermissions = ["file_read", "code_execution", "system_command:*"]\n')
    extension, seen = tasks_extension()

    async def body(client):
        ran = await client.call_tool("run_command", {"command": ["echo", "polled"]})
        listed = await client.call_tool("list_directory", {"path": "."})
        return ran, listed

    ran, listed = connect(body, client="coder", config=config, extensions=[extension])
    assert not ran.is_error and ran.structured_content["stdout"] == "polled\n", ran
    assert len(seen) == 1 and seen[0].status == "working"  # run_command became a task; list_directory did not
    assert not listed.is_error
    records = [line for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines() if "tools/call" in line]
    assert any('"outcome":"task-created"' in r for r in records)
    assert any('"method":"tasks/get"' in line for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines())


def test_every_file_tool_through_the_official_modern_client(connect, write_config, tmp_path):
    workdir = tmp_path / "files"
    config = write_config(f'[[clients]]\nid = "files"\nworkdir = "{workdir}"\npermissions = ["file_read", "file_write"]\n')

    async def body(client):
        out = {}

        async def call(name, **arguments):
            result = await client.call_tool(name, arguments)
            assert not result.is_error, (name, result)
            out[name] = result
            return result

        await call("create_directory", path="src")
        await call("write_file", path="src/a.txt", content="alpha\nbeta\n")
        await call("edit_file", path="src/a.txt", edits=[{"oldText": "beta", "newText": "gamma"}])
        await call("read_text_file", path="src/a.txt")
        await call("read_multiple_files", paths=["src/a.txt"])
        await call("write_file", path="src/pixel.png", content="not really a png")
        await call("read_media_file", path="src/pixel.png")
        await call("list_directory", path="src")
        await call("list_directory_with_sizes", path="src")
        await call("directory_tree", path=".")
        await call("search_files", path=".", pattern="**/*.txt")
        await call("search_content", path=".", pattern="gam+a")
        await call("get_file_info", path="src/a.txt")
        await call("list_allowed_directories")
        await call("move_file", source="src/a.txt", destination="src/b.txt")
        await call("delete_path", path="src/pixel.png")
        return out

    out = connect(body, client="files", config=config)
    assert (workdir / "src" / "b.txt").read_text() == "alpha\ngamma\n"
    assert not (workdir / "src" / "pixel.png").exists()
    assert "gamma" in out["read_text_file"].content[0].text
    assert "a.txt" in out["search_files"].content[0].text
    assert "gamma" in out["search_content"].content[0].text
    assert str(workdir) in out["list_allowed_directories"].content[0].text


def test_completion_and_prompts_through_the_official_modern_client(connect):
    from mcp_types import PromptReference

    async def body(client):
        prompts = await client.list_prompts()
        completed = await client.complete(PromptReference(type="ref/prompt", name="review"), {"name": "path", "value": ""})
        return prompts, completed

    prompts, completed = connect(body)
    assert "review" in {p.name for p in prompts.prompts}
    assert all(isinstance(v, str) for v in completed.completion.values)


def test_a_call_the_official_client_abandons_is_cancelled_on_the_server(connect, state_home):
    async def body(client):
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.5):
                await client.call_tool("sleep", {"ms": 20000})
        # The connection goes on serving.
        return await client.call_tool("echo", {"text": "after"})

    echoed = connect(body)
    assert echoed.content[0].text == "after"
    import json

    lines = (state_home / "bastion" / "audit.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines if '"tool":"sleep"' in line]
    assert len(records) == 1 and records[0]["cancelled"] is True, records
    assert records[0]["duration_us"] < 5_000_000, records  # stopped, not slept out
