"""The official Python `mcp` client 1.30.0 against `bastion serve --http` in the handshake era (issue
12, items 1 and 6): Streamable HTTP sessions on `/mcp` (`MCP-Session-Id`, POST answered as JSON or
SSE, DELETE) and the 2024-11-05 HTTP+SSE transport on `/sse` + `/messages`; plus the raw rules a
client library would hide (400 without a session, 404 for an unknown or ended one).
"""

from __future__ import annotations

import asyncio
import http.client
import json
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

LATEST = "2025-11-25"
INITIALIZE = {
    "jsonrpc": "2.0", "id": 0, "method": "initialize",
    "params": {"protocolVersion": LATEST, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
}
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def first_leaf_error(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


def audit(state_home: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]


@pytest.fixture
def served(http_serve, full_config):
    return http_serve("--config", full_config, "--client", "full")


def run_session(url: str, transport: str, body: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with asyncio.timeout(30):
            if transport == "sse":
                context = sse_client(url.removesuffix("/mcp") + "/sse")
            else:
                context = streamable_http_client(url)
            async with context as streams:
                async with ClientSession(streams[0], streams[1]) as session:
                    await session.initialize()
                    return await body(session)

    try:
        return asyncio.run(main())
    except BaseExceptionGroup as group:
        raise first_leaf_error(group) from None


@pytest.mark.parametrize("transport", ["streamable", "sse"])
def test_the_official_client_calls_tools_over_a_session(served, state_home, transport):
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async def body(session: ClientSession):
        tools = await session.list_tools()
        echoed = await session.call_tool("echo", {"text": f"over {transport}"})
        slept = await session.call_tool("sleep", {"ms": 300}, progress_callback=on_progress)
        return {t.name for t in tools.tools}, echoed, slept

    names, echoed, slept = run_session(served.url, transport, body)
    assert {"echo", "read_text_file", "write_file"} <= names
    assert echoed.content[0].text == f"over {transport}"
    assert not slept.isError and seen and seen == sorted(seen)
    served.stop()
    records = audit(state_home)
    starts = [r for r in records if r.get("event") == "session-start"]
    assert len(starts) == 1 and starts[0]["transport"] == "http" and starts[0]["client"] == "full"
    assert starts[0]["protocol"] == LATEST
    calls = [r for r in records if r.get("method") == "tools/call"]
    assert len(calls) == 2 and all(r["session"] == starts[0]["session"] for r in calls)


def test_files_written_in_a_session_are_read_back(served, state_home):
    async def body(session: ClientSession):
        wrote = await session.call_tool("write_file", {"path": "legacy.txt", "content": "kept\n"})
        read = await session.call_tool("read_text_file", {"path": "legacy.txt"})
        return wrote, read

    wrote, read = run_session(served.url, "streamable", body)
    assert not wrote.isError, wrote
    assert "kept" in read.content[0].text
    assert (state_home / "bastion" / "clients" / "full" / "legacy.txt").read_text() == "kept\n"


def test_concurrent_calls_on_one_session_each_get_their_answer(served):
    async def body(session: ClientSession):
        return await asyncio.gather(*(session.call_tool("echo", {"text": f"c{i}"}) for i in range(30)))

    results = run_session(served.url, "streamable", body)
    assert [r.content[0].text for r in results] == [f"c{i}" for i in range(30)]


def request(server, method: str, body: Any = None, headers: dict[str, str] | None = None, path: str = "/mcp"):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=payload, headers=HEADERS | (headers or {}))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_the_raw_session_rules(served):
    # No session: only initialize is taken.
    status, _, body = request(served, "POST", {"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert status == 400 and json.loads(body)["error"]["code"] == -32600
    # initialize issues the id; the answer is JSON.
    status, headers, body = request(served, "POST", INITIALIZE)
    assert status == 200
    session = headers["Mcp-Session-Id"]
    assert len(session) == 32 and json.loads(body)["result"]["protocolVersion"] == LATEST
    sid = {"Mcp-Session-Id": session, "MCP-Protocol-Version": LATEST}
    assert request(served, "POST", {"jsonrpc": "2.0", "method": "notifications/initialized"}, sid)[0] == 202
    status, _, body = request(served, "POST", {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, sid)
    assert status == 200 and "tools" in json.loads(body)["result"]
    # An unknown session is 404; DELETE ends this one, which is then 404 too.
    unknown = {"Mcp-Session-Id": "0" * 32, "MCP-Protocol-Version": LATEST}
    assert request(served, "POST", {"jsonrpc": "2.0", "id": 3, "method": "tools/list"}, unknown)[0] == 404
    assert request(served, "DELETE", None, sid)[0] == 200
    assert request(served, "POST", {"jsonrpc": "2.0", "id": 4, "method": "tools/list"}, sid)[0] == 404
    assert request(served, "GET", None, sid | {"Accept": "text/event-stream"})[0] == 404


def test_a_post_to_an_unknown_sse_session_is_404(served):
    status, _, _ = request(served, "POST", {"jsonrpc": "2.0", "method": "x"}, path="/messages?session_id=" + "f" * 32)
    assert status == 404
