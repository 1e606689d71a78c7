"""`isolation = "process"` is refused until it is implemented (issue 9, B2).

Accepting it would promise a worker process per client while the calls still run in the server.
Start-up, `bastion check-config` and a reload on SIGHUP all refuse it, naming the file, the line
and the key.
"""

from __future__ import annotations

import signal
import time

CONFIG = """\
[server]
diagnostics = true

[[clients]]
id = "a"
permissions = ["file_read"]
isolation = "{isolation}"
"""
LINE = 7  # the isolation line above
KEY = "clients[0].isolation"


def _wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_serve_refuses_process_isolation(spawn, write_config):
    config = write_config(CONFIG.format(isolation="process"))
    server = spawn("--config", config, "--client", "a")
    assert server.proc.wait(timeout=10) != 0
    assert f"bastion.toml:{LINE}:" in server.stderr, server.stderr
    assert KEY in server.stderr and "not implemented" in server.stderr, server.stderr


def test_check_config_refuses_process_isolation(run_cli, write_config):
    path = write_config(CONFIG.format(isolation="process"))
    proc = run_cli("check-config", path)
    assert proc.returncode != 0, proc.stdout
    assert f"bastion.toml:{LINE}:" in proc.stderr and KEY in proc.stderr, proc.stderr
    assert "not implemented" in proc.stderr, proc.stderr


def test_in_process_isolation_is_accepted(run_cli, write_config):
    proc = run_cli("check-config", write_config(CONFIG.format(isolation="in-process")))
    assert proc.returncode == 0, proc.stderr
    assert 'isolation = "in-process"' in proc.stdout


def test_a_reload_to_process_isolation_is_refused_and_the_old_rules_stay(spawn, write_config):
    config = write_config(CONFIG.format(isolation="in-process"))
    server = spawn("--config", config, "--client", "a")
    server.initialize()
    assert "list_workdir" in server.tool_names()

    config.write_text(CONFIG.format(isolation="process"))
    server.proc.send_signal(signal.SIGHUP)
    _wait_for(lambda: "reload failed" in server.stderr)
    assert f"bastion.toml:{LINE}:" in server.stderr and KEY in server.stderr, server.stderr
    assert server.call_tool("list_workdir", {}).get("isError") in (None, False)
    server.close()
