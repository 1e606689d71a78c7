"""The command line: --help, --version, check-config (good and bad files), unknown client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FULL_CONFIG


def _line_of(text: str, needle: str) -> int:
    """1-based line number of the first line of `text` containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise ValueError(needle)


def _names_line(stderr: str, line: int) -> bool:
    return re.search(rf"(?i)(line\s*:?\s*{line}\b|:{line}(?::\d+)?\b)", stderr) is not None


def test_help(run_cli):
    proc = run_cli("--help")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    for word in ("serve", "check-config"):
        assert word in out, out


def test_serve_help_lists_options(run_cli):
    proc = run_cli("serve", "--help")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    for option in ("--config", "--client", "--diagnostics"):
        assert option in out, out


def test_version(run_cli):
    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and re.search(r"\d+\.\d+", lines[0]), proc.stdout


@pytest.mark.parametrize("args", [["frobnicate"], ["serve", "--no-such-flag"]])
def test_bad_usage_fails(run_cli, args):
    proc = run_cli(*args)
    assert proc.returncode != 0
    assert proc.stderr.strip(), "a usage error explains itself on stderr"
    assert proc.stdout.strip() == "" or "usage" in proc.stdout.lower()


def test_check_config_good(run_cli, full_config):
    proc = run_cli("check-config", full_config)
    assert proc.returncode == 0, proc.stderr
    for word in ("full", "restricted", "file_read", "review"):
        assert word in proc.stdout, proc.stdout


def test_check_config_warns_about_grants_that_run_any_program(run_cli, write_config):
    """Review 4, finding 6: `system_command:git` lets the client run anything through git's
    arguments (`git -c alias.x='!sh' x`): valid, but said on stderr, naming the client."""
    path = write_config('[[clients]]\nid = "builder"\npermissions = ["system_command:git", "system_command:ls"]\n')
    proc = run_cli("check-config", path)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and 'client "builder"' in warnings[0] and "system_command:git" in warnings[0], proc.stderr
    assert "warning" not in proc.stdout


def test_check_config_missing_file(run_cli, tmp_path):
    missing = tmp_path / "missing-config.toml"
    proc = run_cli("check-config", missing)
    assert proc.returncode != 0
    assert "missing-config.toml" in proc.stderr, proc.stderr


BAD_CONFIGS = {
    "unknown-client-key": (
        FULL_CONFIG.replace('id = "restricted"\n', 'id = "restricted"\npermisions = ["file_read"]\n'),
        "permisions",
    ),
    "unknown-server-key": (FULL_CONFIG.replace("diagnostics = true", "diagnostics = true\ndiagnostix = 1"), "diagnostix"),
    "wrong-type": (FULL_CONFIG.replace("diagnostics = true", 'diagnostics = "yes"'), "diagnostics"),
    "unknown-permission": (
        FULL_CONFIG.replace('permissions = []', 'permissions = ["file_reed"]'),
        "file_reed",
    ),
    "unknown-table": (FULL_CONFIG + '\n[frobnicator]\nspeed = 3\n', "frobnicator"),
    "client-without-id": (FULL_CONFIG + '\n[[clients]]\npermissions = ["file_read"]\n', None),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_check_config_bad_names_file_line_and_key(run_cli, write_config, case):
    text, key = BAD_CONFIGS[case]
    path = write_config(text, f"bad-{case}.toml")
    proc = run_cli("check-config", path)
    assert proc.returncode != 0, proc.stdout
    assert path.name in proc.stderr, proc.stderr
    if key is not None:
        assert key in proc.stderr, proc.stderr
        assert _names_line(proc.stderr, _line_of(text, key)), f"line {_line_of(text, key)} not named:\n{proc.stderr}"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[server]\ndiagnostics = true\n\n[[clients]]\nid = "x\n', 5),
        ('[server]\ndiagnostics = \n', 2),
    ],
    ids=["unterminated-string", "missing-value"],
)
def test_check_config_syntax_error_names_line(run_cli, write_config, text, line):
    path = write_config(text, "syntax.toml")
    proc = run_cli("check-config", path)
    assert proc.returncode != 0
    assert "syntax.toml" in proc.stderr, proc.stderr
    assert _names_line(proc.stderr, line) or _names_line(proc.stderr, line + 1), proc.stderr


def test_serve_refuses_bad_config(run_cli, write_config):
    text, key = BAD_CONFIGS["unknown-client-key"]
    path = write_config(text, "serve-bad.toml")
    proc = run_cli("serve", "--config", path)
    assert proc.returncode != 0
    assert "serve-bad.toml" in proc.stderr and key in proc.stderr, proc.stderr
    assert proc.stdout == "", "nothing on stdout: it is the protocol channel"


@pytest.mark.parametrize("with_config", [True, False])
def test_unknown_client_fails_at_start(run_cli, full_config, with_config):
    args = ["serve", "--client", "nobody-by-that-name"]
    if with_config:
        args += ["--config", str(full_config)]
    proc = run_cli(*args, timeout=15)
    assert proc.returncode != 0
    assert "nobody-by-that-name" in proc.stderr, proc.stderr
    assert proc.stdout == ""


def test_serve_missing_config_file(run_cli, tmp_path: Path):
    proc = run_cli("serve", "--config", tmp_path / "absent.toml", timeout=15)
    assert proc.returncode != 0
    assert "absent.toml" in proc.stderr, proc.stderr


def test_serve_missing_directory_argument(run_cli, tmp_path: Path):
    proc = run_cli("serve", tmp_path / "no-such-dir", timeout=15)
    assert proc.returncode != 0
    assert "no-such-dir" in proc.stderr, proc.stderr
    assert proc.stdout == ""
