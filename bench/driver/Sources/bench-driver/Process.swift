// Spawning the server under test with pipes on fds 0/1 (and a log file on fd 2), and ending it.
import Glibc

/// Monotonic time in nanoseconds (vDSO clock_gettime, a few tens of ns).
@inline(__always)
func nowNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

struct SpawnError: Error, CustomStringConvertible {
    let description: String
}

/// A running server: we write its stdin and read its stdout.
struct ServerProcess {
    let pid: pid_t
    /// Our end of the server's stdin.
    var toServer: Int32
    /// Our end of the server's stdout.
    let fromServer: Int32
}

/// Spawns `argv` (looked up in PATH) with `env`, stdin/stdout on fresh pipes and stderr appended to `stderrPath`.
func spawnServer(argv: [String], env: [String], stderrPath: String) throws(SpawnError) -> ServerProcess {
    guard let program = argv.first else { throw SpawnError(description: "no command given") }
    var inPipe: [Int32] = [-1, -1]
    var outPipe: [Int32] = [-1, -1]
    // pipe2 is not visible from Swift's Glibc; the driver spawns from one thread, so setting
    // FD_CLOEXEC right after pipe() is as good.
    guard pipe(&inPipe) == 0 else { throw SpawnError(description: "pipe: \(errnoText())") }
    guard pipe(&outPipe) == 0 else {
        close(inPipe[0])
        close(inPipe[1])
        throw SpawnError(description: "pipe: \(errnoText())")
    }
    for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // dup2 clears FD_CLOEXEC on the target, so only 0, 1 and 2 survive the exec.
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)

    // The driver ignores SIGPIPE; give the server the default disposition back.
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attr, &defaults)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF))

    let cArgv = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup($0) } + [nil]
    defer {
        cArgv.forEach { free($0) }
        cEnv.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, program, &actions, &attr, cArgv, cEnv)
    close(inPipe[0])
    close(outPipe[1])
    guard rc == 0 else {
        close(inPipe[1])
        close(outPipe[0])
        throw SpawnError(description: "cannot start \(program): \(String(cString: strerror(rc)))")
    }
    return ServerProcess(pid: pid, toServer: inPipe[1], fromServer: outPipe[0])
}

/// How the server ended.
enum ExitOutcome {
    case exited(Int32)
    case signaled(Int32)
    /// Did not exit within the grace period after stdin was closed; killed.
    case killedAfterTimeout
}

/// Closes the server's stdin (the MCP stdio way of saying "shut down"), waits up to `graceSeconds`
/// for it to exit, then kills it. Off the measured path, so polling waitpid is fine here.
func finish(_ server: inout ServerProcess, graceSeconds: Double = 5) -> ExitOutcome {
    if server.toServer >= 0 {
        close(server.toServer)
        server.toServer = -1
    }
    let deadline = nowNs() + UInt64(graceSeconds * 1e9)
    var status: Int32 = 0
    var outcome: ExitOutcome?
    while outcome == nil {
        let r = waitpid(server.pid, &status, WNOHANG)
        if r == server.pid {
            outcome = decodeWaitStatus(status)
        } else if r < 0 && errno != EINTR {
            outcome = .exited(-1)
        } else if nowNs() > deadline {
            kill(server.pid, SIGKILL)
            _ = waitpid(server.pid, &status, 0)
            outcome = .killedAfterTimeout
        } else {
            usleep(1000)
        }
    }
    close(server.fromServer)
    // `outcome` is set by every branch that ends the loop.
    return outcome ?? .exited(-1)
}

private func decodeWaitStatus(_ status: Int32) -> ExitOutcome {
    let signal = status & 0x7f
    if signal == 0 { return .exited((status >> 8) & 0xff) }
    return .signaled(signal)
}

/// Peak resident set size (VmHWM) of a live process, in kB.
func peakRSSKB(pid: pid_t) -> Int? {
    guard let text = readSmallFile("/proc/\(pid)/status") else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let digits = line.dropFirst("VmHWM:".count).filter { $0.isNumber }
        return Int(String(digits))
    }
    return nil
}

func readSmallFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes all of `bytes` with blocking write(2). False if the server is gone (EPIPE) or another error.
@inline(__always)
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard var p = bytes.baseAddress else { return true }
    var left = bytes.count
    while left > 0 {
        let n = write(fd, p, left)
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        p += n
        left -= n
    }
    return true
}

func errnoText() -> String {
    String(cString: strerror(errno))
}
