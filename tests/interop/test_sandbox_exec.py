"""Black-box tests of `bastion sandbox-exec`: the built binary, a policy on descriptor 3, the status
line on descriptor 4 (the contract in Sources/BastionResources/Sandbox/SandboxPolicy.swift).

Each adversarial test runs code inside the sandbox that tries to leave it and asserts that the
kernel refused; where the refusal could come from the test set-up itself, a control runs the same
code outside the sandbox (or with the feature off) and shows it succeeds there. This machine has
Landlock ABI 7, seccomp and cgroup v1: a missing feature fails these tests, never skips them.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from conftest import prepare_state_home

PYTHON = os.path.realpath("/usr/bin/python3")
SYSTEM_READ = ["/usr", "/bin", "/lib", "/lib64", "/etc"]
NOBODY = {"uid": 65534, "gid": 65534, "groups": [65534]}
# The links a minimal root recreates (the server sends them all: ExecutableResolver.systemLinks).
SYSTEM_LINKS = {p: os.readlink(p) for p in ("/bin", "/sbin", "/lib", "/lib64") if os.path.islink(p)}


def make_policy(argv, work, *, executable=None, read=(), write=(), net=True, user=None,
                env=("PATH=/usr/bin:/bin",), required=("landlock", "seccomp"), **extra):
    policy = {
        "executable": executable or argv[0],
        "arguments": list(argv),
        "environment": list(env),
        "workingDirectory": str(work),
        "limits": {},
        "readPaths": SYSTEM_READ + [str(p) for p in read],
        "writePaths": [str(work)] + [str(p) for p in write],
        "restrictsNetwork": net,
        "required": list(required),
    }
    if user is not None:
        policy["user"] = user
    policy.update(extra)
    return policy


def python_policy(code, work, **options):
    return make_policy([PYTHON, "-I", "-B", "-c", textwrap.dedent(code)], work, **options)


class Run:
    def __init__(self, returncode, status, stdout, stderr):
        self.returncode, self.status, self.stdout, self.stderr = returncode, status, stdout, stderr

    @property
    def report(self):
        assert self.status.startswith("applied "), (self.status, self.stderr)
        return json.loads(self.status[len("applied "):])

    def json(self):
        assert self.returncode == 0, (self.returncode, self.status, self.stdout, self.stderr)
        return json.loads(self.stdout)

    def __repr__(self):
        return f"Run(rc={self.returncode}, status={self.status!r}, out={self.stdout!r}, err={self.stderr!r})"


def spawn(bastion_bin, policy, *, raw=None, extra_fds=(), sigmask=(), timeout=30, no_policy=False, as_nobody=False):
    """Starts `bastion sandbox-exec` with the policy on fd 3 and a status pipe on fd 4 (as an
    unprivileged server would, through setpriv, with `as_nobody`)."""
    data = raw if raw is not None else json.dumps(policy).encode()
    policy_r, policy_w = os.pipe()
    status_r, status_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    devnull = os.open("/dev/null", os.O_RDONLY)
    actions = [
        (os.POSIX_SPAWN_DUP2, devnull, 0),
        (os.POSIX_SPAWN_DUP2, out_w, 1),
        (os.POSIX_SPAWN_DUP2, err_w, 2),
        (os.POSIX_SPAWN_DUP2, status_w, 4),
    ]
    if not no_policy:
        actions.append((os.POSIX_SPAWN_DUP2, policy_r, 3))
    for source, target in extra_fds:
        actions.append((os.POSIX_SPAWN_DUP2, source, target))
    argv = [str(bastion_bin), "sandbox-exec"]
    if as_nobody:
        argv = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv
    pid = os.posix_spawn(argv[0], argv, {"PARENT_ONLY": "1"}, file_actions=actions, setsigmask=sigmask)
    for fd in (policy_r, status_w, out_w, err_w, devnull):
        os.close(fd)
    try:
        os.write(policy_w, data)
    except BrokenPipeError:
        pass
    os.close(policy_w)
    outputs = {}
    for name, fd in (("status", status_r), ("out", out_r), ("err", err_r)):
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        os.close(fd)
        outputs[name] = b"".join(chunks).decode(errors="replace")
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("sandbox-exec did not finish")
        time.sleep(0.01)
    return Run(os.waitstatus_to_exitcode(status), outputs["status"], outputs["out"], outputs["err"])


@pytest.fixture
def work():
    """A working directory any user may use (the dropped-user tests run as nobody)."""
    path = Path(tempfile.mkdtemp(prefix="bastion-sbx-"))
    path.chmod(0o777)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


@pytest.fixture
def outside():
    path = Path(tempfile.mkdtemp(prefix="bastion-outside-"))
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


ERRNO_OF = """
import errno, json, os
def attempt(action):
    try:
        action()
        return "ok"
    except OSError as error:
        return errno.errorcode.get(error.errno, str(error.errno))
