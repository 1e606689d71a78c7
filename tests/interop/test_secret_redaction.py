"""Issue 9 B7: secrets sent as arguments by a real client never reach the disk, syslog or stderr.

The official Python `mcp` client sends a corpus of secrets — bearer tokens, a JWT, a PEM private key,
GitHub/Slack/AWS/OpenAI-style tokens, `password=` / `token:` assignments, a URL password — in every
place a client controls: string arguments, paths, `command[]` and `env` of a call, a resource URI, a
tool name, and its own `clientInfo.name`. Then the whole state directory (audit log, head, workdir),
the syslog copy (a UDP receiver) and the server's stderr are searched for each secret.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from mcp.types import Implementation

from fs_support import run_official

# (what is sent, the secret part of it that must never be written)
CORPUS: list[tuple[str, str]] = [
    ("Authorization: Bearer b3arerT0kenValue.0123456789abcdefXYZ", "b3arerT0kenValue.0123456789abcdefXYZ"),
    ("curl -H 'authorization: token gho_0123456789abcdefghijABCDEFGHIJ012345'", "0123456789abcdefghijABCDEFGHIJ012345"),
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.q7YvPyXGq3m9vLw0kQ2bJxHn4gTz8sR1uE5cW6dA0fI",
        "q7YvPyXGq3m9vLw0kQ2bJxHn4gTz8sR1uE5cW6dA0fI",
    ),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
    ),
    ("ghp_R2d2C3poB1a2b3c4d5e6f7g8h9i0j1k2l3m4", "R2d2C3poB1a2b3c4d5e6f7g8h9i0j1k2l3m4"),
    (
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01",
    ),
    ("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "AbCdEfGhIjKlMnOpQrStUvWx"),
    ("AKIAQWERTYUIOPASDFGH", "AKIAQWERTYUIOPASDFGH"),
    ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"),
    ("sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe", "Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe"),
    ("password=Hunter2-Correct-Horse", "Hunter2-Correct-Horse"),
    ('{"client_secret": "cs-9a8b7c6d5e4f3a2b"}', "cs-9a8b7c6d5e4f3a2b"),
    ("postgres://app:Sup3rS3cretDbPass@db.internal:5432/app", "Sup3rS3cretDbPass"),
]


@pytest.fixture
def syslog_receiver():
    """A UDP syslog receiver collecting every datagram until closed."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                received.append(sock.recv(65536))
            except socket.timeout:
                continue

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield sock.getsockname()[1], received
    stop.set()
    thread.join(timeout=2)
    sock.close()


def config_text(state_home: Path, port: int) -> str:
    return f"""
[server]
diagnostics = true
log_level = "debug"
audit_syslog = "udp://127.0.0.1:{port}"

[[clients]]
id = "local"
permissions = ["file_read"]

[[clients]]
id = "nobody"
permissions = []
"""


async def send_everything(session: ClientSession, _init: Any) -> list[Any]:
    results: list[Any] = []
    for sent, _ in CORPUS:
        results.append(await session.call_tool("echo", {"text": sent}))
        results.append(await session.call_tool("read_text_file", {"path": "/nonexistent/" + sent}))
        results.append(await session.call_tool("search_files", {"path": ".", "pattern": sent}))
        if not any(c in sent for c in " \n'\"{}"):  # a URI as a client would send it, unencoded
            try:
                await session.read_resource("file:///nonexistent/" + sent)
            except McpError as error:
                results.append(error)
        try:
            results.append(await session.call_tool(sent[:64], {}))
        except McpError as error:
            results.append(error)
    return results


async def send_a_denied_command(session: ClientSession, _init: Any) -> Any:
    # A call denied at tool level is recorded with its (redacted) arguments: argv and env included.
    return await session.call_tool(
        "read_text_file",
        {
            "path": "notes.txt",
            "command": ["curl", "-H", CORPUS[0][0], "--password", "flag-value-Secret-42", "-d", CORPUS[10][0]],
            "env": {"HOME": "/home/me", "GITHUB_TOKEN": CORPUS[4][0], "HELPER": CORPUS[9][0]},
        },
    )


