"""Resumable SSE streams of handshake-era Streamable HTTP sessions against `bastion serve --http`:
event ids on every session event, the 2025-11-25 priming event (an id, `retry`, empty data) and
none for 2025-03-26, a POST stream dropped mid-call resumed with GET + `Last-Event-ID` (raw, and
the official Python client 1.30.0 across a cut connection), and the ids that are refused.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


@pytest.fixture
def served(http_serve, full_config):
    return http_serve("--config", full_config, "--client", "full")


def audit(state_home: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (state_home / "bastion" / "audit.jsonl").read_text().splitlines()]


def open_session(client: httpx.Client, url: str, version: str) -> dict[str, str]:
    """Initializes a session; the headers of its later requests."""
    init = {
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
    }
    answer = client.post(url, json=init, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["protocolVersion"] == version
    headers = {**HEADERS, "Mcp-Session-Id": answer.headers["mcp-session-id"], "MCP-Protocol-Version": version}
    initialized = client.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
    assert initialized.status_code == 202
    return headers


def sleep_call(id: int, ms: int) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": "sleep", "arguments": {"ms": ms}, "_meta": {"progressToken": f"p{id}"}},
    }


def events(lines) -> Any:
    """SSE events ({"id", "retry", "data"}) from an iterator of lines."""
    event: dict[str, Any] = {}
    for line in lines:
        if line == "":
            if event:
                yield event
            event = {}
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                event["data"] = event.get("data", "") + value
            else:
                event[name] = value


def read_until_answer(stream, id: int) -> list[dict[str, Any]]:
    seen = []
    for event in events(stream.iter_lines()):
        seen.append(event)
        if event.get("data") and json.loads(event["data"]).get("id") == id:
            break
    return seen


@pytest.mark.parametrize("version", ["2025-11-25", "2025-03-26"])
def test_a_post_stream_is_primed_only_for_2025_11_25(served, version):
    with httpx.Client(timeout=20) as client:
        headers = open_session(client, served.url, version)
        with client.stream("POST", served.url, json=sleep_call(1, 300), headers=headers) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            seen = read_until_answer(response, 1)
    assert all(event.get("id") for event in seen), seen
    assert len({event["id"] for event in seen}) == len(seen)
    first = seen[0]
    if version == "2025-11-25":
        assert first.get("data", "") == "" and first.get("retry") == "1000", first
        assert all(event.get("data") for event in seen[1:])
    else:
        assert "retry" not in first and all(event.get("data") for event in seen), seen
    assert json.loads(seen[-1]["data"])["result"]["content"][0]["text"] == "slept 300 ms"
    # One stream's ids: one prefix, sequences counting up.
    prefixes = {event["id"].rsplit("-", 1)[0] for event in seen}
    sequences = [int(event["id"].rsplit("-", 1)[1]) for event in seen]
    assert len(prefixes) == 1 and sequences == sorted(sequences)


@pytest.mark.parametrize("version", ["2025-11-25", "2025-03-26"])
def test_a_dropped_post_stream_is_resumed_with_the_rest(served, version):
    with httpx.Client(timeout=20) as client:
        headers = open_session(client, served.url, version)
        with client.stream("POST", served.url, json=sleep_call(5, 1500), headers=headers) as response:
            first = next(events(response.iter_lines()))
        # The connection is gone; the call runs on.
        assert first.get("id")
        resume = {**headers, "Accept": "text/event-stream", "Last-Event-ID": first["id"]}
        with client.stream("GET", served.url, headers=resume) as resumed:
            assert resumed.status_code == 200
            rest = read_until_answer(resumed, 5)
    answer = json.loads(rest[-1]["data"])
    assert answer["id"] == 5 and answer["result"]["content"][0]["text"] == "slept 1500 ms"
    progress = [json.loads(e["data"]) for e in rest if e.get("data") and "progress" in e["data"]]
    assert progress, rest
    values = [m["params"]["progress"] for m in progress if m.get("method") == "notifications/progress"]
    assert values == sorted(values) and values[-1] == 1500
    # Nothing before the event resumed from is sent again.
    sequences = [int(e["id"].rsplit("-", 1)[1]) for e in rest]
    assert min(sequences) > int(first["id"].rsplit("-", 1)[1])


def test_bad_foreign_and_gone_ids_are_refused_and_audited(served, state_home):
    with httpx.Client(timeout=20) as client:
        mine = open_session(client, served.url, "2025-11-25")
        theirs = open_session(client, served.url, "2025-11-25")
        with client.stream("POST", served.url, json=sleep_call(1, 200), headers=theirs) as response:
            their_events = read_until_answer(response, 1)
        foreign = their_events[0]["id"]

        def resume(headers: dict[str, str], last_event_id: str) -> httpx.Response:
            return client.get(served.url, headers={**headers, "Accept": "text/event-stream", "Last-Event-ID": last_event_id})

        assert resume(mine, foreign).status_code == 400
        assert resume(mine, "bogus").status_code == 400
        assert resume(mine, "x" * 10_000).status_code == 400
        # Theirs, answered in full and forgotten: gone, not "no such session".
        gone = resume(theirs, foreign)
        assert gone.status_code == 410 and "Last-Event-ID" in gone.json()["error"]["message"]
        # Without a session: the session rules, not the stream's.
        no_session = {k: v for k, v in mine.items() if k != "Mcp-Session-Id"}
        assert resume(no_session, foreign).status_code == 400
        assert client.post(served.url, json={"jsonrpc": "2.0", "id": 9, "method": "ping"}, headers=mine).status_code == 200
    served.stop()
    refusals = [r for r in audit(state_home) if r.get("event") == "http-refusal"]
    assert any(r.get("status") == 400 for r in refusals), refusals
    assert any("Last-Event-ID" in r.get("reason", "") for r in refusals), refusals


class CutFirstSleepStream(httpx.AsyncBaseTransport):
    """Cuts the SSE answer of the first `sleep` POST after its first chunk, as a dropped
    connection would: the client has seen an id and must resume."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.cut = 0
        self.resumptions: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "last-event-id" in request.headers:
            self.resumptions.append(request.headers["last-event-id"])
        response = await self.inner.handle_async_request(request)
        if request.method != "POST" or self.cut or b'"sleep"' not in request.content:
            return response
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            return response
        self.cut += 1
        inner = response.stream

        class FirstChunk(httpx.AsyncByteStream):
            async def __aiter__(self):
                async for chunk in inner:
                    yield chunk
                    break

            async def aclose(self) -> None:
                await inner.aclose()

        return httpx.Response(response.status_code, headers=response.headers, stream=FirstChunk(), extensions=response.extensions)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_the_official_client_completes_a_call_across_a_resumption(served):
    transport = CutFirstSleepStream()
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async def main():
        async with asyncio.timeout(40):
            async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(30, read=60)) as http:
                async with streamable_http_client(served.url, http_client=http) as (read, write, _):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        slept = await session.call_tool("sleep", {"ms": 2500}, progress_callback=on_progress)
                        echoed = await session.call_tool("echo", {"text": "after"})
                        return slept, echoed

    slept, echoed = asyncio.run(main())
    assert transport.cut == 1
    assert transport.resumptions, "the client never resumed"
    assert not slept.isError and slept.content[0].text == "slept 2500 ms"
    assert echoed.content[0].text == "after"
    assert seen and seen == sorted(seen) and seen[-1] == 2500