"""


# --- the report ---------------------------------------------------------------------------------

def test_the_report_names_what_the_kernel_applied(bastion_bin, work):
    run = spawn(bastion_bin, make_policy(["/bin/true"], work))
    assert run.returncode == 0, run
    report = run.report
    assert report["landlock"] == {"abi": 7, "tcp": True, "scoped": True}
    assert report["seccomp"] is True
    assert set(report["network"]) == {"landlock-tcp", "seccomp-socket", "netns"}
    assert report["features"] == ["landlock", "seccomp", "netns"]
    assert report["userNamespace"] is False
    assert run.status.count("\n") == 1


def test_unrestricted_network_is_not_claimed_as_restricted(bastion_bin, work):
    report = spawn(bastion_bin, make_policy(["/bin/true"], work, net=False)).report
    assert report["network"] == []
    assert report["landlock"]["tcp"] is False


def test_a_missing_read_path_is_left_out_and_said(bastion_bin, work):
    report = spawn(bastion_bin, make_policy(["/bin/true"], work, read=["/nonexistent/bastion"])).report
    assert report["omittedPaths"] == [{"path": "/nonexistent/bastion", "reason": "no such file"}]


# --- files --------------------------------------------------------------------------------------

def test_writes_outside_the_write_paths_fail_and_inside_work(bastion_bin, work, outside):
    code = ERRNO_OF + f"""
print(json.dumps({{
    "inside": attempt(lambda: open({str(work / "made.txt")!r}, "w").write("x")),
    "outside": attempt(lambda: open({str(outside / "escape.txt")!r}, "w").write("x")),
    "tmp": attempt(lambda: open("/tmp/bastion-sandbox-escape-{os.getpid()}", "w").write("x")),
    "mkdir": attempt(lambda: os.mkdir({str(outside / "d")!r})),
}}))
"""
    result = spawn(bastion_bin, python_policy(code, work, read=[outside])).json()
    assert result == {"inside": "ok", "outside": "EACCES", "tmp": "EACCES", "mkdir": "EACCES"}
    assert (work / "made.txt").read_text() == "x"
    assert not (outside / "escape.txt").exists()


def test_a_secret_directory_outside_the_read_paths_cannot_be_read(bastion_bin, work, outside):
    ssh = outside / ".ssh"
    ssh.mkdir()
    (ssh / "id_ed25519").write_text("PRIVATE KEY")
    code = ERRNO_OF + f"""
print(json.dumps({{
    "list": attempt(lambda: os.listdir({str(ssh)!r})),
    "read": attempt(lambda: open({str(ssh / "id_ed25519")!r}).read()),
}}))
"""
    assert spawn(bastion_bin, python_policy(code, work)).json() == {"list": "EACCES", "read": "EACCES"}
    # Control: with the directory among the read paths, the same code reads it.
    assert spawn(bastion_bin, python_policy(code, work, read=[ssh])).json() == {"list": "ok", "read": "ok"}


# --- network ------------------------------------------------------------------------------------

NETWORK_CODE = ERRNO_OF + """
import socket, sys
port = int(sys.argv[1])
def tcp():
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.close()
def udp():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.sendto(b"x", ("127.0.0.1", port))
print(json.dumps({"tcp": attempt(tcp), "udp": attempt(udp)}))
"""


def network_policy(work, port, **options):
    policy = python_policy(NETWORK_CODE, work, **options)
    policy["arguments"].append(str(port))
    return policy


def test_tcp_connect_and_udp_to_a_local_port_fail(bastion_bin, work):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        result = spawn(bastion_bin, network_policy(work, port)).json()
    assert result == {"tcp": "EPERM", "udp": "EPERM"}


def test_unrestricted_code_reaches_the_local_port(bastion_bin, work):
    # Control for the test above: the listener is reachable when the network is not restricted.
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        result = spawn(bastion_bin, network_policy(work, port, net=False)).json()
    assert result == {"tcp": "ok", "udp": "ok"}


def test_an_abstract_unix_socket_of_the_server_is_out_of_reach(bastion_bin, work):
    name = f"\0bastion-test-{os.getpid()}"
    code = ERRNO_OF + f"""
