"""search_content under hostile patterns (issue 9, B3): compiling is bounded, matching is linear in the
text, a search stops when it is cancelled or passes its deadline, and the server keeps serving.

Each test drives `bastion serve T/x/work` over raw stdio and reads the server's own counters from
/proc: `VmHWM` (peak resident memory) and its threads' states (a search still running shows a
thread in state R, however loaded the machine is). The server runs under a 4 GiB
address-space limit, so an unbounded compile fails there instead of taking the machine down.
"""

from __future__ import annotations

import os
import random
import resource
import textwrap
import time
from pathlib import Path

import pytest

from conftest import LATEST, StdioClient
from fs_support import is_error, result_text

# Both made glibc's regcomp/regexec run away (10.5 GB and 43 s to compile; over 30 s in regexec).
CATASTROPHIC = ["((.{1,255}){1,255}){1,255}", "(.{0,255}){0,255}$"]
# Never matches a/b text, but a DFA needs 2^21 states for it: RE2 falls back to its NFA (~0.5 MB/s),
# glibc takes ~70 ms per 100-byte line.
SLOW = "[ab]*a[ab]{20}c"
PEAK_RSS_LIMIT_KB = 256_000


def peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def running_threads(pid: int) -> int:
    """Threads of the process that are running or waiting for a CPU (state R): load-independent."""
    count = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                count += stat.read().rsplit(")", 1)[1].split()[0] == "R"
        except FileNotFoundError:
            pass
    return count


def busy_fraction(pid: int, seconds: float = 1.0, samples: int = 20) -> float:
    """The fraction of samples over `seconds` in which some thread of the process was running."""
    busy = 0
    for _ in range(samples):
        busy += running_threads(pid) > 0
        time.sleep(seconds / samples)
    return busy / samples


def start(spawn, *args) -> StdioClient:
    server = spawn(*args)
    resource.prlimit(server.proc.pid, resource.RLIMIT_AS, (4 << 30, 4 << 30))
    server.initialize(LATEST)
    return server


@pytest.fixture
def work(tmp_path: Path) -> Path:
    work = Path(os.path.realpath(tmp_path)) / "x" / "work"
    work.mkdir(parents=True)
    (work / "inside.txt").write_text("inside\n")
    (work / "long.txt").write_text(("a" * 300 + "\n") * 200 + "x" * 70_000 + "\n")
    return work


def write_ab_lines(path: Path, lines: int) -> None:
    """`lines` random lines of 100 `a`/`b`: the text on which SLOW is slow."""
    to_ab = bytes(ord("ab"[byte & 1]) for byte in range(256))
    noise = random.Random(9).randbytes(100 * lines).translate(to_ab)
    path.write_bytes(b"".join(noise[i : i + 100] + b"\n" for i in range(0, len(noise), 100)))


def still_serving(server: StdioClient, work: Path) -> None:
    res = server.call_tool("read_text_file", {"path": str(work / "inside.txt")}, timeout=5)
    assert result_text(res) == "inside\n", res
    server.assert_alive()


def test_catastrophic_patterns_are_refused_at_once_naming_the_limit(spawn, work):
    server = start(spawn, work)
    for pattern in CATASTROPHIC:
        started = time.monotonic()
        res = server.call_tool("search_content", {"path": str(work), "pattern": pattern}, timeout=10)
        assert time.monotonic() - started < 2, pattern
        text = result_text(res)
        assert is_error(res) and "1000 copies" in text, text
        still_serving(server, work)
    assert peak_rss_kb(server.proc.pid) < PEAK_RSS_LIMIT_KB
    server.finish()


WORST_PATTERNS = [
    "(.{0,255})" * 102,  # refused: program size
    "x{255}" * 170,  # refused: program size
    "((a{0,40}){0,40}){0,40}",  # refused: nested repetitions
    "(.{0,250}){4}",  # accepted: 9,000 instructions
    "(" * 300 + "a" + ")" * 300,  # accepted: deep nesting
    "|".join(["[[:alpha:]]{1,255}"] * 53),  # refused: program size (1006 bytes)
    SLOW,
]


def test_no_pattern_up_to_1_kib_takes_long_or_much_memory(spawn, work):
    server = start(spawn, work)
    for pattern in WORST_PATTERNS:
        assert len(pattern.encode()) <= 1024
        started = time.monotonic()
        res = server.call_tool("search_content", {"path": str(work), "pattern": pattern}, timeout=20)
        elapsed = time.monotonic() - started
        assert elapsed < 10, f"{pattern[:40]}: {elapsed:.1f} s"
        assert not is_error(res) or "limit" in result_text(res) or "1000 copies" in result_text(res), result_text(res)
    assert peak_rss_kb(server.proc.pid) < PEAK_RSS_LIMIT_KB
    res = server.call_tool("search_content", {"path": str(work), "pattern": "a" * 1025})
    assert is_error(res) and "1024 bytes" in result_text(res), result_text(res)
    still_serving(server, work)
    server.finish()


