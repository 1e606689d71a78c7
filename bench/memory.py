#!/usr/bin/env python3
"""The memory benchmark (bench/run --only memory): N concurrent reads of large files.

Spawns `bastion serve DATA` (release build, embedded default, fresh XDG_STATE_HOME, default limits:
read_mb 64, memory_budget_mb 256), sends N `tools/call` requests at once over stdio and reads every
answer. `--tool media` (the default) calls `read_media_file` on random files: each answer must be the
file's exact Base64 (checked by SHA-256) as an `image/png` content item. `--tool head` / `--tool tail`
call `read_text_file` with `head: 1` / `tail: 1` on single-line text files (the window is the whole
file): each answer must be the file's exact text. Either way an isError result saying the server is
busy also counts as right; anything else is wrong. Then reads the server's peak RSS (VmHWM from
/proc/PID/status) and compares it with the target.

Standard library only: runs with the system python3, no venv.

    bench/memory.py --bastion PATH [--tool media|head|tail] [--data DIR] [--calls 8] [--file-mib 60]
                    [--target-mb 320] [--out FILE.md] [--label NAME] [--config FILE]
"""

import argparse
import base64
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

VERSION = "2025-11-25"


def make_data(directory, count, size, is_text=False):
    """count files of size random bytes (one line of Base64 letters if is_text), reused while a stamp
    says they are complete."""
    extension = "txt" if is_text else "png"
    stamp = os.path.join(directory, f".complete-{count}x{size}.{extension}")
    os.makedirs(directory, exist_ok=True)
    names = [f"big{index}.{extension}" for index in range(count)]
    if not os.path.exists(stamp):
        for name in names:
            with open(os.path.join(directory, name), "wb") as out:
                left = size
                while left > 0:
                    length = min(left, 4 << 20)
                    chunk = base64.b64encode(os.urandom(length))[:length] if is_text else os.urandom(length)
                    out.write(chunk)
                    left -= len(chunk)
        open(stamp, "w").close()
    digests = {}
    for name in names:
        digest = hashlib.sha256()
        with open(os.path.join(directory, name), "rb") as source:
            for block in iter(lambda: source.read(4 << 20), b""):
                digest.update(block)
        digests[name] = digest.hexdigest()
    return names, digests


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def check(message, name, digests, tool="media"):
    """'ok', 'busy' or a description of what is wrong with one answer."""
    if "error" in message:
        return f"JSON-RPC error {message['error']}"
    result = message.get("result", {})
    content = result.get("content") or [{}]
    first = content[0]
    if result.get("isError"):
        text = first.get("text", "")
        return "busy" if "busy" in text.lower() and "retry" in text.lower() else f"isError: {text[:200]}"
    if tool != "media":
        text = first.get("text", "").encode()
        if first.get("type") != "text" or hashlib.sha256(text).hexdigest() != digests[name]:
            return f"wrong text ({len(text)} bytes)"
        return "ok"
    if first.get("type") != "image" or first.get("mimeType") != "image/png":
        return f"unexpected content {first.get('type')}/{first.get('mimeType')}"
    data = base64.b64decode(first.get("data", ""), validate=True)
    if hashlib.sha256(data).hexdigest() != digests[name]:
        return f"wrong bytes ({len(data)} bytes decoded)"
    return "ok"


