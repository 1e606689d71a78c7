"""Tool-level permissions fail closed (issue 9, B1), seen from outside the binary.

ARCHITECTURE §2 and §5: a tool declares what it needs and a client sees in `tools/list` only the
tools it may call; a requirement is matched with the call-level meaning (a `file_read` grant
elsewhere does not cover a tool that needs the whole workdir); a tool that needs nothing says so
(`.public`); a `read_only` client sees and calls only tools annotated read-only.
"""

from __future__ import annotations

from conftest import text_of

ELSEWHERE = """\
[server]
diagnostics = true

[[clients]]
id = "elsewhere"
permissions = ["file_read:/nonexistent-bastion-srv/**"]

[[clients]]
id = "nothing"
permissions = []

[[clients]]
id = "careful"
permissions = ["file_read", "file_write", "system_command:git"]
read_only = true
"""

# What a client with no grant at all may use: the tools that declare `.public`.
PUBLIC_TOOLS = {"echo", "sleep", "whoami", "list_allowed_directories"}


def _tools(server) -> dict[str, dict]:
    tools: dict[str, dict] = {}
    cursor = None
    while True:
        res = server.result("tools/list", {"cursor": cursor} if cursor else {})
        tools.update({t["name"]: t for t in res["tools"]})
        cursor = res.get("nextCursor")
        if not cursor:
            return tools


def test_a_read_grant_elsewhere_does_not_reach_the_workdir_tool(spawn, write_config):
    # list_workdir lists the workdir itself, so it needs file_read on the whole workdir; a grant
    # elsewhere used to satisfy it because only the permission's kind was compared.
    server = spawn("--config", write_config(ELSEWHERE), "--client", "elsewhere")
    server.initialize()
    names = set(_tools(server))
    assert "list_workdir" not in names, names
    # The file tools check each path themselves, so any read grant shows them.
    assert {"read_text_file", "list_directory", "search_files"} <= names, names
    res = server.call_tool("list_workdir", {})
    assert res.get("isError") is True, res
    assert "file_read" in text_of(res), res
    server.finish()


def test_a_client_without_grants_sees_only_the_public_tools(spawn, write_config):
    server = spawn("--config", write_config(ELSEWHERE), "--client", "nothing")
    server.initialize()
    assert set(_tools(server)) == PUBLIC_TOOLS
    for name, arguments in [("read_text_file", {"path": "a.txt"}), ("list_workdir", {})]:
        res = server.call_tool(name, arguments)
        assert res.get("isError") is True, (name, res)
    assert text_of(server.call_tool("echo", {"text": "ok"})) == "ok"
    server.finish()


def test_a_read_only_client_sees_and_calls_only_read_only_tools(spawn, write_config):
    server = spawn("--config", write_config(ELSEWHERE), "--client", "careful")
    server.initialize("2025-06-18")
    tools = _tools(server)
    assert "read_text_file" in tools and "list_workdir" in tools, sorted(tools)
    not_read_only = sorted(n for n, t in tools.items() if t.get("annotations", {}).get("readOnlyHint") is not True)
    assert not_read_only == [], not_read_only
    res = server.call_tool("write_file", {"path": "planted.txt", "content": "x"})
    assert res.get("isError") is True, res
    server.finish()
