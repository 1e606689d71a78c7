"""run_as end to end: a root server runs its children as an unprivileged user (issue 10, item 2).

The interop tests run as root here. By default children run as `nobody` (uid 65534); the workdir
stays root's, mode 0700, shared with that user through a POSIX ACL (access and default), so files
the file tools write are usable by the child and the child's files by the file tools. `sudo: true`
(with `code_execution_sudo`) and an explicit `run_as = "root"` keep uid 0 (without capabilities).
"""

from __future__ import annotations

import os
import pwd
import stat
import struct
import time
from pathlib import Path

import pytest

from conftest import LATEST, StdioClient, text_of
from test_execution import connect  # noqa: F401 - the fixture, over this file's config

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="run_as applies to a server running as root")

NOBODY = pwd.getpwnam("nobody").pw_uid

CONFIG = """\
[[clients]]
id = "coder"
permissions = ["file_read", "file_write", "code_execution", "system_command:*"]

[[clients]]
id = "rooted"
run_as = "root"
permissions = ["file_read", "file_write", "system_command:*"]

[[clients]]
id = "sudoer"
permissions = ["file_read", "file_write", "system_command:*", "code_execution_sudo"]

[[clients]]
id = "numeric"
run_as = "65534"
permissions = ["system_command:*"]
"""


@pytest.fixture
def config(write_config) -> Path:
    return write_config(CONFIG)


UNDEFINED = 0xFFFFFFFF


def acl_entries(path: Path, name: str) -> list[tuple[int, int, int]]:
    """A POSIX ACL extended attribute decoded: (tag, permissions, id) per entry."""
    raw = os.getxattr(path, name)
    assert struct.unpack_from("<I", raw)[0] == 2
    return [struct.unpack_from("<HHI", raw, offset) for offset in range(4, len(raw), 8)]


def run(server: StdioClient, *argv: str, **extra) -> dict:
    return server.call_tool("run_command", {"command": list(argv), **extra})


def stdout(result: dict) -> str:
    assert result.get("isError") is not True, result
    return result["structuredContent"]["stdout"]


def test_children_run_as_nobody_by_default(connect, state_home: Path):
    server = connect("coder")
    result = run(server, "id", "-u")
    assert stdout(result) == f"{NOBODY}\n"
    assert result["structuredContent"]["uid"] == NOBODY
    assert f"Ran as uid {NOBODY}" in text_of(result)
    assert result["structuredContent"]["sandbox"]["user"]["uid"] == NOBODY
    workdir = state_home / "bastion" / "clients" / "coder"
    info = workdir.stat()
    # Root's directory; the group bits are the ACL mask (the owning group's entry is empty).
    assert info.st_uid == 0 and stat.S_IMODE(info.st_mode) == 0o770, oct(info.st_mode)
    # Exactly: owner rwx, nobody rwx, owning group nothing, mask rwx, others nothing.
    expected = [(0x01, 7, UNDEFINED), (0x02, 7, NOBODY), (0x04, 0, UNDEFINED), (0x10, 7, UNDEFINED), (0x20, 0, UNDEFINED)]
    assert acl_entries(workdir, "system.posix_acl_access") == expected
    assert acl_entries(workdir, "system.posix_acl_default") == expected
    server.finish()


def test_numeric_run_as_and_an_interpreter_on_the_system_path(connect):
    server = connect("numeric")
    assert stdout(run(server, "id", "-u")) == f"{NOBODY}\n"
    assert stdout(run(server, "python3", "-c", "import os; print(os.getuid(), os.environ['PATH'])")).startswith(
        f"{NOBODY} /"
    )
    server.finish()


def test_run_code_runs_as_nobody_with_a_writable_home_and_tmpdir(connect):
    server = connect("coder")
    code = (
        "import os, tempfile\n"
        "open(os.path.join(os.environ['HOME'], 'home.txt'), 'w').write('h')\n"
        "with tempfile.NamedTemporaryFile(dir=os.environ['TMPDIR']) as f: f.write(b'x')\n"
        "print(os.getuid())\n"
    )
    result = server.call_tool("run_code", {"language": "python3", "code": code})
    assert stdout(result) == f"{NOBODY}\n", result
    server.finish()


def test_run_as_root_keeps_uid_zero(connect):
    server = connect("rooted")
    result = run(server, "id", "-u")
    assert stdout(result) == "0\n"
    assert result["structuredContent"]["uid"] == 0
    server.finish()


