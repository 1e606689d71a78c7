"""The server is undumpable: no other process of its user may read its memory or environment.

A non-root server's children see the host's /proc (a private procfs needs a PID namespace), and
any program the person runs as the same user could otherwise read `/proc/<server>/environ` and
`/proc/<server>/mem` — where tokens, keys and every client's data live. `PR_SET_DUMPABLE = 0`
makes those files root's. The probe here runs OUTSIDE any sandbox, as the server's own user, which
is the weakest position such a reader can be in; it fails without the prctl.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

NOBODY = 65534
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="switches to another user for server and probe")


@pytest.fixture
def home():
    """A directory of nobody's own, outside pytest's 0700 tmp tree (which nobody cannot enter)."""
    path = Path(tempfile.mkdtemp(prefix="bastion-undumpable-"))
    os.chown(path, NOBODY, NOBODY)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_process_of_the_servers_own_user_cannot_read_its_environment_or_memory(bastion_bin: Path, home: Path):
    config = home / "bastion.toml"
    config.write_text(
        f'[server]\naudit_log = "{home}/audit.jsonl"\n\n[[clients]]\nid = "a"\nworkdir = "{home}/work"\n'
        'permissions = ["file_read"]\n'
    )
    os.chown(config, NOBODY, NOBODY)
    marker = "UNDUMPABLE-MARKER-7f3a"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_STATE_HOME": f"{home}/state",
           "XDG_CONFIG_HOME": f"{home}/config", "XDG_RUNTIME_DIR": f"{home}/run", "SECRET_FOR_TEST": marker}
    server = subprocess.Popen(AS_NOBODY + [str(bastion_bin), "serve", "--config", str(config), "--client", "a"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
        server.stdin.write((json.dumps(hello) + "\n").encode())
        server.stdin.flush()
        answer = server.stdout.readline()
        assert b'"result"' in answer, (answer, server.stderr.read1(4096) if server.poll() is not None else b"")
        # /proc/<pid> itself keeps the user's name (ps needs it); the per-process files do not.
        assert os.stat(f"/proc/{server.pid}/environ").st_uid == 0, "the server's environ still belongs to its user"
        probe = subprocess.run(
            AS_NOBODY + ["python3", "-c", f"""
import sys
for name in ("environ", "mem"):
    try:
        with open("/proc/{server.pid}/" + name, "rb") as f:
            print(name, "READ", f.read(4096) if name == "environ" else b"")
    except PermissionError as e:
        print(name, "DENIED")
"""],
            capture_output=True, env={"PATH": "/usr/bin:/bin"}, timeout=30,
        )
        out = probe.stdout.decode()
        assert "environ DENIED" in out and "mem DENIED" in out, out + probe.stderr.decode()
        assert marker not in out
    finally:
        server.kill()
        server.wait(timeout=10)