import socket
def connect():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect({name!r})
print(json.dumps({{"abstract": attempt(connect)}}))
"""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(name)
        listener.listen()
        assert spawn(bastion_bin, python_policy(code, work, net=False)).json() == {"abstract": "EPERM"}


# --- Bastion's own state ------------------------------------------------------------------------

def approval_socket(directory: Path):
    directory.mkdir(mode=0o700)
    path = directory / "approve.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()
    return listener, path


def connect_code(path):
    return ERRNO_OF + f"""
import socket
def connect():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect({str(path)!r})
print(json.dumps({{"connect": attempt(connect)}}))
"""


def test_the_approval_socket_is_unconnectable_by_a_dropped_user(bastion_bin, work, outside):
    outside.chmod(0o755)
    listener, path = approval_socket(outside / "state")
    with listener:
        code = connect_code(path)
        assert spawn(bastion_bin, python_policy(code, work, user=NOBODY)).json() == {"connect": "EACCES"}
        # Control: Landlock alone (ABI 7 has no LANDLOCK_ACCESS_FS_RESOLVE_UNIX) lets root connect.
        assert spawn(bastion_bin, python_policy(code, work)).json() == {"connect": "ok"}


def test_the_approval_socket_is_hidden_from_a_root_child(bastion_bin, work, outside):
    listener, path = approval_socket(outside / "state")
    with listener:
        run = spawn(bastion_bin, python_policy(connect_code(path), work, hiddenPaths=[str(path.parent)]))
        # ENOENT beneath the empty tmpfs; EACCES when the child, without CAP_DAC_OVERRIDE, may not
        # even search it. Either way it never connects.
        assert run.json()["connect"] in ("ENOENT", "EACCES")
        assert run.report["hiddenPaths"] == [str(path.parent)]
        # The hiding is private to the child: the server still has its socket.
        assert path.exists()


def test_the_audit_log_cannot_be_appended_to(bastion_bin, work, outside):
    audit = outside / "audit.jsonl"
    audit.write_text('{"seq":1}\n')
    code = ERRNO_OF + f"""
