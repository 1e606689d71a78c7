"""Issue 9 B5: the audit log shows denials as denials.

- a path-level refusal (outside the scope, a `deny` rule, the protected list, `read_only`) is recorded
  as `"decision":"deny"` with the missing `permission` and the canonical `path`, for every file tool and
  for `resources/read` — not as `"decision":"allow","outcome":"error"`;
- a tool-level denial's record carries the (redacted) `args` and says `"outcome":"denied"`;
- a call whose record cannot be written is answered -32603 "audit log unavailable", never with its result.

Raw JSON-RPC over stdio (conftest.StdioClient) so each record can be matched to its request id.
"""

from __future__ import annotations

import json
import os
import resource
import signal
from pathlib import Path
from typing import Any

import pytest

from conftest import LATEST, StdioClient


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A workdir (with a `denied/` subtree and a `.git/hooks/`) and a directory outside every grant."""
    wd = tmp_path / "wd"
    (wd / "denied").mkdir(parents=True)
    (wd / ".git" / "hooks").mkdir(parents=True)
    wd.chmod(0o700)
    (wd / "ok.txt").write_text("fine\n")
    (wd / "denied" / "a.txt").write_text("no\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("outside\n")
    return {"wd": Path(os.path.realpath(wd)), "outside": Path(os.path.realpath(outside))}


@pytest.fixture
def start(spawn, write_config, layout):
    """`start(client_id)` serves `writer` (read+write in its workdir, `deny` on denied/) or `reader`
    (read_only), initialized at the latest version."""
    config = write_config(
        f"""
        [server]
        diagnostics = true
        [[clients]]
        id = "writer"
        workdir = "{layout['wd']}"
        permissions = ["file_read", "file_write"]
        deny = ["**/denied/**"]
        [[clients]]
        id = "reader"
        read_only = true
        permissions = ["file_read", "file_write"]
        """
    )

    def run(client: str = "writer") -> StdioClient:
        server = spawn("--config", config, "--client", client)
        server.initialize(LATEST)
        return server

    return run


def records(state_home: Path) -> list[dict[str, Any]]:
    path = state_home / "bastion" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def record_of(state_home: Path, request_id: int) -> dict[str, Any]:
    found = [r for r in records(state_home) if r.get("event") == "request" and r.get("id") == request_id]
    assert len(found) == 1, f"expected one record for id {request_id}, got {found}"
    return found[0]


def call(server: StdioClient, tool: str, arguments: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request_id = server.next_id()
    response = server.request("tools/call", {"name": tool, "arguments": arguments}, id=request_id)
    return request_id, response


# (tool, arguments, the canonical path refused, what refused it); `W`/`O` stand for the workdir and
# the outside directory.
CASES = [
    ("read_text_file", {"path": "O/secret.txt"}, "O/secret.txt", "no-grant"),
    ("read_media_file", {"path": "O/secret.txt"}, "O/secret.txt", "no-grant"),
    ("read_multiple_files", {"paths": ["W/ok.txt", "O/secret.txt"]}, "O/secret.txt", "no-grant"),
    ("get_file_info", {"path": "O/secret.txt"}, "O/secret.txt", "no-grant"),
    ("list_directory", {"path": "O"}, "O", "no-grant"),
    ("list_directory_with_sizes", {"path": "O"}, "O", "no-grant"),
    ("directory_tree", {"path": "O"}, "O", "no-grant"),
    ("search_files", {"path": "O", "pattern": "*.txt"}, "O", "no-grant"),
    ("search_content", {"path": "O", "pattern": "out"}, "O", "no-grant"),
    ("write_file", {"path": "O/new.txt", "content": "x"}, "O/new.txt", "no-grant"),
    ("create_directory", {"path": "O/made"}, "O/made", "no-grant"),
    ("read_text_file", {"path": "W/denied/a.txt"}, "W/denied/a.txt", "deny-rule"),
    ("edit_file", {"path": "W/denied/a.txt", "edits": [{"oldText": "no", "newText": "yes"}]}, "W/denied/a.txt", "deny-rule"),
    ("delete_path", {"path": "W/denied/a.txt"}, "W/denied/a.txt", "deny-rule"),
    ("write_file", {"path": "W/.git/hooks/pre-commit", "content": "#!/bin/sh\n"}, "W/.git/hooks/pre-commit", "protected"),
    ("move_file", {"source": "W/ok.txt", "destination": "W/.git/hooks/post-checkout"}, "W/.git/hooks/post-checkout", "protected"),
]


def expand(value: Any, layout: dict[str, Path]) -> Any:
    if isinstance(value, str):
        if value == "W" or value.startswith("W/"):
            return str(layout["wd"]) + value[1:]
        if value == "O" or value.startswith("O/"):
            return str(layout["outside"]) + value[1:]
        return value
    if isinstance(value, list):
        return [expand(v, layout) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, layout) for k, v in value.items()}
    return value


@pytest.mark.parametrize("tool,arguments,refused,rule", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_a_path_refusal_is_recorded_as_a_denial(start, layout, state_home, tool, arguments, refused, rule):
    server = start()
    request_id, response = call(server, tool, expand(arguments, layout))
    server.close()
    assert "result" in response, response
    record = record_of(state_home, request_id)
    assert record["decision"] == "deny", record
    assert record["path"] == expand(refused, layout), record
    assert record["rule"] == rule, record
    assert record["permission"].startswith("file_write" if tool in ("write_file", "create_directory", "edit_file", "delete_path", "move_file") else "file_read"), record
    # Partial success (one file of several refused) is not an error, and says so.
    expected = "partial" if tool == "read_multiple_files" else "denied"
    assert record["outcome"] == expected, record
    assert response["result"].get("isError", False) == (expected == "denied"), response
    assert "args" in record, record


def test_a_read_only_client_is_recorded_as_denied(start, layout, state_home):
    server = start("reader")
    request_id, response = call(server, "write_file", {"path": "notes.txt", "content": "x"})
    server.close()
    assert response["result"]["isError"] is True, response
    record = record_of(state_home, request_id)
    assert record["decision"] == "deny" and record["outcome"] == "denied", record
    assert record["permission"].startswith("file_write"), record
    assert record["args"] == {"path": "notes.txt", "content": "<1 bytes>"}, record


def test_a_refused_resource_read_is_recorded_as_a_denial(start, layout, state_home):
    server = start()
    request_id = server.next_id()
    uri = "file://" + str(layout["outside"] / "secret.txt")
    response = server.request("resources/read", {"uri": uri}, id=request_id)
    server.close()
    assert response["error"]["code"] == -32002, response
    record = record_of(state_home, request_id)
    assert record["decision"] == "deny", record
    assert record["path"] == str(layout["outside"] / "secret.txt"), record
    assert record["permission"].startswith("file_read"), record


@pytest.mark.parametrize(
    "target, rule",
    [("outside", "no-grant"), ("denied", "deny-rule")],
)
def test_a_refused_resource_subscription_is_recorded_as_a_denial(start, layout, state_home, target, rule):
    server = start()
    request_id = server.next_id()
    path = layout["outside"] / "secret.txt" if target == "outside" else layout["wd"] / "denied" / "a.txt"
    response = server.request("resources/subscribe", {"uri": "file://" + str(path)}, id=request_id)
    server.close()
    assert response["error"]["code"] == -32002, response
    record = record_of(state_home, request_id)
    assert record["decision"] == "deny" and record["outcome"] == "denied", record
    assert record["path"] == str(path), record
    assert record["permission"].startswith("file_read"), record
    assert record["rule"] == rule, record


def test_a_refused_resource_read_of_a_denied_file_names_the_rule(start, layout, state_home):
    server = start()
    request_id = server.next_id()
    path = layout["wd"] / "denied" / "a.txt"
    response = server.request("resources/read", {"uri": "file://" + str(path)}, id=request_id)
    listing = server.result("resources/list", {})
    server.close()
    assert response["error"]["code"] == -32002, response
    record = record_of(state_home, request_id)
    assert record["decision"] == "deny" and record["outcome"] == "denied", record
    assert record["path"] == str(path) and record["rule"] == "deny-rule", record
    # A listing refuses nothing: it leaves out what the client may not read.
    assert all("/denied/" not in r["uri"] for r in listing["resources"]), listing


def test_a_tool_level_denial_carries_redacted_args_and_says_denied(spawn, write_config, state_home):
    config = write_config(
        """
        [server]
        diagnostics = true
        [[clients]]
        id = "nobody"
        permissions = []
        """
    )
    server = spawn("--config", config, "--client", "nobody")
    server.initialize(LATEST)
    request_id, response = call(server, "list_workdir", {"password": "hunter2", "note": "n" * 400})
    server.close()
    assert response["result"]["isError"] is True, response
    record = record_of(state_home, request_id)
    assert record["decision"] == "deny" and record["outcome"] == "denied", record
    assert record["permission"].startswith("file_read"), record
    assert record["args"] == {"password": "<redacted>", "note": "<400 bytes>"}, record


def test_an_allowed_call_is_still_allow_and_ok(start, layout, state_home):
    server = start()
    request_id, response = call(server, "read_text_file", {"path": "ok.txt"})
    server.close()
    assert response["result"]["content"][0]["text"] == "fine\n", response
    record = record_of(state_home, request_id)
    assert record["decision"] == "allow" and record["outcome"] == "ok", record
    assert record["path"] == str(layout["wd"] / "ok.txt") and "rule" not in record, record


def limited_file_size(limit: int):
    """preexec: files the server writes may not grow past `limit` bytes (writes past it fail, EFBIG)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # inherited across exec: EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_call_whose_record_cannot_be_written_is_answered_with_the_audit_error(
    bastion_bin, server_env, write_config, tmp_path, state_home
):
    # Files the server writes may not grow past 6 KiB: the log is healthy when each call is
    # accepted, then one call's record no longer fits. That call must get the audit error.
    config = write_config(
        """
        [server]
        diagnostics = true
        [[clients]]
        id = "local"
        permissions = ["file_read"]
        """
    )
    argv = [str(bastion_bin), "serve", "--config", str(config)]
    server = StdioClient(argv, server_env, tmp_path, preexec_fn=limited_file_size(6 * 1024))
    try:
        server.initialize(LATEST)
        answered: list[int] = []
        refused: dict[str, Any] | None = None
        for n in range(200):
            request_id = server.next_id()
            response = server.request(
                "tools/call", {"name": "echo", "arguments": {"text": f"call {n} " + "z" * 60}}, id=request_id
            )
            if "error" in response:
                refused = response
                break
            answered.append(request_id)
        assert refused is not None, "the audit log never filled up"
        assert refused["error"]["code"] == -32603, refused
        assert refused["error"]["message"].startswith("audit log unavailable"), refused
    finally:
        server.kill()
    # Every call that got its result has its record: no answer left without one.
    log = state_home / "bastion" / "audit.jsonl"
    kept = [json.loads(line) for line in log.read_bytes().splitlines() if line.endswith(b"}")]
    recorded = {r.get("id") for r in kept if r.get("method") == "tools/call"}
    missing = [i for i in answered if i not in recorded]
    assert answered and not missing, f"calls answered with their result but without an audit record: {missing}"


