"""Audit durability (issue 4): rotation that keeps one chain across files, fail-closed refusal while the
log cannot be written, and the RFC 5424 syslog copy. Drives the built binary over stdio."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import StdioClient


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def rotation_config(write_config, state_home: Path, keep: int) -> Path:
    return write_config(
        f"""
        [server]
        diagnostics = true
        audit_log = "{state_home}/audit.jsonl"
        audit_max_bytes = 4096
        audit_keep = {keep}
        [[clients]]
        id = "local"
        permissions = ["file_read"]
        """
    )


def chain_files(state_home: Path) -> list[Path]:
    """The audit files oldest first: audit.jsonl.N … audit.jsonl.1, audit.jsonl."""
    rotated = sorted(state_home.glob("audit.jsonl.[0-9]*"), key=lambda p: int(p.suffix[1:]), reverse=True)
    return rotated + [state_home / "audit.jsonl"]


def test_rotation_keeps_one_chain_across_files(spawn, run_cli, write_config, state_home: Path):
    config = rotation_config(write_config, state_home, keep=2)
    server = spawn("--config", config)
    server.initialize()
    for n in range(60):
        server.call_tool("echo", {"text": f"call {n} " + "x" * 100})
    server.close()
    files = chain_files(state_home)
    assert [f.name for f in files] == ["audit.jsonl.2", "audit.jsonl.1", "audit.jsonl"]
    assert all(f.stat().st_size <= 4096 for f in files)
    assert (files[0].stat().st_mode & 0o777) == 0o400 and (files[2].stat().st_mode & 0o777) == 0o600
    first = json.loads(lines_of(files[2])[0])
    assert first["event"] == "rotate" and first["rotated_from"] == "audit.jsonl.1"
    assert first["prev"] == json.loads(lines_of(files[1])[-1])["hash"]
    out = run_cli("audit", "verify", *files)
    assert out.returncode == 0, (out.stdout, out.stderr)
    verdicts = out.stdout.splitlines()
    assert f"(continues {files[0]} from seq " in verdicts[1]
    assert f"(continues {files[1]} from seq " in verdicts[2]
    # Alone, a continuation file is intact and says where it continues from.
    alone = run_cli("audit", "verify", files[1])
    assert alone.returncode == 0 and "continues a chain from seq" in alone.stdout, alone.stdout
    # Out of order, the break is named.
    swapped = run_cli("audit", "verify", files[1], files[0])
    assert swapped.returncode == 1, swapped.stdout
    # The head protects the newest file's tail.
    head = json.loads((state_home / "audit.jsonl.head").read_text())
    assert head["hash"] == json.loads(lines_of(files[2])[-1])["hash"]


def test_two_servers_follow_each_others_rotations(spawn, run_cli, write_config, state_home: Path):
    config = rotation_config(write_config, state_home, keep=50)
    first, second = spawn("--config", config), spawn("--config", config)
    first.initialize()
    second.initialize()
    for n in range(40):
        first.call_tool("echo", {"text": f"first {n} " + "y" * 80})
        second.call_tool("echo", {"text": f"second {n} " + "y" * 80})
    first.close()
    second.close()
    files = chain_files(state_home)
    assert len(files) >= 4
    out = run_cli("audit", "verify", *files)
    assert out.returncode == 0, (out.stdout, out.stderr)
    records = [json.loads(line) for f in files for line in lines_of(f)]
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert sum(1 for r in records if r.get("method") == "tools/call") == 80


def test_requests_are_refused_while_the_audit_log_cannot_be_written(spawn, write_config):
    # /dev/full: every write fails with ENOSPC.
    config = write_config(
        """
        [server]
        diagnostics = true
        audit_log = "/dev/full"
        [[clients]]
        id = "local"
        permissions = ["file_read"]
        """
    )
    server = spawn("--config", config)
    resp = server.request(
        "initialize",
        {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    )
    assert resp["error"]["code"] == -32603, resp
    assert resp["error"]["message"] == "audit log unavailable: No space left on device", resp
    again = server.request("tools/list", {})
    assert again["error"]["code"] == -32603, again
    server.close(expect_code=None)
    # Said once on stderr, however many requests are refused.
    assert server.stderr.count("refusing requests until it is writable") == 1, server.stderr


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    """A 600 KiB tmpfs, mounted for the test (root only) and unmounted after it; 0711 so that
    nobody, the children's run_as user, reaches the workdir in it."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k,mode=0711", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_leaves_only_whole_records_and_a_verifiable_log(
    spawn, run_cli, write_config, small_tmpfs: Path
):
    # The log and the client's workdir share a small file system; the client fills it.
    workdir = small_tmpfs / "wd"
    workdir.mkdir(mode=0o700)
    log = small_tmpfs / "audit.jsonl"
    config = write_config(
        f"""
        [server]
        audit_log = "{log}"
        [[clients]]
        id = "filler"
        workdir = "{workdir}"
        permissions = ["file_read", "file_write"]
        """
    )
    server = spawn("--config", config, "--client", "filler")
    server.initialize()
    refused = None
    for n in range(1000):
        response = server.request(
            "tools/call", {"name": "write_file", "arguments": {"path": f"f{n}.txt", "content": "x" * 3000}}
        )
        if "error" in response:
            refused = response["error"]
            break
    assert refused is not None, "the file system never filled up"
    assert refused["code"] == -32603 and refused["message"].startswith("audit log unavailable"), refused
    # Nothing but whole records, even right after the failed write.
    assert log.read_bytes().endswith(b"\n"), log.read_bytes()[-200:]
    for path in workdir.iterdir():
        path.unlink()
    answer = server.request("tools/call", {"name": "write_file", "arguments": {"path": "after.txt", "content": "ok"}})
    assert "result" in answer, answer
    server.close()
    records = [json.loads(line) for line in lines_of(log)]  # every line is a record
    recovered = [r for r in records if r.get("event") == "audit-recovered"]
    assert recovered and recovered[0]["lost"] >= 1, records[-3:]
    verdict = run_cli("audit", "verify", log)
    assert verdict.returncode == 0, (verdict.stdout, verdict.stderr)
    assert "chain intact" in verdict.stdout and "warning" not in verdict.stderr, (verdict.stdout, verdict.stderr)