print(json.dumps({{
    "append": attempt(lambda: open({str(audit)!r}, "a").write("forged\\n")),
    "truncate": attempt(lambda: os.truncate({str(audit)!r}, 0)),
    "unlink": attempt(lambda: os.unlink({str(audit)!r})),
}}))
"""
    readable = spawn(bastion_bin, python_policy(code, work, read=[outside])).json()
    assert readable == {"append": "EACCES", "truncate": "EACCES", "unlink": "EACCES"}
    hidden = spawn(bastion_bin, python_policy(code, work, read=[outside], hiddenPaths=[str(audit)])).json()
    assert hidden["append"] in ("EACCES", "EROFS") and hidden["unlink"] != "ok"
    assert audit.read_text() == '{"seq":1}\n'


# --- processes ----------------------------------------------------------------------------------

PROC_CODE = ERRNO_OF + """
import ctypes, sys
pid = int(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
def ptrace():
    if libc.ptrace(16, pid, None, None) != 0:  # PTRACE_ATTACH
        raise OSError(ctypes.get_errno(), "ptrace")
print(json.dumps({
    "ptrace": attempt(ptrace),
    "mem": attempt(lambda: open(f"/proc/{pid}/mem", "rb").read(1)),
    "environ": attempt(lambda: open(f"/proc/{pid}/environ", "rb").read()),
}))
"""


def proc_run(bastion_bin, work, target_user=None, **options):
    target = subprocess.Popen(["sleep", "30"], user=target_user, group=target_user,
                              extra_groups=[] if target_user else None)
    try:
        policy = python_policy(PROC_CODE, work, read=["/proc"], **options)
        policy["arguments"].append(str(target.pid))
        return spawn(bastion_bin, policy).json()
    finally:
        target.kill()
        target.wait()


def test_ptrace_and_proc_memory_of_another_process_fail(bastion_bin, work):
    result = proc_run(bastion_bin, work)
    assert result["ptrace"] == "EPERM" and result["mem"] == "EACCES"


def test_a_dropped_user_cannot_read_a_same_user_process(bastion_bin, work):
    # The non-root server's case: child and server share a uid, so only Landlock's ptrace
    # restriction stands between them (a plain nobody process may read the target's environ).
    result = proc_run(bastion_bin, work, target_user=65534, user=NOBODY)
    assert result == {"ptrace": "EPERM", "mem": "EACCES", "environ": "EACCES"}


def test_a_root_child_cannot_read_the_servers_environment(bastion_bin, work):
    # Landlock alone let a root child read it (Linux 6.18); without CAP_SYS_PTRACE (every
    # capability is dropped) the kernel's ptrace access check refuses it.
    assert proc_run(bastion_bin, work)["environ"] == "EACCES"


def test_the_server_cannot_be_signalled(bastion_bin, work):
    received = []
    previous = signal.signal(signal.SIGUSR1, lambda *_: received.append(True))
    try:
        code = ERRNO_OF + f"""
import signal
print(json.dumps({{"kill": attempt(lambda: os.kill({os.getpid()}, signal.SIGUSR1))}}))
"""
        assert spawn(bastion_bin, python_policy(code, work)).json() == {"kill": "EPERM"}
        time.sleep(0.05)
        assert received == []
    finally:
        signal.signal(signal.SIGUSR1, previous)


def test_namespaces_and_mounts_are_refused(bastion_bin, work):
    code = ERRNO_OF + """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def call(result):
    if result != 0:
        raise OSError(ctypes.get_errno(), "call")
print(json.dumps({
    "unshare": attempt(lambda: call(libc.unshare(0x10000000))),
    "mount": attempt(lambda: call(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))),
}))
"""
    result = spawn(bastion_bin, python_policy(code, work)).json()
    assert result["unshare"] == "EPERM" and result["mount"] == "EPERM"


def test_calls_the_capability_drop_covers_are_refused_by_seccomp_too(bastion_bin, work):
    """Review 4 (seccomp, belt and braces): name_to_handle_at needs no capability, so only the
    filter refuses it; userfaultfd and fanotify_init are refused whatever the sysctls say."""
    code = ERRNO_OF + """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def call(number, *args):
    if libc.syscall(number, *args) < 0:
        raise OSError(ctypes.get_errno(), "call")
handle = ctypes.create_string_buffer(128)
ctypes.memmove(handle, (128).to_bytes(4, "little"), 4)
mount_id = ctypes.c_int()
print(json.dumps({
    "name_to_handle_at": attempt(lambda: call(303, -100, b"/usr", handle, ctypes.byref(mount_id), 0)),
    "userfaultfd": attempt(lambda: call(323, 0)),
    "fanotify_init": attempt(lambda: call(300, 0, 0)),
}))
"""
    result = spawn(bastion_bin, python_policy(code, work)).json()
    assert result == {"name_to_handle_at": "EPERM", "userfaultfd": "EPERM", "fanotify_init": "EPERM"}, result


def test_foreign_abi_system_calls_kill_the_process(bastion_bin, work):
    # An x32 call (bit 30 set; getpid = 39) would dodge the x86_64 numbers: the filter kills.
    code = "import ctypes; ctypes.CDLL(None).syscall(0x40000000 + 39); print('survived')"
    run = spawn(bastion_bin, python_policy(code, work))
    assert run.returncode == -signal.SIGSYS, run
    assert "survived" not in run.stdout
    # Control: the plain call is allowed.
    plain = spawn(bastion_bin, python_policy("import ctypes; ctypes.CDLL(None).syscall(39); print('ok')", work))
    assert plain.stdout == "ok\n", plain


def test_an_unprivileged_server_gets_namespaces_through_a_user_namespace(bastion_bin, work, outside):
    outside.chmod(0o755)
    secret = outside / "state"
    secret.mkdir()
    (secret / "audit.jsonl").write_text("x")
    secret.chmod(0o777)
    code = ERRNO_OF + f"""
