"""Path decisions are made on bytes, not on Swift Characters (issue 9, B6).

`*` followed by U+0301 (combining acute accent) is one Character that is not `*`, but the glob
compiler sees the `*` byte. When a workdir named `w*\u0301` was turned into the glob of the
client's scope by escaping Characters, its `*` stayed a wildcard, and the client could read and
write the sibling directory `wz\u0301`. Likewise a `/` followed by U+0301 is no `/` Character.
"""

from __future__ import annotations

from pathlib import Path

from conftest import text_of

COMBINING = "\u0301"


def _siblings(tmp_path: Path) -> tuple[Path, Path]:
    area = tmp_path / "area"
    own = area / f"w*{COMBINING}"
    sibling = area / f"wz{COMBINING}"
    own.mkdir(parents=True, mode=0o700)
    sibling.mkdir(mode=0o700)
    (own / "mine.txt").write_text("mine")
    (sibling / "secret.txt").write_text("the sibling's secret")
    return own, sibling


def _assert_sibling_is_out_of_reach(server, own: Path, sibling: Path) -> None:
    assert text_of(server.call_tool("read_text_file", {"path": str(own / "mine.txt")})) == "mine"
    read = server.call_tool("read_text_file", {"path": str(sibling / "secret.txt")})
    assert read.get("isError") is True, read
    assert "the sibling's secret" not in text_of(read)
    listing = server.call_tool("list_directory", {"path": str(sibling)})
    assert listing.get("isError") is True, listing
    written = server.call_tool("write_file", {"path": str(sibling / "planted.txt"), "content": "x"})
    assert written.get("isError") is True, written
    assert not (sibling / "planted.txt").exists()
    assert (own / "mine.txt").read_text() == "mine"


def test_a_workdir_with_a_star_and_a_combining_mark_stays_out_of_its_sibling(spawn, write_config, tmp_path):
    own, sibling = _siblings(tmp_path)
    # TOML's \u escape keeps the file ASCII; the loader decodes it to the same bytes as the directory.
    workdir = str(own).replace(COMBINING, "\\u0301")
    config = write_config(
        f"""\
        [[clients]]
        id = "c"
        workdir = "{workdir}"
        permissions = ["file_read", "file_write"]
        """
    )
    server = spawn("--config", config, "--client", "c")
    server.initialize()
    _assert_sibling_is_out_of_reach(server, own, sibling)
    server.finish()


def test_a_granted_directory_with_a_star_and_a_combining_mark_stays_out_of_its_sibling(spawn, tmp_path):
    own, sibling = _siblings(tmp_path)
    # `bastion serve DIR` grants read and write on DIR to the default client.
    server = spawn(str(own))
    server.initialize()
    _assert_sibling_is_out_of_reach(server, own, sibling)
    server.finish()