def test_an_allowed_change_records_its_canonical_target_even_when_spelled_like_a_secret(start, layout, state_home):
    """Second review F1: `token=x/../ok.txt` made the whole path look like an assignment, so the
    record of a successful delete or write no longer said which file it changed."""
    server = start()
    wd = layout["wd"]
    wrote, answer = call(server, "write_file", {"path": str(wd / "password=a" / ".." / "evil.sh"), "content": "x"})
    assert answer["result"].get("isError") in (None, False), answer
    deleted, answer = call(server, "delete_path", {"path": str(wd / "token=x" / ".." / "ok.txt")})
    assert answer["result"].get("isError") in (None, False), answer
    moved, answer = call(server, "move_file", {"source": str(wd / "evil.sh"), "destination": str(wd / "secret=b" / ".." / "moved.sh")})
    assert answer["result"].get("isError") in (None, False), answer
    server.finish()
    assert record_of(state_home, wrote)["path"] == str(wd / "evil.sh")
    assert record_of(state_home, deleted)["path"] == str(wd / "ok.txt")
    assert record_of(state_home, moved)["path"] == str(wd / "evil.sh")
    assert record_of(state_home, moved)["destination"] == str(wd / "moved.sh")


def test_an_allowed_read_records_the_canonical_paths_it_read(start, layout, state_home):
    """A read spelled `sub/../notes.txt`, or through a link, is recorded with the file actually
    read: who read what must be answerable from the log alone."""
    server = start()
    wd = layout["wd"]
    (wd / "notes.txt").write_text("n\n")
    (wd / "sub").mkdir(exist_ok=True)
    (wd / "sub" / "b.txt").write_text("b\n")
    (wd / "alias.txt").symlink_to(wd / "sub" / "b.txt")
    read, answer = call(server, "read_text_file", {"path": str(wd / "sub" / ".." / "notes.txt")})
    assert answer["result"].get("isError") in (None, False), answer
    headed, _ = call(server, "read_text_file", {"path": str(wd / "alias.txt"), "head": 1})
    listed, _ = call(server, "list_directory", {"path": str(wd / "sub" / ".")})
    several, answer = call(
        server, "read_multiple_files", {"paths": [str(wd / "./notes.txt"), str(wd / "alias.txt")]}
    )
    assert answer["result"].get("isError") in (None, False), answer
    searched, _ = call(server, "search_files", {"path": str(wd / "sub" / ".."), "pattern": "*.txt"})
    server.finish()
    assert record_of(state_home, read)["path"] == str(wd / "notes.txt")
    assert record_of(state_home, headed)["path"] == str(wd / "sub" / "b.txt")
    assert record_of(state_home, listed)["path"] == str(wd / "sub")
    assert record_of(state_home, several)["paths"] == [str(wd / "notes.txt"), str(wd / "sub" / "b.txt")]
    assert record_of(state_home, searched)["path"] == str(wd)


def test_a_resource_read_records_the_canonical_path_it_read(start, layout, state_home):
    """Review of issue 9, F2: `resources/read` recorded only the URI as spelled (cut to its size past
    512 bytes), never the file read."""
    server = start()
    wd = layout["wd"]
    long_id = server.next_id()
    answer = server.request("resources/read", {"uri": "file://" + str(wd) + "/" + "./" * 300 + "ok.txt"}, id=long_id)
    assert answer["result"]["contents"][0]["text"] == "fine\n", answer
    dotted_id = server.next_id()
    answer = server.request("resources/read", {"uri": "file://" + str(wd) + "/denied/../ok.txt"}, id=dotted_id)
    assert "result" in answer, answer
    server.finish()
    assert record_of(state_home, long_id)["path"] == str(wd / "ok.txt")
    assert record_of(state_home, dotted_id)["path"] == str(wd / "ok.txt")