print(json.dumps({{
    "uid": os.getuid(),
    "list": attempt(lambda: os.listdir({str(secret)!r})),
    "interfaces": sorted(line.split(":")[0].strip() for line in open("/proc/self/net/dev").readlines()[2:]),
}}))
"""
    policy = python_policy(code, work, read=[outside, "/proc"], hiddenPaths=[str(secret)],
                           required=["landlock", "seccomp", "userns", "netns"])
    run = spawn(bastion_bin, policy, as_nobody=True)
    assert run.json() == {"uid": 65534, "list": "EACCES", "interfaces": ["lo"]}
    assert run.report["features"] == ["landlock", "seccomp", "userns", "netns"]
    assert run.report["userNamespace"] is True
    assert run.report["hiddenPaths"] == [str(secret)]


def test_ordinary_programs_still_work_inside(bastion_bin, work):
    # clone3 answers ENOSYS and libc falls back to clone: threads and subprocesses keep working.
    code = """
import json, subprocess, threading
results = []
thread = threading.Thread(target=lambda: results.append("thread"))
thread.start()
thread.join()
results.append(subprocess.run(["/bin/echo", "child"], capture_output=True, text=True).stdout.strip())
print(json.dumps(results))
"""
    assert spawn(bastion_bin, python_policy(code, work)).json() == ["thread", "child"]


def test_a_setuid_binary_cannot_raise_privileges(bastion_bin, work):
    directory = Path(tempfile.mkdtemp(prefix="bastion-suid-"))
    try:
        directory.chmod(0o755)
        suid = directory / "id"
        suid.write_bytes(Path("/usr/bin/id").read_bytes())
        suid.chmod(0o4755)
        assert suid.stat().st_mode & stat.S_ISUID and suid.stat().st_uid == 0
        # Control: a nobody process outside the sandbox gains euid 0 through it.
        control = subprocess.run([str(suid), "-u"], user=65534, group=65534, extra_groups=[],
                                 capture_output=True, text=True, check=True)
        assert control.stdout.strip() == "0"
        run = spawn(bastion_bin, make_policy([str(suid), "-u"], work, read=[directory], user=NOBODY))
        assert run.returncode == 0, run
        assert run.stdout.strip() == "65534"
        assert run.report["user"] == NOBODY
    finally:
        subprocess.run(["rm", "-rf", str(directory)], check=False)


def test_the_dropped_user_sticks(bastion_bin, work):
    code = """
