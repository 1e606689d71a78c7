"""Helpers for the file-system interop suites (test_filesystem*.py).

- `run_official(...)` runs one async scenario with the official `mcp` client (stdio_client +
  ClientSession) against `bastion serve ARGS`, under a deadline, and unwraps anyio's exception groups;
- `result_text(res)` / `dump(res)` give a result's text and its whole serialized form (for leak checks);
- `Snapshot` records a file's bytes, mtime and inode so a test can prove nothing outside changed.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

Scenario = Callable[[ClientSession, Any], Awaitable[Any]]


def first_leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


def run_official(
    bastion_bin: Path,
    server_env: dict[str, str],
    cwd: Path,
    args: list[str],
    body: Scenario,
    *,
    deadline: float = 30,
    **session_kwargs: Any,
) -> Any:
    """Runs `body(session, init)` against `bastion serve *args`; returns what it returns."""
    params = StdioServerParameters(
        command=str(bastion_bin),
        args=["serve", *map(str, args)],
        env={k: server_env[k] for k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")},
        cwd=str(cwd),
    )

    async def main() -> Any:
        with (cwd / "server-stderr.log").open("a") as errlog:
            with anyio.fail_after(deadline):
                async with stdio_client(params, errlog=errlog) as (read, write):
                    async with ClientSession(read, write, **session_kwargs) as session:
                        init = await session.initialize()
                        return await body(session, init)

    try:
        return asyncio.run(main())
    except BaseExceptionGroup as group:  # show the real failure, not anyio's wrapper
        raise first_leaf(group) from None


def result_text(res: Any) -> str:
    """The concatenated text content of a tool result (official `CallToolResult` or raw dict)."""
    if isinstance(res, dict):
        return "".join(c.get("text", "") for c in res.get("content", []) if c.get("type") == "text")
    return "".join(getattr(c, "text", "") for c in res.content if getattr(c, "type", None) == "text")


def is_error(res: Any) -> bool:
    return bool(res.get("isError") if isinstance(res, dict) else res.isError)


def dump(res: Any) -> str:
    """Everything a result carries, serialized: content of every kind and structuredContent."""
    if isinstance(res, dict):
        return json.dumps(res)
    return res.model_dump_json()


@dataclass(frozen=True)
class Snapshot:
    """A file's (or link's) observable state: bytes, mtime in ns, inode, kind; `None` fields when absent."""

    path: Path
    exists: bool
    data: bytes | None
    mtime_ns: int | None
    inode: int | None
    is_link: bool

    @classmethod
    def of(cls, path: Path) -> "Snapshot":
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return cls(path, False, None, None, None, False)
        is_link = os.path.islink(path)
        data = None
        if not is_link and os.path.isfile(path):
            data = Path(path).read_bytes()
        return cls(path, True, data, st.st_mtime_ns, st.st_ino, is_link)

    def assert_unchanged(self) -> None:
        now = Snapshot.of(self.path)
        assert now == self, f"{self.path} changed: before {self}, after {now}"


def assert_refused(res: Any, *, names: list[str], secrets: list[str] = (), words: tuple[str, ...] = ()) -> str:
    """`res` is an isError result whose text names one of `names` and leaks none of `secrets`.

    `words` (lower-cased) must all appear too, e.g. ("permission denied",) or ("protected",).
    """
    text = result_text(res)
    assert is_error(res), f"expected a refusal naming {names}, got success: {text[:500]!r}"
    everything = dump(res)
    for secret in secrets:
        assert secret not in everything, f"secret leaked in refusal: {everything[:800]}"
    assert any(n in text for n in names), f"refusal does not name any of {names}: {text!r}"
    low = text.lower()
    for word in words:
        assert word in low, f"refusal does not say {word!r}: {text!r}"
    return text
