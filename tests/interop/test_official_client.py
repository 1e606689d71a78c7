"""The official Python `mcp` client (pinned 1.30.0) against `bastion serve` over stdio.

Each test starts the server with the example config (diagnostics on, client `full`, prompt `review`)
and runs one async scenario under a deadline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Awaitable, Callable

import anyio
import pytest
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from mcp.types import LoggingMessageNotificationParams, PaginatedRequestParams, PromptReference, Tool
from pydantic import AnyUrl

from conftest import DIAGNOSTIC_TOOLS, LATEST
from fs_support import run_official

Scenario = Callable[[ClientSession, Any], Awaitable[Any]]


@pytest.fixture
def run_scenario(bastion_bin: Path, server_env: dict[str, str], full_config: Path, tmp_path: Path):
    """`run_scenario(body, client="full", **session_kwargs)` → body's return value."""

    def run(body: Scenario, client: str = "full", deadline: float = 30, **session_kwargs: Any) -> Any:
        args = ["--config", str(full_config), "--client", client]
        return run_official(bastion_bin, server_env, tmp_path, args, body, deadline=deadline, **session_kwargs)

    return run


async def all_tools(session: ClientSession) -> list[Tool]:
    """Every tool, following `nextCursor` until the server says there is no more."""
    tools: list[Tool] = []
    cursor = None
    for _ in range(100):
        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        tools += page.tools
        cursor = page.nextCursor
        if not cursor:
            return tools
    raise AssertionError("tools/list pagination never ended")


def test_initialize(run_scenario):
    async def body(session: ClientSession, init):
        assert init.protocolVersion == LATEST
        assert init.serverInfo.name
        caps = init.capabilities
        assert caps.tools is not None and caps.resources is not None and caps.prompts is not None
        assert caps.logging is not None and caps.completions is not None
        await session.send_ping()

    run_scenario(body)


def test_list_tools(run_scenario):
    async def body(session: ClientSession, init):
        tools = {t.name: t for t in (await all_tools(session))}
        assert DIAGNOSTIC_TOOLS <= set(tools), list(tools)
        for tool in tools.values():
            assert tool.inputSchema.get("type") == "object", tool
        assert "text" in tools["echo"].inputSchema.get("required", []), tools["echo"].inputSchema
        assert tools["sleep"].inputSchema["properties"]["ms"]["type"] == "integer"
        assert tools["whoami"].outputSchema is not None and tools["whoami"].outputSchema.get("type") == "object"

    run_scenario(body)


def test_call_echo(run_scenario):
    async def body(session: ClientSession, init):
        res = await session.call_tool("echo", {"text": "hello from the official client"})
        assert not res.isError
        assert len(res.content) == 1 and res.content[0].type == "text"
        assert res.content[0].text == "hello from the official client"

    run_scenario(body)


def test_whoami_structured_output(run_scenario):
    async def body(session: ClientSession, init):
        # call_tool validates structuredContent against the tool's outputSchema.
        res = await session.call_tool("whoami", {})
        assert not res.isError
        who = res.structuredContent
        assert who["client"] == "full"
        assert "file_read" in {p.split(":")[0].lower() for p in who["permissions"]}
        assert isinstance(who["workdir"], str)
        texts = [c.text for c in res.content if c.type == "text"]
        assert texts and json.loads(texts[0]) == who

    run_scenario(body)


def test_denied_tool_for_restricted_client(run_scenario):
    async def body(session: ClientSession, init):
        names = {t.name for t in (await all_tools(session))}
        assert "list_workdir" not in names
        res = await session.call_tool("list_workdir", {})
        assert res.isError
        assert "file_read" in res.content[0].text.lower()

    run_scenario(body, client="restricted")


def test_unknown_tool_is_protocol_error(run_scenario):
    async def body(session: ClientSession, init):
        with pytest.raises(McpError) as exc:
            await session.call_tool("no_such_tool", {})
        assert exc.value.error.code == -32602
        await session.send_ping()

    run_scenario(body)


