"""The file-system tools (ARCHITECTURE §4) driven by the official Python `mcp` client over stdio.

Each test starts `bastion serve WORK` (WORK granted read+write, like the reference filesystem
server's arguments) on a fresh temporary tree and checks both the text the reference server's
clients expect and the real effect on disk. Results with an `outputSchema` are validated against it
by the client itself. Roots (`roots/list`, `notifications/roots/list_changed`) and bad input are at
the end.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import zlib
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from mcp.types import ImageContent, ListRootsResult, Root
from pydantic import AnyUrl

from conftest import ALL_VERSIONS, assert_error, text_of
from fs_support import result_text, run_official

FS_TOOLS = {
    "read_text_file", "read_file", "read_media_file", "read_multiple_files", "write_file", "edit_file",
    "create_directory", "list_directory", "list_directory_with_sizes", "directory_tree", "move_file",
    "search_files", "get_file_info", "list_allowed_directories", "search_content", "delete_path",
}  # fmt: skip
WRITE_TOOLS = {"write_file", "edit_file", "create_directory", "move_file", "delete_path"}


def tiny_png() -> bytes:
    """A valid 1×1 RGBA PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The granted directory:

    work/a.txt  lines.txt  img.png  bin.dat  sub/b.md  sub/deep/c.txt  sub/deep/d.log
    """
    root = Path(os.path.realpath(tmp_path)) / "work"
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "a.txt").write_text("alpha\nbeta\ngamma\n")
    (root / "lines.txt").write_text("".join(f"line{i}\n" for i in range(1, 11)))
    (root / "img.png").write_bytes(tiny_png())
    (root / "bin.dat").write_bytes(b"\x00\x01\x02binary\xff\xfe\x00" * 10)
    (root / "sub" / "b.md").write_text("# Title\nhello world\nHello again\n")
    (root / "sub" / "deep" / "c.txt").write_text("one\ntwo\nneedle here\nthree\nfour\n")
    (root / "sub" / "deep" / "d.log").write_text("needle in a log\n")
    return root


@pytest.fixture
def fs_run(bastion_bin, server_env, tmp_path, work):
    """`fs_run(body, args=None, **session_kwargs)`: body(session, init) against `bastion serve WORK`."""

    def run(body, args: list[str] | None = None, **kw):
        return run_official(bastion_bin, server_env, tmp_path, args if args is not None else [str(work)], body, **kw)

    return run


async def call_ok(session: ClientSession, tool: str, args: dict) -> tuple[str, object]:
    res = await session.call_tool(tool, args)
    assert not res.isError, f"{tool}({args}) failed: {result_text(res)}"
    return result_text(res), res


async def call_err(session: ClientSession, tool: str, args: dict, *needles: str) -> str:
    """The call fails with an isError result whose text contains every needle; the server still answers."""
    res = await session.call_tool(tool, args)
    text = result_text(res)
    assert res.isError, f"{tool}({args}) should fail, got: {text[:300]!r}"
    for needle in needles:
        assert needle.lower() in text.lower(), f"{tool}({args}) error does not mention {needle!r}: {text!r}"
    await session.send_ping()
    return text


# ---------------------------------------------------------------------------------------------
# tools/list
# ---------------------------------------------------------------------------------------------


def test_every_file_tool_is_listed_with_truthful_annotations(fs_run):
    async def body(session: ClientSession, init):
        tools = {t.name: t for t in (await session.list_tools()).tools}
        assert FS_TOOLS <= set(tools), sorted(FS_TOOLS - set(tools))
        for name in FS_TOOLS:
            schema = tools[name].inputSchema
            assert schema.get("type") == "object", (name, schema)
            ann = tools[name].annotations
            assert ann is not None, name
            if name in WRITE_TOOLS:
                assert ann.readOnlyHint is False, (name, ann)
            else:
                assert ann.readOnlyHint is True, (name, ann)
        assert tools["delete_path"].annotations.destructiveHint is True
        assert set(tools["edit_file"].inputSchema["required"]) == {"path", "edits"}
        assert set(tools["move_file"].inputSchema["required"]) == {"source", "destination"}

    fs_run(body)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def test_read_text_file_whole_head_tail_and_deprecated_alias(fs_run, work):
    async def body(session: ClientSession, init):
        text, res = await call_ok(session, "read_text_file", {"path": str(work / "a.txt")})
        assert text == "alpha\nbeta\ngamma\n"
        assert res.structuredContent["content"] == text
        text, _ = await call_ok(session, "read_text_file", {"path": str(work / "lines.txt"), "head": 3})
        assert text.splitlines() == ["line1", "line2", "line3"]
        text, _ = await call_ok(session, "read_text_file", {"path": str(work / "lines.txt"), "tail": 2})
        assert text.splitlines() == ["line9", "line10"]
        text, _ = await call_ok(session, "read_file", {"path": str(work / "a.txt")})
        assert text == "alpha\nbeta\ngamma\n"
        await call_err(session, "read_text_file", {"path": str(work / "a.txt"), "head": 1, "tail": 1}, "head", "tail")

    fs_run(body)


def test_read_media_file_png_is_image_content(fs_run, work):
    async def body(session: ClientSession, init):
        res = await session.call_tool("read_media_file", {"path": str(work / "img.png")})
        assert not res.isError, result_text(res)
        images = [c for c in res.content if isinstance(c, ImageContent)]
        assert len(images) == 1, res.content
        assert images[0].mimeType == "image/png"
        assert base64.b64decode(images[0].data) == tiny_png()

    fs_run(body)


def test_read_multiple_files_reports_a_failing_file_inline(fs_run, work):
    async def body(session: ClientSession, init):
        paths = [str(work / "a.txt"), str(work / "missing.txt"), str(work / "sub" / "b.md")]
        text, res = await call_ok(session, "read_multiple_files", {"paths": paths})
        assert f"{paths[0]}:\nalpha\nbeta\ngamma\n" in text
        assert "# Title\nhello world" in text
        assert f"{paths[1]}: Error" in text
        assert text.index(paths[0]) < text.index(paths[1]) < text.index(paths[2])

    fs_run(body)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def test_write_file_creates_and_overwrites_atomically(fs_run, work, state_home):
    async def body(session: ClientSession, init):
        target = work / "new.txt"
        text, res = await call_ok(session, "write_file", {"path": str(target), "content": "first\n"})
        assert "Successfully wrote" in text and str(target) in text
        assert target.read_text() == "first\n"
        assert res.structuredContent["bytes"] == 6
        os.chmod(target, 0o600)
        await call_ok(session, "write_file", {"path": str(target), "content": "é second"})
        assert target.read_text() == "é second"
        assert (target.stat().st_mode & 0o777) == 0o600, "an overwrite keeps the file's permission bits"
        assert not [p for p in os.listdir(work) if p.endswith(".tmp")], "no temporary file left behind"
        await call_err(session, "write_file", {"path": str(work / "nodir" / "x.txt"), "content": "x"},
                       "nodir", "create_directory")  # fmt: skip
        assert not (work / "nodir").exists()
        # A relative path lands in the client's private workdir.
        await call_ok(session, "write_file", {"path": "relative.txt", "content": "rel"})
        assert (state_home / "bastion" / "clients" / "local" / "relative.txt").read_text() == "rel"

    fs_run(body)


def test_edit_file_dry_run_and_real_edit(fs_run, work):
    async def body(session: ClientSession, init):
        target = work / "a.txt"
        before = target.read_bytes()
        args = {"path": str(target), "edits": [{"oldText": "beta", "newText": "BETA"}], "dryRun": True}
        diff, _ = await call_ok(session, "edit_file", args)
        assert diff.startswith("```") and diff.rstrip().endswith("```"), diff
        assert "\n-beta\n" in diff and "\n+BETA\n" in diff, diff
        assert "---" in diff and "+++" in diff and "@@" in diff, diff
        assert target.read_bytes() == before, "dryRun must not write"

        args["dryRun"] = False
        diff2, _ = await call_ok(session, "edit_file", args)
        assert diff2 == diff
        assert target.read_text() == "alpha\nBETA\ngamma\n"

        await call_err(session, "edit_file", {"path": str(target), "edits": [{"oldText": "nope", "newText": "x"}]},
                       "a.txt")  # fmt: skip
        assert target.read_text() == "alpha\nBETA\ngamma\n"
        # Several edits apply in order, all or nothing.
        edits = [{"oldText": "alpha", "newText": "ALPHA"}, {"oldText": "missing", "newText": "x"}]
        await call_err(session, "edit_file", {"path": str(target), "edits": edits}, "a.txt")
        assert target.read_text() == "alpha\nBETA\ngamma\n"
        edits = [{"oldText": "alpha", "newText": "ALPHA"}, {"oldText": "ALPHA\nBETA", "newText": "one\ntwo"}]
        diff, _ = await call_ok(session, "edit_file", {"path": str(target), "edits": edits})
        assert target.read_text() == "one\ntwo\ngamma\n"
        assert "-alpha" in diff and "+one" in diff and "+two" in diff, diff

    fs_run(body)


def test_create_directory_like_mkdir_p(fs_run, work):
    async def body(session: ClientSession, init):
        target = work / "n1" / "n2" / "n3"
        text, _ = await call_ok(session, "create_directory", {"path": str(target)})
        assert "Successfully created directory" in text
        assert target.is_dir()
        await call_ok(session, "create_directory", {"path": str(target)})  # already exists: fine
        await call_err(session, "create_directory", {"path": str(work / "a.txt" / "x")}, "a.txt")
        assert (work / "a.txt").read_text() == "alpha\nbeta\ngamma\n"

    fs_run(body)


def test_move_file_renames_and_refuses_an_existing_destination(fs_run, work):
    async def body(session: ClientSession, init):
        text, _ = await call_ok(session, "move_file", {"source": str(work / "a.txt"), "destination": str(work / "z.txt")})
        assert "Successfully moved" in text
        assert not (work / "a.txt").exists() and (work / "z.txt").read_text() == "alpha\nbeta\ngamma\n"
        await call_ok(session, "move_file", {"source": str(work / "sub"), "destination": str(work / "sub2")})
        assert (work / "sub2" / "deep" / "c.txt").exists() and not (work / "sub").exists()

        before = (work / "lines.txt").read_bytes()
        await call_err(session, "move_file", {"source": str(work / "z.txt"), "destination": str(work / "lines.txt")},
                       "lines.txt", "exists")  # fmt: skip
        assert (work / "lines.txt").read_bytes() == before and (work / "z.txt").exists()
        await call_err(session, "move_file", {"source": str(work / "ghost"), "destination": str(work / "g2")}, "ghost")

    fs_run(body)


def test_delete_path_file_directory_and_recursive(fs_run, work):
    async def body(session: ClientSession, init):
        await call_ok(session, "delete_path", {"path": str(work / "a.txt")})
        assert not (work / "a.txt").exists()
        text = await call_err(session, "delete_path", {"path": str(work / "sub")}, "recursive")
        assert "sub" in text
        assert (work / "sub" / "deep" / "c.txt").exists(), "a refused delete removes nothing"
        text, res = await call_ok(session, "delete_path", {"path": str(work / "sub"), "recursive": True})
        assert not (work / "sub").exists()
        assert res.structuredContent["deleted"] == 5  # sub, b.md, deep, c.txt, d.log
        (work / "empty").mkdir()
        await call_ok(session, "delete_path", {"path": str(work / "empty")})
        assert not (work / "empty").exists()
        await call_err(session, "delete_path", {"path": str(work / "ghost")}, "ghost")
        await call_err(session, "delete_path", {"path": str(work)}, "allowed directory")
        assert work.is_dir()

    fs_run(body)


# ---------------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------------


def test_list_directory_lines(fs_run, work):
    async def body(session: ClientSession, init):
        text, res = await call_ok(session, "list_directory", {"path": str(work)})
        assert text.splitlines() == [
            "[FILE] a.txt", "[FILE] bin.dat", "[FILE] img.png", "[FILE] lines.txt", "[DIR] sub",
        ]  # fmt: skip
        entries = {e["name"]: e["type"] for e in res.structuredContent["entries"]}
        assert entries["sub"] == "directory" and entries["a.txt"] == "file"
        await call_err(session, "list_directory", {"path": str(work / "a.txt")}, "a.txt")

    fs_run(body)


def test_list_directory_with_sizes_sorts_and_totals(fs_run, work):
    async def body(session: ClientSession, init):
        text, _ = await call_ok(session, "list_directory_with_sizes", {"path": str(work), "sortBy": "size"})
        lines = text.splitlines()
        entries = [line for line in lines if line.startswith(("[FILE]", "[DIR]"))]
        names = [line.split()[1] for line in entries if line.startswith("[FILE]")]
        sizes = {n: (work / n).stat().st_size for n in names}
        assert names == sorted(names, key=lambda n: -sizes[n]), (names, sizes)
        assert "Total: 4 files, 1 directories" in text, text
        total = sum(sizes.values())
        assert f"Combined size: {total} B" in text, (total, text)
        assert any(line.startswith("[FILE] a.txt") and line.rstrip().endswith(" 17 B") for line in entries), entries
        text, _ = await call_ok(session, "list_directory_with_sizes", {"path": str(work), "sortBy": "name"})
        by_name = [line.split()[1] for line in text.splitlines() if line.startswith(("[FILE]", "[DIR]"))]
        assert by_name == sorted(by_name)

    fs_run(body)


def test_directory_tree_is_json_with_exclusions(fs_run, work):
    async def body(session: ClientSession, init):
        text, _ = await call_ok(session, "directory_tree", {"path": str(work)})
        tree = json.loads(text)
        assert isinstance(tree, list)
        by_name = {e["name"]: e for e in tree}
        assert by_name["a.txt"]["type"] == "file" and "children" not in by_name["a.txt"]
        sub = by_name["sub"]
        assert sub["type"] == "directory"
        deep = {e["name"]: e for e in sub["children"]}["deep"]
        assert sorted(e["name"] for e in deep["children"]) == ["c.txt", "d.log"]

        def names(node_list) -> set[str]:
            out: set[str] = set()
            for node in node_list:
                out.add(node["name"])
                out |= names(node.get("children", []))
            return out

        excl = {"path": str(work), "excludePatterns": ["**/*.log", "img.png"]}
        text, _ = await call_ok(session, "directory_tree", excl)
        assert names(json.loads(text)) == {"a.txt", "bin.dat", "lines.txt", "sub", "b.md", "deep", "c.txt"}
        # Like the reference: a wildcard pattern is relative to the path; a plain name matches anywhere.
        text, _ = await call_ok(session, "directory_tree", {"path": str(work), "excludePatterns": ["*.txt", "deep"]})
        assert names(json.loads(text)) == {"bin.dat", "img.png", "sub", "b.md"}

    fs_run(body)


def test_get_file_info_fields(fs_run, work):
    async def body(session: ClientSession, init):
        os.chmod(work / "a.txt", 0o640)
        text, res = await call_ok(session, "get_file_info", {"path": str(work / "a.txt")})
        info = res.structuredContent
        assert info["size"] == 17 and info["isFile"] is True and info["isDirectory"] is False
        assert info["permissions"] == "640"
        assert "size: 17" in text and "isFile: true" in text and "modified:" in text
        _, res = await call_ok(session, "get_file_info", {"path": str(work / "sub")})
        assert res.structuredContent["isDirectory"] is True and res.structuredContent["isFile"] is False

    fs_run(body)


def test_list_allowed_directories_shows_the_granted_dir(fs_run, work, state_home):
    async def body(session: ClientSession, init):
        text, res = await call_ok(session, "list_allowed_directories", {})
        lines = text.splitlines()
        assert lines[0] == "Allowed directories:"
        assert str(work) in lines[1:]
        assert str(work) in res.structuredContent["write"] and str(work) in res.structuredContent["read"]
        workdir = os.path.realpath(state_home / "bastion" / "clients" / "local")
        assert workdir in lines[1:], lines

    fs_run(body)


# ---------------------------------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------------------------------


def test_search_files_globs_relative_to_path(fs_run, work):
    async def body(session: ClientSession, init):
        text, _ = await call_ok(session, "search_files", {"path": str(work), "pattern": "*.txt"})
        assert sorted(text.splitlines()) == [str(work / "a.txt"), str(work / "lines.txt")]
        text, res = await call_ok(session, "search_files", {"path": str(work), "pattern": "**/*.txt"})
        assert str(work / "sub" / "deep" / "c.txt") in text.splitlines()
        assert str(work / "a.txt") in res.structuredContent["matches"]
        text, _ = await call_ok(
            session, "search_files", {"path": str(work), "pattern": "**/*.{txt,log}", "excludePatterns": ["**/deep/**"]}
        )
        assert "c.txt" not in text and "d.log" not in text and str(work / "a.txt") in text
        text, _ = await call_ok(session, "search_files", {"path": str(work), "pattern": "*.nothing"})
        assert text == "No matches found"

    fs_run(body)


def test_search_content_grep_style_with_context(fs_run, work):
    async def body(session: ClientSession, init):
        c = str(work / "sub" / "deep" / "c.txt")
        d = str(work / "sub" / "deep" / "d.log")
        text, res = await call_ok(session, "search_content", {"path": str(work), "pattern": "needle"})
        assert sorted(text.splitlines()) == sorted([f"{c}:3:needle here", f"{d}:1:needle in a log"])
        assert {(m["path"], m["line"]) for m in res.structuredContent["matches"]} == {(c, 3), (d, 1)}

        text, _ = await call_ok(
            session, "search_content", {"path": str(work), "pattern": "ne+dle", "contextLines": 1, "filePattern": "*.txt"}
        )
        assert text.splitlines() == [f"{c}-2-two", f"{c}:3:needle here", f"{c}-4-three"], text

        text, _ = await call_ok(session, "search_content", {"path": str(work / "sub"), "pattern": "^hello"})
        assert text.splitlines() == [f"{work / 'sub' / 'b.md'}:2:hello world"]
        text, _ = await call_ok(
            session, "search_content", {"path": str(work / "sub"), "pattern": "^hello", "caseSensitive": False}
        )
        assert len(text.splitlines()) == 2

        text, res = await call_ok(session, "search_content", {"path": str(work), "pattern": "e", "maxResults": 2})
        assert len(res.structuredContent["matches"]) == 2 and res.structuredContent["truncated"] is True
        assert "bin.dat" not in text, "binary files are skipped"
        text, _ = await call_ok(session, "search_content", {"path": str(work), "pattern": "zzz-nothing"})
        assert text == "No matches found"
        await call_err(session, "search_content", {"path": str(work), "pattern": "(unclosed"}, "regular expression")

    fs_run(body)


def test_search_content_on_a_single_file(fs_run, work):
    async def body(session: ClientSession, init):
        c = str(work / "sub" / "deep" / "c.txt")
        text, _ = await call_ok(session, "search_content", {"path": c, "pattern": "needle"})
        assert text == f"{c}:3:needle here"

    fs_run(body)


# ---------------------------------------------------------------------------------------------
# Roots: the scope is the intersection of the client's roots and its grants
# ---------------------------------------------------------------------------------------------


def test_roots_narrow_the_scope_and_follow_list_changed(fs_run, work, state_home):
    workdir = os.path.realpath(state_home / "bastion" / "clients" / "local")
    offered = [work / "sub"]
    asked = 0

    async def list_roots(context) -> ListRootsResult:
        nonlocal asked
        asked += 1
        return ListRootsResult(roots=[Root(uri=p.as_uri(), name=p.name) for p in offered])

    async def allowed(session: ClientSession) -> list[str]:
        text, _ = await call_ok(session, "list_allowed_directories", {})
        return text.splitlines()[1:]

    async def wait_allowed(session: ClientSession, expected: list[str]) -> None:
        got: list[str] = []
        with anyio.move_on_after(5):
            while (got := await allowed(session)) != expected:
                await anyio.sleep(0.05)
        assert got == expected, f"scope never became {expected}; last {got}"

    async def body(session: ClientSession, init):
        # The server asks for roots after notifications/initialized; the scope is the intersection.
        await wait_allowed(session, [str(work / "sub")])
        assert asked >= 1
        text, _ = await call_ok(session, "read_text_file", {"path": str(work / "sub" / "b.md")})
        assert text.startswith("# Title")
        denied = await call_err(session, "read_text_file", {"path": str(work / "a.txt")}, "a.txt")
        assert "alpha" not in denied
        await call_err(session, "write_file", {"path": str(work / "w.txt"), "content": "x"}, "w.txt")
        assert not (work / "w.txt").exists()

        # A root outside the grants adds nothing; a new root inside replaces the old one.
        offered[:] = [work / "sub" / "deep", work.parent]
        await session.send_roots_list_changed()
        # work.parent ∩ {work, workdir} = {work, workdir}; deep is inside work.
        await wait_allowed(session, sorted([str(work), workdir]))
        offered[:] = [work / "sub" / "deep"]
        await session.send_roots_list_changed()
        await wait_allowed(session, [str(work / "sub" / "deep")])
        await call_err(session, "read_text_file", {"path": str(work / "sub" / "b.md")}, "b.md")
        await call_ok(session, "write_file", {"path": str(work / "sub" / "deep" / "new.txt"), "content": "ok"})
        assert (work / "sub" / "deep" / "new.txt").read_text() == "ok"

    fs_run(body, list_roots_callback=list_roots)


# ---------------------------------------------------------------------------------------------
# Bad input: clear errors naming the path, never a crash
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tool,args",
    [
        ("read_text_file", {"path": 5}),
        ("read_text_file", {"path": "a.txt", "head": "three"}),
        ("write_file", {"path": ["a"], "content": "x"}),
        ("write_file", {"path": "x.txt"}),
        ("edit_file", {"path": "a.txt", "edits": "not a list"}),
        ("list_directory", {}),
        ("read_multiple_files", {"paths": "a.txt"}),
        ("move_file", {"source": 1, "destination": 2}),
        ("delete_path", {"path": "x", "recursive": "yes"}),
    ],
)
def test_wrong_argument_types_are_rejected(fs_run, work, tool, args):
    async def body(session: ClientSession, init):
        before = sorted(os.listdir(work))
        if init.protocolVersion >= "2025-11-25":
            res = await session.call_tool(tool, args)
            assert res.isError, f"{tool}({args}) accepted: {result_text(res)}"
            assert result_text(res).strip()
        else:
            with pytest.raises(McpError) as exc:
                await session.call_tool(tool, args)
            assert exc.value.error.code == -32602
        assert sorted(os.listdir(work)) == before
        await session.send_ping()
        return init.protocolVersion

    fs_run(body)


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_wrong_argument_type_by_protocol_version(spawn, work, version):
    """A raw client at each version: -32602 up to 2025-06-18, an isError result from 2025-11-25."""
    srv = spawn(work)
    assert srv.initialize(version)["protocolVersion"] == version
    resp = srv.request("tools/call", {"name": "read_text_file", "arguments": {"path": 5}}, id=7)
    if version >= "2025-11-25":
        assert resp["result"]["isError"] is True and "path" in text_of(resp["result"]), resp
    else:
        assert_error(resp, -32602, 7)
        assert "path" in resp["error"]["message"], resp
    srv.finish()


def test_missing_file_directory_as_file_and_binary_as_text(fs_run, work):
    async def body(session: ClientSession, init):
        await call_err(session, "read_text_file", {"path": str(work / "missing.txt")}, "missing.txt", "no such file")
        await call_err(session, "read_text_file", {"path": str(work / "sub")}, "sub", "directory")
        await call_err(session, "write_file", {"path": str(work / "sub"), "content": "x"}, "sub", "directory")
        assert (work / "sub").is_dir()
        await call_err(session, "edit_file", {"path": str(work / "sub"), "edits": [{"oldText": "a", "newText": "b"}]},
                       "sub")  # fmt: skip
        text = await call_err(session, "read_text_file", {"path": str(work / "bin.dat")}, "bin.dat", "binary")
        assert "\x00" not in text
        await call_err(session, "read_text_file", {"path": str(work / "bin.dat"), "head": 2}, "bin.dat")
        await call_err(session, "list_directory", {"path": str(work / "nope")}, "nope")
        await call_err(session, "get_file_info", {"path": str(work / "nope")}, "nope")
        await call_err(session, "directory_tree", {"path": str(work / "a.txt")}, "a.txt")
        await call_err(session, "read_media_file", {"path": str(work / "nope.png")}, "nope.png")
        await call_err(session, "search_files", {"path": str(work / "nope"), "pattern": "*"}, "nope")

    fs_run(body)


def test_non_utf8_file_name_in_listings(fs_run, work):
    raw = os.fsencode(str(work)) + b"/bad-\xff\xfe-name.txt"
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"content of the odd file\n")
    os.close(fd)

    async def body(session: ClientSession, init):
        for tool in ("list_directory", "list_directory_with_sizes", "directory_tree"):
            res = await session.call_tool(tool, {"path": str(work)})
            text = result_text(res)
            await session.send_ping()
            if res.isError:  # refusing the whole listing is acceptable only if it says why
                assert "bad-" in text, text
            else:
                assert "a.txt" in text and "bad-" in text, (tool, text)
        text, _ = await call_ok(session, "search_files", {"path": str(work), "pattern": "bad-*"})
        await session.send_ping()
        res = await session.call_tool("search_content", {"path": str(work), "pattern": "odd file"})
        assert not res.isError or "bad-" in result_text(res), result_text(res)
        await session.send_ping()

    fs_run(body)
    assert os.path.exists(raw)


def test_fifo_and_device_are_refused_without_hanging(fs_run, work):
    os.mkfifo(work / "pipe")  # no writer: a blocking open would hang forever
    os.symlink("/dev/zero", work / "zero")

    async def body(session: ClientSession, init):
        with anyio.fail_after(10):
            for tool in ("read_text_file", "read_media_file", "read_file"):
                await call_err(session, tool, {"path": str(work / "pipe")}, "pipe", "not a regular file")
            await call_err(session, "read_text_file", {"path": str(work / "pipe"), "tail": 1}, "pipe")
            await call_err(session, "read_text_file", {"path": str(work / "zero")}, "/dev/zero", "permission denied")
            text, _ = await call_ok(session, "read_multiple_files", {"paths": [str(work / "pipe"), str(work / "a.txt")]})
            assert "alpha" in text and f"{work / 'pipe'}: Error" in text
            text, _ = await call_ok(session, "search_content", {"path": str(work), "pattern": "needle"})
            assert "pipe" not in text and "needle here" in text
            text, _ = await call_ok(session, "list_directory", {"path": str(work)})
            assert "[FILE] pipe" in text and "zero" in text
        assert (await call_ok(session, "get_file_info", {"path": str(work / "zero")}))[1].structuredContent[
            "isSymbolicLink"
        ] is True

    fs_run(body)


NON_UTF8_BUG = (
    "DirectoryReader decodes a non-UTF-8 name with U+FFFD replacement (Entry.isValidUTF8 is never used) and "
    "every later *at() call uses that lossy name: it names a different file (or none)"
)


def _make_odd_pair(directory: Path) -> None:
    """`bad-\\xff-name.txt` (not UTF-8) and `bad-\\ufffd-name.txt` (its lossy decoding), different contents."""
    fd = os.open(os.fsencode(str(directory)) + b"/bad-\xff-name.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"odd file\n")
    os.close(fd)
    (directory / "bad-\ufffd-name.txt").write_text("replacement file\n")


def test_non_utf8_name_is_not_confused_with_its_lossy_twin(fs_run, work):
    _make_odd_pair(work)

    async def body(session: ClientSession, init):
        text, _ = await call_ok(session, "list_directory", {"path": str(work)})
        lines = text.splitlines()
        assert len(lines) == len(set(lines)), f"two entries look identical: {lines}"
        text, _ = await call_ok(session, "search_content", {"path": str(work), "pattern": "file$"})
        lines = text.splitlines()
        assert len(lines) == len(set(lines)), f"one file reported twice, the other never read: {lines}"
        assert any(line.endswith(":odd file") for line in lines), lines

    fs_run(body)


def test_recursive_delete_of_a_directory_with_a_non_utf8_name(fs_run, work):
    odd = work / "odd"
    odd.mkdir()
    fd = os.open(os.fsencode(str(odd)) + b"/\xff\xfe", os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(fd)

    async def body(session: ClientSession, init):
        await call_ok(session, "delete_path", {"path": str(odd), "recursive": True})
        assert not odd.exists()

    fs_run(body)


# -- files as resources -------------------------------------------------------------------------


def test_files_are_listed_and_read_as_resources(fs_run, work):
    async def body(session: ClientSession, init):
        assert init.capabilities.resources.subscribe is True
        uris: list[str] = []
        cursor = None
        for _ in range(50):
            page = await session.list_resources(cursor=cursor) if cursor else await session.list_resources()
            uris += [str(r.uri) for r in page.resources]
            cursor = page.nextCursor
            if not cursor:
                break
        assert f"file://{work}/a.txt" in uris and f"file://{work}/sub/deep/c.txt" in uris, uris
        assert len(uris) == len(set(uris))
        templates = await session.list_resource_templates()
        assert any(t.uriTemplate == "file:///{+path}" for t in templates.resourceTemplates)
        text = await session.read_resource(AnyUrl(f"file://{work}/a.txt"))
        assert text.contents[0].text == "alpha\nbeta\ngamma\n" and text.contents[0].mimeType == "text/plain"
        blob = await session.read_resource(AnyUrl(f"file://{work}/img.png"))
        assert blob.contents[0].mimeType == "image/png"
        assert base64.b64decode(blob.contents[0].blob) == (work / "img.png").read_bytes()
        with pytest.raises(McpError) as refused:
            await session.read_resource(AnyUrl("file:///etc/passwd"))
        assert refused.value.error.code == -32002 and "file_read" in refused.value.error.message

    fs_run(body)


def test_a_subscribed_file_notifies_its_changes(fs_run, work):
    updates: list[str] = []

    async def on_message(message) -> None:
        root = getattr(message, "root", None)
        if getattr(root, "method", None) == "notifications/resources/updated":
            updates.append(str(root.params.uri))

    async def wait_for_update(count: int) -> None:
        with anyio.fail_after(5):
            while len(updates) <= count:
                await anyio.sleep(0.02)

    async def body(session: ClientSession, init):
        uri = f"file://{work}/a.txt"
        await session.subscribe_resource(AnyUrl(uri))
        # Changed by another program, and by the client's own atomic write: both are seen.
        (work / "a.txt").write_text("changed outside\n")
        await wait_for_update(0)
        assert updates[0] == uri
        seen = len(updates)
        await session.call_tool("write_file", {"path": str(work / "a.txt"), "content": "changed by the tool\n"})
        await wait_for_update(seen)
        await session.unsubscribe_resource(AnyUrl(uri))
        await anyio.sleep(0.2)  # events already queued by the kernel may still arrive
        count = len(updates)
        (work / "a.txt").write_text("after unsubscribe\n")
        await anyio.sleep(0.3)
        assert len(updates) == count

    fs_run(body, message_handler=on_message)