import json, os
print(json.dumps({"res": [os.getresuid(), os.getresgid()], "groups": os.getgroups()}))
"""
    result = spawn(bastion_bin, python_policy(code, work, user={"uid": 65534, "gid": 65534, "groups": []})).json()
    assert result == {"res": [[65534] * 3, [65534] * 3], "groups": []}


# --- a clean process ----------------------------------------------------------------------------

def signal_bits(status_text, field):
    for line in status_text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1], 16)
    raise AssertionError(f"{field} not in /proc/self/status")


def test_ignored_and_blocked_signals_are_reset(bastion_bin, work):
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        policy = make_policy(["/bin/cat", "/proc/self/status"], work, read=["/proc"])
        control = subprocess.run(["/bin/cat", "/proc/self/status"], capture_output=True, text=True,
                                 restore_signals=False, check=True)
        # Control: this Python ignores SIGPIPE (bit 13) and now SIGHUP (bit 1), and cat inherits both.
        assert signal_bits(control.stdout, "SigIgn") & (1 << 12 | 1 << 0) == (1 << 12 | 1 << 0)
        run = spawn(bastion_bin, policy, sigmask=[signal.SIGUSR2, signal.SIGTERM])
        assert run.returncode == 0, run
        assert signal_bits(run.stdout, "SigIgn") == 0
        assert signal_bits(run.stdout, "SigBlk") == 0
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_descriptors_beyond_the_standard_three_are_closed(bastion_bin, work):
    spare = os.open("/etc/hostname", os.O_RDONLY)
    try:
        policy = make_policy(["/bin/sh", "-c", "ls /proc/$$/fd"], work, read=["/proc"])
        run = spawn(bastion_bin, policy, extra_fds=[(spare, 5), (spare, 9), (spare, 200)])
        assert run.returncode == 0, run
        assert run.stdout.split() == ["0", "1", "2"]
    finally:
        os.close(spare)


def test_the_child_has_its_own_session(bastion_bin, work):
    code = 'import json, os; print(json.dumps([os.getsid(0) == os.getpid(), os.getpgid(0) == os.getpid()]))'
    assert spawn(bastion_bin, python_policy(code, work)).json() == [True, True]


def test_the_environment_is_exactly_the_policys(bastion_bin, work):
    env = ["PATH=/usr/bin:/bin", "HOME=" + str(work), "LANG=C.UTF-8", "EMPTY="]
    run = spawn(bastion_bin, make_policy(["/usr/bin/env"], work, env=env))
    assert run.returncode == 0, run
    assert run.stdout.splitlines() == env


def test_resource_limits_are_set(bastion_bin, work):
    policy = make_policy(["/bin/sh", "-c", "ulimit -n; ulimit -f; ulimit -t"], work,
                         limits={"openFiles": 32, "fileSizeBytes": 1024 * 512, "cpuSeconds": 7})
    run = spawn(bastion_bin, policy)
    assert run.returncode == 0, run
    assert run.stdout.split() == ["32", "1024", "7"]
    assert sorted(run.report["limits"]) == ["cpu", "fsize", "nofile"]


def test_the_child_joins_its_cgroups(bastion_bin, work):
    name = f"bastion-test-{os.getpid()}-{time.monotonic_ns()}"
    groups = [Path("/sys/fs/cgroup/pids") / name, Path("/sys/fs/cgroup/memory") / name]
    for group in groups:
        group.mkdir()
    try:
        policy = make_policy(["/bin/cat", "/proc/self/cgroup"], work, read=["/proc"],
                             cgroups=[str(g) for g in groups], required=["landlock", "seccomp", "cgroup"])
        run = spawn(bastion_bin, policy)
        assert run.returncode == 0, run
        assert f"pids:/{name}" in run.stdout and f"memory:/{name}" in run.stdout
        assert run.report["cgroups"] == [str(g) for g in groups]
    finally:
        for group in groups:
            group.rmdir()


# --- refusals: nothing runs ---------------------------------------------------------------------

def marker_policy(work, marker, **changes):
    policy = make_policy(["/bin/sh", "-c", f"echo ran > {marker}"], work)
    policy.update(changes)
    return policy


@pytest.mark.parametrize("change, step, code", [
    ({"executable": "bin/sh"}, "policy", 126),
    ({"workingDirectory": "relative"}, "policy", 126),
    ({"writePaths": ["tmp"]}, "policy", 126),
    ({"arguments": []}, "policy", 126),
    ({"environment": ["=x"]}, "policy", 126),
    ({"required": ["landlock", "apparmor"]}, "required", 126),
    ({"workingDirectory": "/nonexistent/bastion"}, "directory", 126),
    ({"executable": "/nonexistent/bastion-tool"}, "exec", 127),
    ({"executable": "/etc/passwd"}, "exec", 127),
    ({"executable": "/usr/bin"}, "exec", 127),
])
def test_a_bad_policy_runs_nothing(bastion_bin, work, change, step, code):
    marker = work / "marker"
    run = spawn(bastion_bin, marker_policy(work, marker, **change))
    assert run.returncode == code, run
    assert run.status.startswith(f"failed {step}: "), run
    assert run.status.endswith("\n") and run.status.count("\n") == 1
    assert not marker.exists()


def test_an_executable_the_kernel_refuses_reports_after_the_report(bastion_bin, work):
    # execve itself fails (no format): the report line, then the verdict, and nothing ran.
    script = work / "not-a-program"
    script.write_text(f"echo ran > {work / 'marker'}\n")
    script.chmod(0o755)
    run = spawn(bastion_bin, make_policy([str(script)], work, read=[work]))
    assert run.returncode == 127, run
    lines = run.status.splitlines()
    assert len(lines) == 2 and lines[0].startswith("applied {"), run
    assert lines[1] == f"failed exec: {script}: Exec format error"
    assert not (work / "marker").exists()


def test_landlock_refuses_to_execute_outside_the_read_paths(bastion_bin, work, outside):
    program = outside / "true"
    program.write_bytes(Path("/bin/true").read_bytes())
    program.chmod(0o755)
    run = spawn(bastion_bin, make_policy([str(program)], work))
    assert run.returncode == 127, run
    assert run.status.splitlines()[-1] == f"failed exec: {program}: Permission denied"
    assert spawn(bastion_bin, make_policy([str(program)], work, read=[outside])).returncode == 0


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[]", b"x" * ((1 << 20) + 1)])
def test_a_malformed_policy_document_runs_nothing(bastion_bin, raw):
    run = spawn(bastion_bin, None, raw=raw)
    assert run.returncode == 126, run
    assert run.status.startswith("failed policy: "), run


def test_without_a_policy_descriptor_nothing_runs(bastion_bin):
    run = spawn(bastion_bin, None, no_policy=True)
    assert run.returncode == 126, run
    assert run.status.startswith("failed policy: reading descriptor 3"), run


def test_the_control_marker_policy_does_run(bastion_bin, work):
    # Control for the refusals: the unchanged policy writes its marker.
    marker = work / "marker"
    run = spawn(bastion_bin, marker_policy(work, marker))
    assert run.returncode == 0, run
    assert marker.read_text() == "ran\n"


# --- honesty about the kernel -------------------------------------------------------------------

def test_serve_says_what_the_kernel_offers_on_stderr_and_in_the_instructions(bastion_bin, tmp_path):
    request = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                          "clientInfo": {"name": "t", "version": "1"}}}
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    prepare_state_home(tmp_path / "state")  # a root server's children (nobody) must reach the workdir
    done = subprocess.run([str(bastion_bin), "serve"], input=json.dumps(request) + "\n", env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "Kernel sandboxing" in line]
    assert len(lines) == 1 and "Landlock ABI 7 (files, TCP, signal and abstract-socket scopes), seccomp" in lines[0]
    instructions = json.loads(done.stdout.splitlines()[0])["result"]["instructions"]
    assert "Kernel sandboxing for code Bastion runs: Landlock ABI 7" in instructions


def test_sandbox_check_reports_this_kernel(bastion_bin):
    done = subprocess.run([str(bastion_bin), "sandbox-check"], capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["landlock: ABI 7, TCP bind/connect, signal and abstract-socket scopes",
                                            "seccomp: yes"]


def test_the_minimal_root_binds_no_path_through_a_link(bastion_bin, work, outside, tmp_path):
    """Review 5, finding 1 (critical): binds resolved their paths (stat, mount) following links, after
    the server had checked them, so a sibling run that swapped a directory for `../../…` got the
    host's directories mounted into the new root (sockets reachable; with enough `../`, the host's
    whole `/`). Every bind now opens its source and target without following any link (and the
    working directory is never bound: it is inside a bound path or refused by the server). A path
    with a link in it fails the run; here the link stands for the swapped directory."""
    import socket

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(outside / "daemon.sock"))
    listener.listen(1)
    holder = tmp_path / "holder"
    holder.mkdir()
    (holder / "swapped").symlink_to(outside)
    code = ERRNO_OF + f"""
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
print(json.dumps({{"connect": attempt(lambda: s.connect({str(holder / "swapped" / "daemon.sock")!r}))}}))
"""
    try:
        policy = python_policy(code, work, read=[holder / "swapped"], minimalRoot=True,
                               rootLinks=SYSTEM_LINKS)
        policy["readPaths"] = [os.path.realpath(p) if p in SYSTEM_READ else p for p in policy["readPaths"]]
        run = spawn(bastion_bin, policy)
    finally:
        listener.close()
    assert run.returncode != 0 and "Too many levels of symbolic links" in run.status, (run.status, run.stdout)


def test_the_minimal_root_still_runs_a_canonical_policy(bastion_bin, work):
    """The control: the same policy with canonical paths runs."""
    policy = python_policy("print('ran')", work, minimalRoot=True, rootLinks=SYSTEM_LINKS)
    policy["readPaths"] = sorted({os.path.realpath(p) for p in policy["readPaths"]})
    run = spawn(bastion_bin, policy)
    assert run.returncode == 0 and run.stdout == "ran\n" and run.report["minimalRoot"] is True, (run.status, run.stdout)
