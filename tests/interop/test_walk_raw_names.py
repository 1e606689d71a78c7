"""Directory walks decide on an entry's raw name, not on its decoded display name (issue 9).

A name that is not UTF-8 is shown with each invalid byte written `\\xHH` (`ff 73 65 63 72 65 74`
is shown `\\xFFsecret`). The walks of search_files, directory_tree, search_content and
list_directory checked that display form against the client's rules, so `deny = ["**/?secret"]`,
which refuses read_text_file the file (through a link, the canonical path has the byte as U+FFFD,
one character for `?`), did not hide it from them: `\\xFFsecret` has four characters before
`secret`. The same for a file below a directory named `ff 76 61 75 6c 74` and `**/?vault/**`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import text_of

SECRET_FILE = b"\xffsecret"
SECRET_DIR = b"\xffvault"
PAYLOADS = ("PAYLOAD-OF-THE-FILE", "PAYLOAD-BELOW-THE-DIRECTORY")
# What a leaked name looks like in a result: escaped (`\xFF`), or decoded with U+FFFD.
LEAKS = ("FFsecret", "FFvault", "\ufffdsecret", "\ufffdvault", "\\ufffd", "inside.txt") + PAYLOADS


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """wd/{plain.txt, \\xffsecret, \\xffvault/inside.txt, alias -> \\xffsecret, vault-link -> \\xffvault}."""
    wd = Path(os.path.realpath(tmp_path)) / "wd"
    wd.mkdir(mode=0o700)
    raw = os.fsencode(str(wd))
    (wd / "plain.txt").write_text("fine\n")
    with open(raw + b"/" + SECRET_FILE, "wb") as f:
        f.write(PAYLOADS[0].encode() + b"\n")
    os.mkdir(raw + b"/" + SECRET_DIR)
    with open(raw + b"/" + SECRET_DIR + b"/inside.txt", "wb") as f:
        f.write(PAYLOADS[1].encode() + b"\n")
    os.symlink(SECRET_FILE, raw + b"/alias")
    os.symlink(SECRET_DIR, raw + b"/vault-link")
    return wd


@pytest.fixture
def server(spawn, write_config, workdir: Path):
    config = write_config(
        f"""\
        [[clients]]
        id = "c"
        workdir = "{workdir}"
        permissions = ["file_read", "file_write"]
        deny = ["**/?secret", "**/?vault/**"]
        """
    )
    started = spawn("--config", config, "--client", "c")
    started.initialize()
    return started


def _assert_no_leak(result: dict, what: str) -> None:
    everything = json.dumps(result, ensure_ascii=False)
    for leak in LEAKS:
        assert leak not in everything, f"{what} shows {leak!r}: {everything[:800]}"


def test_the_deny_rules_refuse_read_text_file_both_files(server, workdir):
    for path in (workdir / "alias", workdir / "vault-link" / "inside.txt"):
        result = server.call_tool("read_text_file", {"path": str(path)})
        assert result.get("isError") is True, result
        assert "deny rule" in text_of(result), result
        assert not any(payload in json.dumps(result) for payload in PAYLOADS), result
    server.finish()


@pytest.mark.parametrize(
    "tool,arguments",
    [
        ("search_files", {"pattern": "**/*secret*"}),
        ("search_files", {"pattern": "**/*vault*"}),
        ("search_files", {"pattern": "**/inside.txt"}),
        ("search_files", {"pattern": "**"}),
        ("directory_tree", {}),
        ("search_content", {"pattern": "PAYLOAD"}),
        ("list_directory", {}),
        ("list_directory_with_sizes", {}),
    ],
)
def test_a_walk_hides_what_the_deny_rules_refuse(server, workdir, tool, arguments):
    result = server.call_tool(tool, {"path": str(workdir), **arguments})
    assert result.get("isError") is not True, result
    _assert_no_leak(result, tool)
    text = text_of(result)
    if tool in ("directory_tree", "list_directory", "list_directory_with_sizes") or arguments["pattern"] == "**":
        # The rest of the directory is still there: nothing but the denied entries is hidden.
        assert "plain.txt" in text and "alias" in text and "vault-link" in text, text
    server.finish()


def test_a_recursive_delete_or_move_refuses_a_tree_holding_a_denied_raw_name(spawn, write_config, tmp_path):
    """The write walks of delete_path and move_file decide on raw names too: a directory holding
    an entry the deny rules refuse is neither deleted nor moved away with it."""
    wd = Path(os.path.realpath(tmp_path)) / "wd2"
    wd.mkdir(mode=0o700)
    raw = os.fsencode(str(wd))
    os.makedirs(raw + b"/tree/sub")
    with open(raw + b"/tree/sub/" + SECRET_FILE, "wb") as f:
        f.write(b"keep me\n")
    config = write_config(
        f"""\
        [[clients]]
        id = "c"
        workdir = "{wd}"
        permissions = ["file_read", "file_write"]
        deny = ["**/?secret"]
        """,
        name="raw-write.toml",
    )
    server = spawn("--config", config, "--client", "c")
    server.initialize()
    deleted = server.call_tool("delete_path", {"path": str(wd / "tree"), "recursive": True})
    assert deleted.get("isError") is True, deleted
    moved = server.call_tool("move_file", {"source": str(wd / "tree"), "destination": str(wd / "elsewhere")})
    assert moved.get("isError") is True, moved
    assert os.path.exists(raw + b"/tree/sub/" + SECRET_FILE)
    server.finish()