def test_sudo_with_the_grant_runs_as_root_and_without_it_is_denied(connect):
    sudoer = connect("sudoer")
    assert stdout(run(sudoer, "id", "-u")) == f"{NOBODY}\n"
    assert stdout(run(sudoer, "id", "-u", sudo=True)) == "0\n"
    sudoer.finish()
    coder = connect("coder")
    denied = run(coder, "id", "-u", sudo=True)
    assert denied.get("isError") is True and "code_execution_sudo" in text_of(denied), denied
    coder.finish()


def test_files_of_the_file_tools_and_of_the_child_are_shared(connect, state_home: Path):
    server = connect("coder")
    assert server.call_tool("write_file", {"path": "notes.txt", "content": "one\n"}).get("isError") is not True
    assert server.call_tool("create_directory", {"path": "sub/deeper"}).get("isError") is not True
    script = "cat notes.txt && echo two >> notes.txt && echo made > sub/deeper/child.txt && mkdir own && echo x > own/f"
    assert stdout(run(server, "sh", "-c", script)) == "one\n"
    read = server.call_tool("read_text_file", {"path": "notes.txt"})
    assert text_of(read) == "one\ntwo\n", read
    made = server.call_tool("read_text_file", {"path": "sub/deeper/child.txt"})
    assert text_of(made) == "made\n", made
    assert text_of(server.call_tool("read_text_file", {"path": "own/f"})) == "x\n"
    # The server rewrites a file the child created, and the child can still append to it.
    assert server.call_tool("write_file", {"path": "own/f", "content": "y\n"}).get("isError") is not True
    assert stdout(run(server, "sh", "-c", "echo z >> own/f && cat own/f")) == "y\nz\n"
    assert (state_home / "bastion" / "clients" / "coder" / "own").stat().st_uid == NOBODY
    server.finish()


def test_the_child_cannot_read_the_servers_environ_or_the_audit_log(connect, state_home: Path):
    server = connect("coder")
    audit = state_home / "bastion" / "audit.jsonl"
    assert audit.exists()
    probe = (
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        open(path, 'rb').read(1); print(path, 'READ')\n"
        "    except OSError as error:\n"
        "        print(path, type(error).__name__)\n"
    )
    result = run(server, "python3", "-c", probe, f"/proc/{server.proc.pid}/environ", str(audit))
    out = stdout(result)
    assert "READ" not in out and out.count("Error") == 2, out
    server.finish()


def test_a_workdir_the_run_as_user_cannot_reach_is_a_clear_error(spawn, write_config, tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o700)
    locked.chmod(0o700)
    config = write_config(
        f"""\
        [[clients]]
        id = "boxed"
        workdir = "{locked}/work"
        permissions = ["system_command:*"]
        """
    )
    server = spawn("--config", config, "--client", "boxed")
    code = server.proc.wait(timeout=30)
    server._stderr_thread.join(timeout=2)
    assert code != 0
    assert f"{locked}" in server.stderr and "cannot be reached by nobody" in server.stderr, server.stderr


def test_an_unknown_run_as_user_is_a_configuration_error(run_cli, write_config):
    config = write_config('[[clients]]\nid = "x"\nrun_as = "no-such-user-here"\n')
    result = run_cli("check-config", config)
    assert result.returncode != 0
    assert "run_as" in result.stderr and "no-such-user-here" in result.stderr, result.stderr


def test_check_config_renders_run_as_and_warns_about_root(run_cli, config: Path):
    result = run_cli("check-config", config)
    assert result.returncode == 0, result.stderr
    assert 'run_as = "nobody"' in result.stdout and 'run_as = "root"' in result.stdout
    assert "warning" in result.stderr and '"rooted"' in result.stderr and "uid 0" in result.stderr, result.stderr


