"""The HTTP benchmark (issue 12, item 7): `tools/call echo` over HTTP with 1, 16 and 64 connections, in
one run, all driven by Debian's wrk with the same Lua POST script (bench/http/post.lua):

- Bastion, 2026-07-28 (one POST per request) and 2025-11-25 (one session), TLS off and on;
- Python FastMCP streamable HTTP, stateless with JSON answers: mcp 1.30.0 and 2.3.0;
- the floor: Debian's nginx answering the same canned JSON-RPC response, TLS off and on.

TLS is 1.3 with the P-256 certificate of `bastion certs init` for every server. Each server runs on
CPU 0 and wrk on CPU 1 (taskset), so they do not take each other's core.

    python3 bench/http/bench.py BASTION_BINARY [--seconds N] [--quick]

Prints a Markdown table and writes it to bench/results/http-latest.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODERN = "2026-07-28"
LEGACY = "2025-11-25"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def body_parts(modern: bool) -> tuple[str, str]:
    """The body around its id: `PREFIX<id>SUFFIX`."""
    params: dict = {"name": "echo", "arguments": {"text": "hello"}}
    if modern:
        params["_meta"] = META
    text = json.dumps({"jsonrpc": "2.0", "id": "@ID@", "method": "tools/call", "params": params}, separators=(",", ":"))
    prefix, suffix = text.split('"@ID@"')
    return prefix, suffix


def lua_script(directory: Path, name: str, headers: list[str], modern: bool) -> Path:
    prefix, suffix = body_parts(modern)
    def quote(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    script = directory / f"{name}.lua"
    script.write_text(
        "HEADERS = {" + ", ".join(quote(h) for h in headers) + "}\n"
        f"BODY_PREFIX = {quote(prefix)}\nBODY_SUFFIX = {quote(suffix)}\n"
        f"dofile({quote(str(HERE / 'post.lua'))})\n"
    )
    return script


BASE_HEADERS = ["Content-Type: application/json", "Accept: application/json, text/event-stream"]
MODERN_HEADERS = BASE_HEADERS + [f"MCP-Protocol-Version: {MODERN}", "Mcp-Method: tools/call", "Mcp-Name: echo"]


def wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    # One thread: wrk has CPU 1 to itself. -k is wrk's default (keep-alive).
    run = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    out = run.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def percentile(p: str) -> float:
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps, "p50": percentile("50"), "p99": percentile("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "stderr": run.stderr.strip()[:200],
    }


class Server:
    def __init__(self, argv: list[str], port: int, env: dict[str, str] | None = None, cwd: Path | None = None):
        self.process = subprocess.Popen(["taskset", "-c", "0", *argv], env=env, cwd=cwd,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = port
        wait_port(port)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def legacy_session(port: int, tls_context) -> str:
    """Initializes a 2025-11-25 session over HTTP(S) and returns its id."""
    import http.client

    connection = (http.client.HTTPSConnection("127.0.0.1", port, context=tls_context, timeout=10) if tls_context
                  else http.client.HTTPConnection("127.0.0.1", port, timeout=10))
    init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "wrk", "version": "1"}}}
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    connection.request("POST", "/mcp", body=json.dumps(init), headers=headers)
    response = connection.getresponse()
    response.read()
    session = response.getheader("Mcp-Session-Id")
    connection.request("POST", "/mcp", body='{"jsonrpc":"2.0","method":"notifications/initialized"}',
                       headers=headers | {"Mcp-Session-Id": session, "MCP-Protocol-Version": LEGACY})
    connection.getresponse().read()
    connection.close()
    return session


def main() -> int:
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    bastion = Path(args[0]).resolve()
    seconds = int(args[args.index("--seconds") + 1]) if "--seconds" in args else 5
    quick = "--quick" in args
    if quick:
        seconds = 1
    connection_counts = [1, 16, 64]
    work = Path(tempfile.mkdtemp(prefix="bastion-http-bench-", dir="/tmp"))
    os.chmod(work, 0o711)
    certs = work / "certs"
    subprocess.run([str(bastion), "certs", "init", str(certs)], check=True, capture_output=True)
    import ssl

    tls_context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    rows: list[tuple[str, bool, dict[int, dict[str, float]]]] = []

    def measure(label: str, tls: bool, start, script: Path) -> None:
        port = free_port()
        server = start(port)
        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}/mcp"
        try:
            results = {}
            wrk(url, script, 4, 1)  # warm-up
            for connections in connection_counts:
                results[connections] = wrk(url, script, connections, seconds)
            rows.append((label, tls, results))
            print(f"[http-bench] {label} tls={tls}: " + ", ".join(
                f"c{c} {r['rps']:.0f}/s p50 {r['p50']:.2f} ms p99 {r['p99']:.2f} ms"
                + (f" ({r['errors']} errors)" if r["errors"] else "") for c, r in results.items()), file=sys.stderr)
        finally:
            server.stop()

    def bastion_server(tls: bool, port: int) -> Server:
        state = work / f"state-{port}"
        state.mkdir()
        os.chmod(state, 0o711)
        config = work / f"bastion-{port}.toml"
        tls_lines = f'tls_cert = "{certs}/server.pem"\ntls_key = "{certs}/server.key"\n' if tls else ""
        config.write_text(f'[server]\ndiagnostics = true\naudit_sync = "batch"\n\n[transport.http]\n'
                          f'listen = "127.0.0.1:{port}"\n# wrk holds up to 64 connections as one client\nmax_connections_per_client = 256\n{tls_lines}\n[[clients]]\nid = "local"\npermissions = []\n')
        env = dict(os.environ, XDG_STATE_HOME=str(state))
        return Server([str(bastion), "serve", "--config", str(config), "--http"], port, env=env, cwd=work)

    modern_script = lua_script(work, "modern", MODERN_HEADERS, modern=True)
    for tls in (False, True):
        measure("Bastion, 2026-07-28", tls, lambda port, tls=tls: bastion_server(tls, port), modern_script)
    for tls in (False, True):
        port_box = {}

        def start_legacy(port, tls=tls):
            server = bastion_server(tls, port)
            session = legacy_session(port, tls_context if tls else None)
            port_box["script"] = lua_script(work, f"legacy-{port}", BASE_HEADERS + [
                f"MCP-Protocol-Version: {LEGACY}", f"Mcp-Session-Id: {session}"], modern=False)
            return server

        # The session is made once the server is up; the script names it.
        port = free_port()
        server = start_legacy(port)
        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}/mcp"
        try:
            results = {}
            wrk(url, port_box["script"], 4, 1)
            for connections in connection_counts:
                results[connections] = wrk(url, port_box["script"], connections, seconds)
            rows.append(("Bastion, 2025-11-25 session", tls, results))
            print(f"[http-bench] legacy tls={tls}: " + ", ".join(
                f"c{c} {r['rps']:.0f}/s" for c, r in results.items()), file=sys.stderr)
        finally:
            server.stop()

    for venv, label, modern in [(ROOT / ".venv", "FastMCP, mcp 1.30.0 stateless", False),
                                (ROOT / ".venv-modern", "MCPServer, mcp 2.3.0 stateless", True)]:
        python = venv / "bin" / "python"
        if not python.exists():
            print(f"[http-bench] {venv} missing: scripts/venv{' modern' if modern else ''}", file=sys.stderr)
            continue
        headers = MODERN_HEADERS if modern else BASE_HEADERS + [f"MCP-Protocol-Version: {LEGACY}"]
        script = lua_script(work, f"fastmcp-{'modern' if modern else 'legacy'}", headers, modern=modern)
        for tls in (False, True):
            extra = [str(certs / "server.pem"), str(certs / "server.key")] if tls else []
            measure(label, tls, lambda port, python=python, extra=extra: Server(
                [str(python), str(HERE / "fastmcp_http.py"), str(port), *extra], port), script)

    if shutil.which("nginx"):
        canned = json.dumps({"jsonrpc": "2.0", "id": 1, "result": {
            "content": [{"type": "text", "text": "hello"}], "isError": False}}, separators=(",", ":"))
        for tls in (False, True):
            def nginx(port, tls=tls):
                conf = work / f"nginx-{port}.conf"
                ssl = (f"ssl_certificate {certs}/server.pem; ssl_certificate_key {certs}/server.key; "
                       "ssl_protocols TLSv1.3;") if tls else ""
                conf.write_text(
                    f"worker_processes 1; daemon off; pid {work}/nginx-{port}.pid; error_log stderr warn;\n"
                    "events { worker_connections 4096; }\n"
                    f"http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work};\n"
                    f"  fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};\n"
                    f"  server {{ listen 127.0.0.1:{port}{' ssl' if tls else ''}; {ssl}\n"
                    f"    location /mcp {{ default_type application/json; return 200 '{canned}'; }} }} }}\n")
                return Server(["nginx", "-c", str(conf), "-e", "stderr"], port)

            measure("nginx floor (canned answer)", tls, nginx, modern_script)

    table = ["| server | TLS | " + " | ".join(f"c={c} calls/s | p50 ms | p99 ms" for c in connection_counts) + " |",
             "|---|---|" + "---|---|---|" * len(connection_counts)]
    for label, tls, results in rows:
        cells = []
        for c in connection_counts:
            r = results[c]
            cells += [f"{r['rps']:,.0f}" + (" (errors)" if r["errors"] or r["socket_errors"] else ""),
                      f"{r['p50']:.2f}", f"{r['p99']:.2f}"]
        table.append(f"| {label} | {'yes' if tls else 'no'} | " + " | ".join(cells) + " |")

    def find(label: str, tls: bool) -> dict[int, dict[str, float]] | None:
        return next((r for l, t, r in rows if l == label and t == tls), None)

    bastion_tls = find("Bastion, 2026-07-28", True)
    notes = []
    for peer in ["FastMCP, mcp 1.30.0 stateless", "MCPServer, mcp 2.3.0 stateless"]:
        other = find(peer, True)
        if bastion_tls and other:
            notes.append(f"- Bastion 2026-07-28 with TLS at 64 connections: {bastion_tls[64]['rps'] / other[64]['rps']:.1f}x "
                         f"{peer} (target: 20x)")
    floor = find("nginx floor (canned answer)", True)
    if bastion_tls and floor:
        notes.append(f"- ... and {100 * bastion_tls[64]['rps'] / floor[64]['rps']:.0f}% of the nginx floor's calls/s "
                     "(target: 25%)")
    if bastion_tls:
        notes.append(f"- Bastion 2026-07-28 with TLS, p99 at 16 connections: {bastion_tls[16]['p99']:.2f} ms (target: 5 ms)")
    report = (f"`python3 bench/http/bench.py BIN --seconds {seconds}` on {os.cpu_count()} CPUs "
              f"(servers on CPU 0, wrk on CPU 1), {time.strftime('%Y-%m-%d %H:%M')}\n\n"
              + "\n".join(table) + "\n\n" + "\n".join(notes) + "\n")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "http-latest.md").write_text(report)
    print(report)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
