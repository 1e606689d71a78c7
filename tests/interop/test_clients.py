"""Clients of different rights in one configuration, isolated contexts, and reload on SIGHUP.

ARCHITECTURE §2–3 and issue 4 point 2: two clients never see each other's rights or workdirs; the
configuration is reloaded with SIGHUP, new rules apply to the next request, the reload is audited,
and a bad new file leaves the old rules in force with an error on stderr.
"""

from __future__ import annotations

import os

import asyncio
import json
import signal
import time
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import text_of

TWO_CLIENTS = """\
[server]
diagnostics = true

[[clients]]
id = "writer"
permissions = ["file_read", "file_write", "code_execution"]
deny = ["**/.env"]

[[clients]]
id = "reader"
permissions = {reader_permissions}
"""


def two_clients(write_config, reader_permissions: str = "[]") -> Path:
    return write_config(TWO_CLIENTS.format(reader_permissions=reader_permissions))


def audit_records(state_home: Path) -> list[dict]:
    path = state_home / "bastion" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def wait_for_notification(server, method: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.notifications(method):
        assert time.monotonic() < deadline, f"no {method} within {timeout} s"
        try:
            server.others.append(server.recv(timeout=0.2))
        except Exception:  # nothing arrived yet
            pass


def test_two_official_clients_at_once_see_only_their_own_rights(
    bastion_bin, server_env, write_config, tmp_path, state_home, run_cli
):
    """Two stdio servers from one file, driven at the same time by the official client, one audit chain."""
    config = two_clients(write_config)

    async def client(client_id: str) -> dict:
        params = StdioServerParameters(
            command=str(bastion_bin),
            args=["serve", "--config", str(config), "--client", client_id],
            env={k: server_env[k] for k in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")},
            cwd=str(tmp_path),
        )
        with (tmp_path / f"{client_id}-stderr.log").open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    names = {tool.name for tool in (await session.list_tools()).tools}
                    listing = await session.call_tool("list_workdir", {})
                    who = (await session.call_tool("whoami", {})).structuredContent
                    return {"names": names, "listing": listing, "who": who}

    async def main() -> tuple[dict, dict]:
        results: dict[str, dict] = {}
        with anyio.fail_after(30):
            async with anyio.create_task_group() as group:
                for client_id in ("writer", "reader"):

                    async def run(client_id: str = client_id) -> None:
                        results[client_id] = await client(client_id)

                    group.start_soon(run)
        return results["writer"], results["reader"]

    writer, reader = asyncio.run(main())
    assert "list_workdir" in writer["names"]
    assert "list_workdir" not in reader["names"], "a client never sees a tool it lacks the rights for"
    assert not writer["listing"].isError
    assert reader["listing"].isError
    denial = reader["listing"].content[0].text
    assert "file_read" in denial and "Permission denied" in denial, denial
    assert writer["who"]["workdir"] != reader["who"]["workdir"]
    assert reader["who"]["permissions"] == []
    for who in (writer, reader):
        workdir = Path(who["who"]["workdir"])
        # 0700, or as root 0770: the group bits show the ACL mask of the run_as user's entry.
        assert workdir.is_dir() and (workdir.stat().st_mode & 0o777) in ((0o770,) if os.geteuid() == 0 else (0o700,))
    records = audit_records(state_home)
    assert {r.get("client") for r in records if r["event"] == "request"} == {"writer", "reader"}
    denied = [r for r in records if r.get("tool") == "list_workdir" and r.get("decision") == "deny"]
    assert [r["client"] for r in denied] == ["reader"]
    verified = run_cli("audit", "verify", state_home / "bastion" / "audit.jsonl")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_read_only_removes_every_write_and_execution_right(spawn, write_config):
    config = write_config(
        """\
        [server]
        diagnostics = true

        [[clients]]
        id = "careful"
        permissions = ["file_read", "file_write", "code_execution", "system_command:git"]
        read_only = true
        """
    )
    server = spawn("--config", config, "--client", "careful")
    server.initialize()
    who = server.call_tool("whoami", {})["structuredContent"]
    assert who["permissions"] == ["file_read"]
    server.close()


def test_sighup_applies_new_rules_to_the_next_request(spawn, write_config, state_home):
    config = two_clients(write_config)
    server = spawn("--config", config, "--client", "reader")
    caps = server.initialize()["capabilities"]
    assert caps["tools"]["listChanged"] is True
    denied = server.call_tool("list_workdir", {})
    assert denied.get("isError") is True

    two_clients(write_config, reader_permissions='["file_read"]')
    server.proc.send_signal(signal.SIGHUP)
    wait_for_notification(server, "notifications/tools/list_changed")
    assert "list_workdir" in server.tool_names()
    allowed = server.call_tool("list_workdir", {})
    assert allowed.get("isError") in (None, False), allowed

    reloads = [r for r in audit_records(state_home) if r["event"] == "config-reload"]
    assert len(reloads) == 1
    assert reloads[0]["outcome"] == "ok" and reloads[0]["changed"] == ["reader"], reloads
    assert reloads[0]["file"].endswith("bastion.toml")
    assert "Configuration reloaded" in server.stderr
    server.close()


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ('permissions = ["file_exec"]', 'unknown permission type "file_exec"'),
        ('permissions = ["file_read:/x/a**"]', 'invalid glob "/x/a**"'),
        ('permissions = ["custom:git.push"]', 'unknown permission "custom:git.push"'),
    ],
)
def test_a_bad_reload_keeps_the_old_rules(spawn, write_config, state_home, bad_line, expected):
    config = two_clients(write_config, reader_permissions='["file_read"]')
    server = spawn("--config", config, "--client", "reader")
    server.initialize()
    assert "list_workdir" in server.tool_names()

    config.write_text(config.read_text().replace('permissions = ["file_read"]', bad_line))
    server.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "reload failed" in server.stderr)
    assert f"bastion.toml:11:" in server.stderr, server.stderr
    assert "clients[1].permissions" in server.stderr and expected in server.stderr, server.stderr
    # The old rules are still in force, for listing and for calling.
    assert "list_workdir" in server.tool_names()
    assert server.call_tool("list_workdir", {}).get("isError") in (None, False)
    assert not server.notifications("notifications/tools/list_changed")

    reloads = [r for r in audit_records(state_home) if r["event"] == "config-reload"]
    assert [r["outcome"] for r in reloads] == ["error"]
    assert expected in reloads[0]["error"]
    server.close()