def run(args, label, bastion):
    size = args.file_mib << 20
    names, digests = make_data(args.data, args.calls, size, is_text=args.tool != "media")
    state = tempfile.mkdtemp(prefix="bastion-memory-bench-")
    env = dict(os.environ, XDG_STATE_HOME=state)
    command = [bastion, "serve"]
    if args.config:
        command += ["--config", args.config]
    command.append(args.data)
    stderr = open(args.stderr, "wb") if args.stderr else subprocess.DEVNULL
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env)
    lines = queue.Queue()

    def reader():
        # Lines are read as fast as the server writes them and parsed on the main thread.
        for line in server.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()

    def send(message):
        server.stdin.write((json.dumps(message) + "\n").encode())
        server.stdin.flush()

    def next_message():
        line = lines.get(timeout=args.timeout)
        if line is None:
            raise RuntimeError("the server closed stdout")
        return json.loads(line)

    send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": VERSION, "capabilities": {}, "clientInfo": {"name": "memory-bench", "version": "1"}}})
    while next_message().get("id") != 0:
        pass
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    rss_before = peak_rss_kb(server.pid)
    started = time.monotonic()
    for index, name in enumerate(names, start=1):
        arguments = {"path": os.path.join(args.data, name)}
        if args.tool != "media":
            arguments[args.tool] = 1
        send({"jsonrpc": "2.0", "id": index, "method": "tools/call",
              "params": {"name": "read_media_file" if args.tool == "media" else "read_text_file",
                         "arguments": arguments}})
    outcomes = {}
    answered_at = {}
    while len(outcomes) < len(names):
        message = next_message()
        ident = message.get("id")
        if not isinstance(ident, int) or not 1 <= ident <= len(names) or ident in outcomes:
            continue
        answered_at[ident] = time.monotonic() - started
        outcomes[ident] = check(message, names[ident - 1], digests, args.tool)
    elapsed = time.monotonic() - started
    peak = peak_rss_kb(server.pid)
    server.stdin.close()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(state, ignore_errors=True)
    ok = sum(1 for outcome in outcomes.values() if outcome == "ok")
    busy = sum(1 for outcome in outcomes.values() if outcome == "busy")
    wrong = [f"#{ident} {outcome}" for ident, outcome in sorted(outcomes.items()) if outcome not in ("ok", "busy")]
    peak_mb = peak * 1024 / 1e6
    met = peak_mb <= args.target_mb and not wrong
    return {
        "label": label, "tool": args.tool, "calls": len(names), "file_bytes": size, "ok": ok, "busy": busy, "wrong": wrong,
        "seconds": elapsed, "first": min(answered_at.values()), "last": max(answered_at.values()),
        "peak_rss_mb": peak_mb, "start_rss_mb": (rss_before or 0) * 1024 / 1e6, "target_mb": args.target_mb,
        "met": met,
    }


def table(rows, command):
    text = "| server | tool | calls | answered | busy | wrong | first / last answer | peak RSS | target |\n"
    text += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
    for row in rows:
        verdict = "met" if row["met"] else "NOT met"
        tool = {"media": "read_media_file", "head": "read_text_file head 1", "tail": "read_text_file tail 1"}
        text += (f"| {row['label']} | {tool[row['tool']]} | {row['calls']} × {row['file_bytes'] >> 20} MiB | {row['ok']} | {row['busy']} "
                 f"| {len(row['wrong'])} | {row['first']:.2f} s / {row['last']:.2f} s | {row['peak_rss_mb']:.1f} MB "
                 f"| ≤ {row['target_mb']} MB: {verdict} |\n")
    for row in rows:
        for problem in row["wrong"][:3]:
            text += f"\n{row['label']}: wrong answer {problem}"
    text += (f"\n\nPeak RSS is VmHWM of the server after every answer was read (MB = 10^6 bytes); at start "
             f"{rows[0]['start_rss_mb']:.1f} MB. `{command}`, load average {os.getloadavg()[0]:.1f}.\n")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bastion", action="append", required=True,
                        help="the bastion binary; repeat as LABEL=PATH to compare builds in one run")
    parser.add_argument("--tool", choices=["media", "head", "tail"], default="media",
                        help="read_media_file, or read_text_file with head 1 / tail 1 of single-line files")
    parser.add_argument("--data", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "bastion-memory-bench"))
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--file-mib", type=int, default=60)
    parser.add_argument("--target-mb", type=int, default=320)
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for any one message")
    parser.add_argument("--config", help="a configuration file instead of the embedded default")
    parser.add_argument("--stderr", help="where the server's stderr goes")
    parser.add_argument("--out", help="also write the table to this file")
    parser.add_argument("--json", help="also write the raw numbers to this file")
    parser.add_argument("--command", default="bench/memory.py")
    args = parser.parse_args()
    rows = []
    for spec in args.bastion:
        label, _, path = spec.rpartition("=")
        rows.append(run(args, label or "bastion", path))
    text = table(rows, args.command)
    print(text)
    if args.out:
        with open(args.out, "w") as out:
            out.write(text)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    return 0 if rows[-1]["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