def test_records_and_heads_reach_a_udp_syslog_receiver(spawn, write_config, state_home: Path):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    port = receiver.getsockname()[1]
    config = write_config(
        f"""
        [server]
        diagnostics = true
        audit_log = "{state_home}/audit.jsonl"
        audit_syslog = "udp://127.0.0.1:{port}"
        audit_syslog_facility = "local0"
        [[clients]]
        id = "local"
        permissions = ["file_read"]
        """
    )
    server = spawn("--config", config)
    server.initialize()
    server.call_tool("echo", {"text": 'quote " and ] bracket'})
    server.close()
    lines = [line.rstrip(b"\n").decode() for line in lines_of(state_home / "audit.jsonl")]
    shape = re.compile(
        r'^<(\d+)>1 (\S+) (\S+) bastion (\d+) (audit|audit-head) \[bastion@32473 ((?:[a-z]+="(?:[^"\\\]]|\\.)*" ?)+)\] (.*)$'
    )
    records, heads = [], []
    while len(records) < len(lines):
        message = receiver.recv(65536).decode()
        match = shape.match(message)
        assert match, message
        (heads if match.group(5) == "audit-head" else records).append(match)
    for match, line in zip(records, lines):
        record = json.loads(line)
        assert match.group(1) == "133"  # local0 (16) * 8 + notice (5)
        assert match.group(2) == record["ts"]
        assert match.group(7) == line
        assert f'seq="{record["seq"]}" hash="{record["hash"]}"' in match.group(6)
        assert f'event="{record["event"]}"' in match.group(6)
    receiver.close()


def test_check_config_shows_and_checks_the_new_keys(run_cli, write_config):
    good = write_config(
        """
        [server]
        audit_max_bytes = 0
        audit_keep = 3
        audit_syslog = "tcp://[::1]:6514"
        [[clients]]
        id = "local"
        permissions = ["file_read"]
        """,
        "good.toml",
    )
    out = run_cli("check-config", good)
    assert out.returncode == 0, out.stderr
    for line in ("audit_max_bytes = 0", "audit_keep = 3", 'audit_syslog = "tcp://[::1]:6514"',
                 'audit_syslog_facility = "authpriv"'):
        assert line in out.stdout.splitlines(), out.stdout
    bad = write_config('[server]\naudit_syslog = "syslog:514"\n[[clients]]\nid = "x"\n', "bad.toml")
    out = run_cli("check-config", bad)
    assert out.returncode != 0
    assert "bad.toml" in out.stderr and "server.audit_syslog" in out.stderr and ":2" in out.stderr, out.stderr