def test_sighup_without_a_file_is_ignored_and_audited(spawn, state_home):
    server = spawn("--diagnostics")
    server.initialize()
    server.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "SIGHUP ignored" in server.stderr)
    assert text_of(server.call_tool("echo", {"text": "alive"})) == "alive"
    reloads = [r for r in audit_records(state_home) if r["event"] == "config-reload"]
    assert [r["outcome"] for r in reloads] == ["ignored"]
    server.close()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[clients]]\nid = "a"\npermissions = ["custom:git.push"]\n',
            'bastion.toml:3:16: clients[0].permissions[0]: unknown permission "custom:git.push"',
        ),
        (
            '[[clients]]\nid = "a"\nworkdir = "/tmp/shared"\n[[clients]]\nid = "b"\nworkdir = "/tmp/shared"\n',
            "bastion.toml:6:1: clients[1].workdir: the workdir",
        ),
        (
            '[[clients]]\nid = "a"\ndeny = ["**/.env", "secrets**"]\n',
            'bastion.toml:3:20: clients[0].deny[1]: invalid glob "secrets**"',
        ),
    ],
)
def test_contradictory_or_unknown_settings_are_refused_at_start(spawn, write_config, body, message):
    config = write_config(body)
    server = spawn("--config", config, "--client", "a")
    assert server.proc.wait(timeout=10) != 0
    assert message in server.stderr, server.stderr


def test_an_unknown_client_is_refused_and_audited(spawn, write_config, state_home):
    config = two_clients(write_config)
    server = spawn("--config", config, "--client", "mallory")
    assert server.proc.wait(timeout=10) != 0
    assert 'no client "mallory" is configured' in server.stderr
    failures = [r for r in audit_records(state_home) if r["event"] == "auth-failure"]
    assert len(failures) == 1 and failures[0]["credentials"] == "stdio", failures


def test_a_reload_that_takes_a_file_away_stops_its_change_notifications(spawn, write_config):
    config = two_clients(write_config, reader_permissions='["file_read"]')
    server = spawn("--config", config, "--client", "reader")
    server.initialize()
    workdir = Path(server.call_tool("whoami", {})["structuredContent"]["workdir"])
    watched = workdir / "watched.txt"
    watched.write_text("one")
    uri = "file://" + str(watched)
    assert server.request("resources/subscribe", {"uri": uri}).get("result") == {}
    watched.write_text("two")
    wait_for_notification(server, "notifications/resources/updated")

    two_clients(write_config, reader_permissions="[]")
    server.proc.send_signal(signal.SIGHUP)
    wait_for_notification(server, "notifications/tools/list_changed")
    server.others.clear()
    watched.write_text("three")
    time.sleep(1.0)
    server.others.extend(server.recv_all(0.2))
    assert not server.notifications("notifications/resources/updated"), server.others
    server.close()


def test_a_removed_client_configured_again_does_not_give_a_live_session_its_rights_back(spawn, write_config):
    config = two_clients(write_config, reader_permissions='["file_read"]')
    server = spawn("--config", config, "--client", "reader")
    server.initialize()
    assert server.call_tool("list_workdir", {}).get("isError") in (None, False)

    config.write_text(config.read_text().split("[[clients]]\nid = \"reader\"")[0])
    server.proc.send_signal(signal.SIGHUP)
    wait_for_notification(server, "notifications/tools/list_changed")
    assert server.call_tool("list_workdir", {}).get("isError") is True

    two_clients(write_config, reader_permissions='["file_read"]')
    server.others.clear()
    server.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: server.stderr.count("Configuration reloaded") >= 2)
    # The session of the removed client stays without rights; a new connection would get them.
    assert server.call_tool("list_workdir", {}).get("isError") is True
    server.close()


def test_list_workdir_hides_what_the_deny_rules_hide_from_list_directory(spawn, write_config):
    """Issue 9 review: list_workdir listed names a `deny` rule hides from every other tool."""
    config = write_config(
        '[server]\ndiagnostics = true\n\n[[clients]]\nid = "a"\npermissions = ["file_read", "file_write"]\n'
        'deny = ["**/.env", "**/id_*"]\n'
    )
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    workdir = Path(server.call_tool("whoami", {})["structuredContent"]["workdir"])
    (workdir / ".env").write_text("TOKEN=x")
    (workdir / "id_ed25519").write_text("key")
    (workdir / "notes.txt").write_text("n")
    (workdir / "src").mkdir()
    listing = server.call_tool("list_workdir", {})
    assert not listing.get("isError"), listing
    text = text_of(listing)
    assert "[FILE] notes.txt" in text and "[DIR] src" in text, text
    assert ".env" not in text and "id_ed25519" not in text, text
    reference = server.call_tool("list_directory", {"path": str(workdir)})
    names = sorted(entry["name"] for entry in reference["structuredContent"]["entries"])
    assert names == ["notes.txt", "src"], names
    assert sorted(line.split(" ", 1)[1] for line in text.splitlines()[:2]) == names, text
    server.close()