def everything_written(roots: list[Path]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file():
                files[str(path)] = path.read_bytes()
    return files


def test_no_secret_sent_by_a_client_is_written_anywhere(
    bastion_bin, server_env, write_config, tmp_path, state_home, syslog_receiver
):
    port, received = syslog_receiver
    config = write_config(config_text(state_home, port))
    leaky_name = "evil-client\n2026-01-01T00:00:00 critical bastion: forged line " + CORPUS[4][0] + "\u202e" + "x" * 600
    run_official(
        bastion_bin,
        server_env,
        tmp_path,
        ["--config", config, "--client", "local"],
        send_everything,
        deadline=120,
        client_info=Implementation(name=leaky_name, version="1"),
    )
    denied = run_official(
        bastion_bin, server_env, tmp_path, ["--config", config, "--client", "nobody"], send_a_denied_command
    )
    assert denied.isError

    audit = state_home / "bastion" / "audit.jsonl"
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    calls = [r for r in records if r.get("method") == "tools/call"]
    assert len(calls) >= 4 * len(CORPUS), "the calls were not audited"
    # The records say what was done, with the secrets masked rather than dropped.
    echoes = [r for r in calls if r.get("tool") == "echo"]
    assert any("Bearer <redacted>" in json.dumps(r["args"]) for r in echoes), echoes[:2]
    command_record = [r for r in calls if "command" in r.get("args", {})]
    assert command_record, calls[-3:]
    args = command_record[0]["args"]
    assert args["command"][:2] == ["curl", "-H"] and args["command"][4] == "<redacted>", args
    assert args["env"]["GITHUB_TOKEN"] == "<redacted>" and args["env"]["HOME"] == "/home/me", args

    files = everything_written([state_home, tmp_path / "server-stderr.log"])
    files["<syslog>"] = b"\n".join(received)
    assert received, "nothing reached the syslog receiver"
    stderr = files[str(tmp_path / "server-stderr.log")]
    assert b"Session initialized" in stderr, "the stderr log was not captured"
    for _, secret in CORPUS + [("", "flag-value-Secret-42")]:
        for name, data in files.items():
            assert secret.encode() not in data, f"{secret!r} written to {name}"

    # The client's name is bounded and escaped: no forged log line, no bidi override on stderr.
    assert b"\n2026-01-01T00:00:00 critical" not in stderr
    assert "\u202e".encode() not in stderr
    name_lines = [line for line in stderr.splitlines() if b"client.name=" in line]
    assert name_lines and all(len(line) < 1024 for line in name_lines), name_lines


# Tokens glued to a word (a tool name such as `no_such_tool_<token>`), assignments with a tab or a
# short name, and `name : value` / header-style values after a path-looking prefix.
GLUED_TOKENS: list[tuple[str, str]] = [
    (CORPUS[0][0].removeprefix("Authorization: "), CORPUS[0][1]),  # Bearer …
    (CORPUS[2][0], CORPUS[2][1]),  # a JWT
    (CORPUS[4][0], CORPUS[4][1]),  # ghp_
    (CORPUS[5][0], CORPUS[5][1]),  # github_pat_
    (CORPUS[6][0], CORPUS[6][1]),  # xoxb-
    (CORPUS[7][0], CORPUS[7][1]),  # AKIA
    (CORPUS[9][0], CORPUS[9][1]),  # sk-proj-
    ("sk-ant-api03-Ant1hropicKeyValue0123456789_xyz", "Ant1hropicKeyValue0123456789_xyz"),
    ("glpat-G1tLabT0kenValue012345", "G1tLabT0kenValue012345"),
    ("npm_Npm0123456789abcdefghijABCDEFGHIJ", "Npm0123456789abcdefghijABCDEFGHIJ"),
    ("AIzaSyGoogle0123456789abcdefghijklmnopq", "SyGoogle0123456789abcdefghijklmnopq"),
]
MORE_CORPUS: list[tuple[str, str]] = [
    *[("no_such_tool_" + sent, secret) for sent, secret in GLUED_TOKENS],
    *[("tool" + sent, secret) for sent, secret in GLUED_TOKENS[2:]],  # distinctive prefixes glued to a letter
    ("password\t=TabHunter99", "TabHunter99"),
    ("password \t=\tTabHunter98", "TabHunter98"),
    ("MYSQL_PWD=MysqlPwdHunter1", "MysqlPwdHunter1"),
    ("pass=PassHunter22", "PassHunter22"),
    ("pwd=PwdHunter33", "PwdHunter33"),
    ("Server=db;Uid=me;Pwd=OdbcHunter44;", "OdbcHunter44"),
    ("weird/db_password : Colonhunter77", "Colonhunter77"),
    ("weird/Cookie: session=CookieHunter88", "CookieHunter88"),
    ("weird/Set-Cookie: id=SetCookieHunter5; Path=/", "SetCookieHunter5"),
    ("x/y/X-Api-Key: ApiKeyHunter99", "ApiKeyHunter99"),
    ("x/Proxy-Authorization: Basic UHJveHlIdW50ZXI6c2VjcmV0", "UHJveHlIdW50ZXI6c2VjcmV0"),
    ('{\\"api_key\\": \\"EscapedHunter12\\"}', "EscapedHunter12"),
]


def test_glued_tokens_and_odd_assignments_in_every_field_never_reach_the_disk(
    spawn, write_config, tmp_path, state_home
):
    config = write_config(
        """
        [server]
        log_level = "debug"

        [[clients]]
        id = "local"
        permissions = ["file_read"]
        """
    )
    server = spawn("--config", config, "--client", "local")
    leaky_info = {"name": "client " + MORE_CORPUS[2][0], "version": MORE_CORPUS[-6][0]}
    server.result("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": leaky_info})
    server.notify("notifications/initialized")
    for sent, _ in MORE_CORPUS:
        # The tool name, the method name, the request id, a path, a string argument and a URI.
        server.request("tools/call", {"name": sent, "arguments": {}})
        server.request(sent, {})
        server.request("tools/call", {"name": "read_text_file", "arguments": {"path": "/nonexistent/" + sent}}, id=sent)
        server.request("tools/call", {"name": "read_text_file", "arguments": {"path": "weird/" + sent}})
        server.request("resources/read", {"uri": "file:///nonexistent/" + sent})
        server.request("resources/subscribe", {"uri": "file:///nonexistent/" + sent})
    server.close()

    audit = state_home / "bastion" / "audit.jsonl"
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    assert sum(r.get("method") == "tools/call" for r in records) >= 3 * len(MORE_CORPUS), "the calls were not audited"
    assert any(r.get("tool", "").startswith("no_such_tool_") for r in records), "tool names were not recorded"
    files = everything_written([state_home])
    files["<stderr>"] = server.stderr_bytes()
    for sent, secret in MORE_CORPUS:
        for name, data in files.items():
            assert secret.encode() not in data, f"{secret!r} (sent as {sent!r}) written to {name}"