def test_a_cancelled_search_stops_midway(spawn, work):
    write_ab_lines(work / "ab.txt", 40_000)  # 4 MB: many seconds of matching
    server = start(spawn, work)
    pid = server.proc.pid
    server.send({"jsonrpc": "2.0", "id": 77, "method": "tools/call",
                 "params": {"name": "search_content", "arguments": {"path": str(work), "pattern": SLOW}}})  # fmt: skip
    time.sleep(0.3)
    assert busy_fraction(pid, 0.5) > 0.8, "the search should be running"
    server.notify("notifications/cancelled", {"requestId": 77, "reason": "taking too long"})
    time.sleep(0.5)
    assert busy_fraction(pid) < 0.2, "the search went on after its cancellation"
    still_serving(server, work)
    server.finish()


def test_a_search_past_its_deadline_stops_and_says_so(spawn, write_config, work):
    # Big enough to outlast the deadline on an idle machine too (40,000 lines took < 1.5 s there).
    write_ab_lines(work / "ab.txt", 400_000)
    config = write_config(
        f"""\
        [[clients]]
        id = "c"
        workdir = "{work}"
        permissions = ["file_read", "file_write"]
        limits = {{ timeout_ms = 500 }}
        """
    )
    server = start(spawn, "--config", config, "--client", "c")
    started = time.monotonic()
    res = server.call_tool("search_content", {"path": str(work), "pattern": SLOW}, timeout=10)
    assert time.monotonic() - started < 3
    assert is_error(res) and "timed out after 500 ms" in result_text(res), result_text(res)
    time.sleep(0.3)
    assert busy_fraction(server.proc.pid) < 0.2, "the search went on past its deadline"
    still_serving(server, work)
    server.finish()


def test_parallel_search_keeps_walk_order_and_limits(spawn, work):
    for index in range(400):
        body = "one\nneedle %d\nthree\n" % index if index % 9 == 0 else "nothing\n"
        path = work / f"d{index % 4}" / f"f{index:03}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(body)
    server = start(spawn, work)
    res = server.call_tool("search_content", {"path": str(work), "pattern": "needle", "contextLines": 1})
    paths = [m["path"] for m in res["structuredContent"]["matches"]]
    assert len(paths) == 45 and paths == sorted(paths), paths[:5]
    assert res["structuredContent"]["filesSearched"] == 402
    again = server.call_tool("search_content", {"path": str(work), "pattern": "needle", "contextLines": 1})
    assert result_text(again) == result_text(res)
    cut = server.call_tool("search_content", {"path": str(work), "pattern": "needle", "maxResults": 5})
    assert [m["path"] for m in cut["structuredContent"]["matches"]] == paths[:5]
    assert cut["structuredContent"]["truncated"] is True
    assert result_text(cut).endswith("[stopped at 5 matches]")
    server.finish()


def test_grep_syntax_keeps_its_meaning(spawn, work):
    (work / "g.txt").write_text(
        textwrap.dedent(
            """\
            Hello World
            say hello
            id=42 tab\there
            the cat
            other
            café crème
            C:\\path
            """
        )
    )
    server = start(spawn, work)
    g = str(work / "g.txt")

    def lines(pattern: str, **extra) -> list[int]:
        res = server.call_tool("search_content", {"path": g, "pattern": pattern, **extra})
        assert not is_error(res), result_text(res)
        return [m["line"] for m in res["structuredContent"]["matches"]]

    assert lines("^[[:upper:]][[:lower:]]+ [[:alpha:]]+$") == [1]
    assert lines("hello$|^other") == [2, 5]
    assert lines("HELLO", caseSensitive=False) == [1, 2]
    assert lines("id=\\d+[[:space:]]") == [3]
    assert lines("\\<the\\>") == [4]
    assert lines("\\bthe") == [4]
    assert lines("caf. cr.me$") == [6]
    assert lines("[\\]") == [7]
    assert lines("x{0,2}") == [1, 2, 3, 4, 5, 6, 7]
    res = server.call_tool("search_content", {"path": g, "pattern": "(a)\\1"})
    assert is_error(res) and "back-references" in result_text(res)
    server.finish()