def test_a_write_root_nobody_cannot_write_is_left_out(spawn, write_config, tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    config = write_config(
        f"""\
        [[clients]]
        id = "wide"
        permissions = ["file_read", "file_write:{shared}/**", "code_execution:unrestricted", "system_command:*"]
        """
    )
    server = spawn("--config", config, "--client", "wide")
    server.initialize(LATEST)
    result = run(server, "true")
    excluded = result["structuredContent"].get("excludedWriteRoots", [])
    assert any(str(shared) in entry and "nobody" in entry for entry in excluded), result
    assert "Left out of the write set" in text_of(result)
    server.finish()


def test_a_child_cannot_replace_the_code_of_a_run(connect):
    """Review 9, finding 7: the code file the interpreter reads is the server's, outside the workdir,
    so no child of the client (a session still running, say) can swap the code of a later run
    between its approval and its start: what runs is what was shown and audited."""
    server = connect("coder")
    probe = (
        'echo "path=$0"; '
        'echo evil > "$0" 2>/dev/null && echo WROTE; '
        'mv "$0" "$0.moved" 2>/dev/null && echo MOVED; '
        'ls "$(dirname "$0")" 2>/dev/null | grep -v "^$(basename "$0")$" | grep . && echo LISTED; '
        'cat "$0" | head -c 4'
    )
    result = server.call_tool("run_code", {"language": "sh", "code": probe})
    out = result["structuredContent"]["stdout"]
    assert result["structuredContent"]["exitCode"] == 0, result
    path = out.split("path=", 1)[1].split("\n", 1)[0]
    assert path.startswith("/tmp/bastion-code-") and "/.tmp/" not in path, out
    for forbidden in ("WROTE", "MOVED", "LISTED"):
        assert forbidden not in out, out
    assert out.rstrip().endswith("echo"), out
    assert not Path(path).exists(), "the code file is removed once the run ends"
    server.close()


def test_a_root_child_makes_no_set_id_file_and_leaves_the_hosts_dev_null_alone(connect):
    """Review 9, finding 10: a `sudo` child (uid 0, no capabilities) made a set-user-ID-root copy of
    `id` that ran as root for `nobody` on the host, and changed the mode of the host's `/dev/null`
    through its writable bind. Set-ID modes are refused (chmod, and open/creat that create), and
    /dev/null is bound read-only (writing to it still works)."""
    sudoer = connect("sudoer")
    script = (
        "cp /usr/bin/id ./rootid; chmod 4755 ./rootid 2>/dev/null && echo CHMOD_SETUID; "
        "chmod g+s ./rootid 2>/dev/null && echo CHMOD_SETGID; "
        "python3 -c 'import os; os.open(\"made\", os.O_CREAT | os.O_WRONLY, 0o4755)' 2>/dev/null && echo OPEN_SETUID; "
        "chmod 0666 /dev/null 2>/dev/null && echo CHMOD_DEVNULL; "
        "touch /dev/null 2>/dev/null && echo TOUCH_DEVNULL; "
        "echo discarded > /dev/null && echo WRITE_DEVNULL; "
        "chmod 0755 ./rootid && echo CHMOD_PLAIN"
    )
    out = stdout(run(sudoer, "sh", "-c", script, sudo=True))
    for refused in ("CHMOD_SETUID", "CHMOD_SETGID", "OPEN_SETUID", "CHMOD_DEVNULL", "TOUCH_DEVNULL"):
        assert refused not in out, out
    assert "WRITE_DEVNULL" in out and "CHMOD_PLAIN" in out, out
    assert not os.stat("/dev/null").st_mode & 0o6000
    sudoer.finish()


def test_no_child_or_file_tool_reaches_the_code_directory(spawn, write_config, server_env, tmp_path):
    """Review 10, finding 2: the code directory (`/tmp/bastion-code-*`) was no protected path, so a
    uid-0 child with a write root holding /tmp swapped the code of later runs. A write root holding
    it is now left out, and the file tools refuse it."""
    import shutil
    import uuid

    base = Path("/var/tmp") / f"bastion-test-{uuid.uuid4().hex[:12]}"  # outside /tmp: nothing else excludes /tmp
    (base / "state").mkdir(parents=True)
    try:
        server_env["XDG_STATE_HOME"] = str(base / "state")
        server_env["BASTION_APPROVAL_DIR"] = str(base / "approvals")
        server_env["XDG_CONFIG_HOME"] = str(base / "config")
        config = base / "bastion.toml"  # out of /tmp too: Bastion's own files keep a root out
        config.write_text(
            f'[server]\naudit_log = "{base}/audit.jsonl"\n\n[[clients]]\nid = "wide"\nworkdir = "{base}/work"\n'
            'permissions = ["file_read", "file_write", "file_read:/tmp/**", "file_write_global:/tmp/**", '
            '"code_execution:unrestricted", "system_command:*", "code_execution_sudo"]\n'
        )
        server = spawn("--config", config, "--client", "wide")
        server.initialize(LATEST)
        first = server.call_tool("run_code", {"language": "sh", "code": 'dirname "$0"'})
        directory = first["structuredContent"]["stdout"].strip()
        assert directory.startswith("/tmp/bastion-code-"), first
        probe = f'ls {directory} >/dev/null 2>&1 && echo LISTED; touch {directory}/planted 2>/dev/null && echo PLANTED; true'
        result = run(server, "sh", "-c", probe, sudo=True)
        out = stdout(result)
        assert "LISTED" not in out and "PLANTED" not in out, result
        for tool, arguments in [
            ("list_directory", {"path": directory}),
            ("write_file", {"path": f"{directory}/planted", "content": "echo PWNED\n"}),
        ]:
            refused = server.call_tool(tool, arguments)
            assert refused.get("isError") is True and "protected" in text_of(refused), (tool, refused)
        assert not Path(directory, "planted").exists()
        server.finish()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_set_group_id_directories_copy_and_mknod_makes_no_set_id_file(connect, tmp_path):
    """Review 10, findings 8 and 9: `mknod` of a set-user-ID regular file is refused too, while a
    set-group-ID directory (harmless: it only passes its group down) can still be made, so
    `cp -r` of one works in a child."""
    sudoer = connect("sudoer")
    workdir = Path(stdout(run(sudoer, "pwd")).strip())
    (workdir / "shared").mkdir()
    os.chmod(workdir / "shared", 0o2775)  # made by the host: a child may not chmod a set-ID bit
    script = (
        "cp -r shared copy && echo COPIED; "
        "python3 -c 'import os, stat; os.mknod(\"mk\", stat.S_IFREG | 0o4755)' 2>/dev/null && echo MKNOD_SETUID; "
        "mkdir -m 4755 odd 2>/dev/null && echo MKDIR_SETUID; true"
    )
    out = stdout(run(sudoer, "sh", "-c", script, sudo=True))
    assert "COPIED" in out, out
    assert "MKNOD_SETUID" not in out and "MKDIR_SETUID" not in out, out
    sudoer.finish()


def test_node_code_finds_the_workdirs_modules(connect):
    """Review 10, finding 10: the code file moved out of the workdir, so node's `require` no longer
    walked up to the workdir's node_modules; NODE_PATH points there."""
    import shutil

    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    server = connect("coder")
    assert server.call_tool("create_directory", {"path": "node_modules/foo"}).get("isError") is not True
    wrote = server.call_tool("write_file", {"path": "node_modules/foo/index.js", "content": 'module.exports = "foo-loaded";\n'})
    assert wrote.get("isError") is not True, wrote
    result = server.call_tool("run_code", {"language": "node", "code": "console.log(require('foo'))"})
    assert result["structuredContent"]["stdout"] == "foo-loaded\n", result
    server.finish()


def test_a_killed_servers_code_is_removed_at_the_next_start(spawn, write_config):
    """Review 12, finding 3: a server killed with SIGKILL left its code directory, with the code of
    the runs in flight, in /tmp for good. The next server removes every `bastion-code-<pid>-*` of a
    pid that is gone, and makes its own with its pid in the name."""
    import glob

    config = write_config(CONFIG)
    first = spawn("--config", config, "--client", "coder")
    first.initialize(LATEST)
    pid = first.proc.pid
    call = first.next_id()
    first.send({
        "jsonrpc": "2.0", "id": call, "method": "tools/call",
        "params": {"name": "run_code", "arguments": {"language": "sh", "code": "sleep 30", "timeout_ms": 30000}},
    })
    deadline = time.time() + 10
    left: list[str] = []
    while time.time() < deadline and not left:
        left = glob.glob(f"/tmp/bastion-code-{pid}-*/c-*/run-*")  # as root, the 0311 directories are listed
        time.sleep(0.05)
    assert left, "the run's code file never appeared"
    directory = left[0].rsplit("/", 2)[0]
    first.kill()
    assert Path(left[0]).exists()

    second = spawn("--config", config, "--client", "coder")
    second.initialize(LATEST)
    made = second.call_tool("run_code", {"language": "sh", "code": 'dirname "$(dirname "$0")"'})
    assert stdout(made).strip().startswith(f"/tmp/bastion-code-{second.proc.pid}-"), made
    assert not Path(directory).exists(), directory
    second.finish()