def test_resources(run_scenario):
    async def body(session: ClientSession, init):
        resources = {str(r.uri): r for r in (await session.list_resources()).resources}
        info = resources.get("bastion://diagnostics/info")
        assert info is not None, list(resources)
        assert info.mimeType == "application/json"
        read = await session.read_resource(AnyUrl("bastion://diagnostics/info"))
        assert len(read.contents) == 1
        content = read.contents[0]
        assert str(content.uri) == "bastion://diagnostics/info"
        assert isinstance(json.loads(content.text), dict)

        templates = (await session.list_resource_templates()).resourceTemplates
        assert "bastion://diagnostics/echo/{text}" in [t.uriTemplate for t in templates]
        echoed = await session.read_resource(AnyUrl("bastion://diagnostics/echo/abc"))
        assert echoed.contents[0].text == "abc"

        with pytest.raises(McpError) as exc:
            await session.read_resource(AnyUrl("bastion://diagnostics/does-not-exist"))
        assert exc.value.error.code == -32002

    run_scenario(body)


def test_prompts(run_scenario):
    async def body(session: ClientSession, init):
        prompts = {p.name: p for p in (await session.list_prompts()).prompts}
        review = prompts.get("review")
        assert review is not None, list(prompts)
        assert review.description == "Ask for a code review"
        args = {a.name: a for a in review.arguments or []}
        assert args["path"].required is True and args["path"].description == "File to review"
        assert not args["focus"].required

        got = await session.get_prompt("review", {"path": "src/main.swift", "focus": "security"})
        assert len(got.messages) >= 1
        message = got.messages[0]
        assert message.role == "user"
        assert message.content.type == "text"
        assert message.content.text == "Please review src/main.swift. Focus: security"

        with pytest.raises(McpError) as exc:
            await session.get_prompt("review", {"focus": "security"})
        assert exc.value.error.code == -32602
        with pytest.raises(McpError) as exc:
            await session.get_prompt("nope", {})
        assert exc.value.error.code == -32602

    run_scenario(body)


def test_completion(run_scenario):
    async def body(session: ClientSession, init):
        res = await session.complete(PromptReference(type="ref/prompt", name="review"), {"name": "path", "value": ""})
        values = res.completion.values
        assert isinstance(values, list) and len(values) <= 100
        assert all(isinstance(v, str) for v in values)
        # With context (2025-06-18+) and a prefix, the answer keeps the same shape.
        res = await session.complete(
            PromptReference(type="ref/prompt", name="review"), {"name": "focus", "value": "sec"}, {"path": "a"}
        )
        assert all(isinstance(v, str) for v in res.completion.values)

    run_scenario(body)


def test_logging_level(run_scenario):
    received: list[LoggingMessageNotificationParams] = []

    async def on_log(params: LoggingMessageNotificationParams) -> None:
        received.append(params)

    order = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    async def body(session: ClientSession, init):
        await session.set_logging_level("error")
        await session.call_tool("echo", {"text": "x"})
        await session.call_tool("list_workdir", {})
        await session.call_tool("sleep", {"ms": 200})
        await anyio.sleep(0.3)
        for params in received:
            assert order.index(params.level) >= order.index("error"), params
        await session.set_logging_level("debug")  # (a bad level is tested raw in test_bad_input.py)
        await session.call_tool("echo", {"text": "y"})

    run_scenario(body, logging_callback=on_log)


def test_progress_callback_on_sleep(run_scenario):
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    async def body(session: ClientSession, init):
        res = await session.call_tool("sleep", {"ms": 500}, progress_callback=on_progress)
        assert not res.isError
        assert res.content[0].text == "slept 500 ms"

    run_scenario(body)
    assert len(updates) >= 3, updates
    progress = [u[0] for u in updates]
    assert progress == sorted(progress) and len(set(progress)) == len(progress), progress
    for _, total, _ in updates:
        if total is not None:
            assert total >= progress[-1]


def test_many_concurrent_calls(run_scenario):
    async def body(session: ClientSession, init):
        results: dict[int, str] = {}

        async def one(i: int) -> None:
            res = await session.call_tool("echo", {"text": f"c{i}"})
            results[i] = res.content[0].text

        async with anyio.create_task_group() as tg:
            for i in range(50):
                tg.start_soon(one, i)
        assert results == {i: f"c{i}" for i in range(50)}

    run_scenario(body)
