// The measurement phases: cold start, warm-up, sequential latency, pipelined throughput, peak RSS.
import Glibc

struct MeasureConfig {
    var label = "server"
    var argv: [String] = []
    /// Give each spawn a fresh, empty directory in this environment variable (under `freshDirBase`).
    var freshDirVariable: String?
    var freshDirBase = "/tmp"
    var stderrPath = "/dev/null"
    var coldRuns = 20
    var warmup = 1000
    var seqCalls = 20_000
    var seqSeconds = 20.0
    var pipeCalls = 100_000
    var pipeSeconds = 10.0
    var inflight = 32
    var stallSeconds = 10.0
    /// Speak 2026-07-28: `server/discover` instead of initialize, the `_meta` envelope on every call.
    var modern = false
}

/// One server's numbers, as written to the result file.
struct Measurement: Codable {
    var label: String
    var available = false
    /// Why a server is not available, or a remark on how the run went.
    var note: String?
    var load1: Double?
    var coldRuns = 0
    var coldMedianMs: Double?
    var coldP90Ms: Double?
    var warmupCalls = 0
    var seqCalls = 0
    var p50Us: Double?
    var p99Us: Double?
    var meanUs: Double?
    var pipeCalls = 0
    var pipeSeconds: Double?
    var callsPerSecond: Double?
    var inflight = 0
    var peakRSSKB: Int?
    /// Wrong answers: bad JSON, wrong or unknown id, error responses, missing or wrong echoed text.
    var errors = 0
    var firstError: String?
    /// Server-initiated messages (notifications, requests) seen and skipped.
    var serverMessages = 0
}

private let initializeRequest = Array(
    (#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","#
        + #""capabilities":{},"clientInfo":{"name":"bastion-bench","version":"1.0"}}}"# + "\n").utf8
)
private let initializedNotification = Array(
    (#"{"jsonrpc":"2.0","method":"notifications/initialized"}"# + "\n").utf8
)
private let callHead = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
private let callMiddle = Array(#","method":"tools/call","params":{"name":"echo","arguments":{"text":""#.utf8)
private let callTail = Array("\"}}}\n".utf8)
/// The 2026-07-28 envelope every modern request carries (basic/index.mdx), as the Python SDK 2.x sends it.
private let modernMeta =
    #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","#
    + #""io.modelcontextprotocol/clientInfo":{"name":"bastion-bench","version":"1.0"},"#
    + #""io.modelcontextprotocol/clientCapabilities":{}}"#
private let modernCallTail = Array(("\"}," + modernMeta + "}}\n").utf8)
private let discoverRequest = Array(
    (#"{"jsonrpc":"2.0","id":0,"method":"server/discover","params":{"# + modernMeta + "}}\n").utf8
)
/// Every call echoes a distinct text, with a non-ASCII character to check UTF-8 handling.
private let textPrefix = Array("bench é #".utf8)
/// Every 64th call also carries characters that JSON must escape and one outside the BMP
/// (a surrogate pair when \u-escaped), to check escaping both ways.
private let specialSuffix = Array(" \"q\" \\ \t 🚀".utf8)
private let specialSuffixJSON = Array(#" \"q\" \\ \t 🚀"#.utf8)
@inline(__always)
private func isSpecial(_ id: Int64) -> Bool { id & 63 == 0 }

@inline(__always)
private func appendDecimal(_ value: Int64, to a: inout [UInt8]) {
    var v = UInt64(value)
    var digits = 1
    var t = v
    while t >= 10 {
        t /= 10
        digits += 1
    }
    let start = a.count
    a.append(contentsOf: repeatElement(0, count: digits))
    var k = start + digits - 1
    repeat {
        a[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
        v /= 10
        k -= 1
    } while v > 0
}

@inline(__always)
private func appendCall(id: Int64, modern: Bool, to a: inout [UInt8]) {
    a.append(contentsOf: callHead)
    appendDecimal(id, to: &a)
    a.append(contentsOf: callMiddle)
    a.append(contentsOf: textPrefix)
    appendDecimal(id, to: &a)
    if isSpecial(id) { a.append(contentsOf: specialSuffixJSON) }
    a.append(contentsOf: modern ? modernCallTail : callTail)
}

@inline(__always)
private func expectedText(id: Int64, into a: inout [UInt8]) {
    a.removeAll(keepingCapacity: true)
    a.append(contentsOf: textPrefix)
    appendDecimal(id, to: &a)
    if isSpecial(id) { a.append(contentsOf: specialSuffix) }
}

/// Nearest-rank percentile of sorted values.
func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

private func preview(_ line: UnsafeBufferPointer<UInt8>?) -> String {
    guard let line else { return "(no answer)" }
    let text = String(decoding: line.prefix(300), as: UTF8.self)
    return line.count > 300 ? text + "…" : text
}

/// A conversation with one running server.
final class Session {
    private(set) var server: ServerProcess
    private let reader: LineReader
    private let watchdog: Watchdog
    private var nextID: Int64 = 1
    private var request: [UInt8] = []
    private var expected: [UInt8] = []
    var errors = 0
    var firstError: String?
    var serverMessages = 0
    /// The server closed its stdout, died or was killed for stalling.
    private(set) var broken = false

    private let modern: Bool

    init(server: ServerProcess, watchdog: Watchdog, modern: Bool = false) {
        self.modern = modern
        self.server = server
        self.reader = LineReader(fd: server.fromServer)
        self.watchdog = watchdog
        request.reserveCapacity(64 * 1024)
        expected.reserveCapacity(64)
        watchdog.arm(server.pid)
    }

    private func fail(_ what: String, _ line: UnsafeBufferPointer<UInt8>?) {
        errors += 1
        if firstError == nil { firstError = "\(what): \(preview(line))" }
    }

    /// Ends the server; describes an abnormal end.
    func close() -> String? {
        let stalled = watchdog.fired
        watchdog.disarm()
        let outcome = finish(&server)
        if stalled { return "stopped answering (killed after a stall)" }
        switch outcome {
        case .exited(0): return nil
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "died of signal \(signal)"
        case .killedAfterTimeout: return "did not exit within 5 s of stdin closing (killed)"
        }
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        let ok = bytes.withUnsafeBytes { writeAll(server.toServer, $0) }
        if !ok { broken = true }
        return ok
    }

    /// Reads until a response arrives, skipping server-initiated messages. Returns the time the
    /// response's line was complete, the scan and the line; nil when the stream ended.
    @inline(__always)
    private func readResponse() -> (UInt64, ScanResult, UnsafeBufferPointer<UInt8>)? {
        while true {
            guard let line = reader.nextLine() else {
                broken = true
                return nil
            }
            let t = nowNs()
            watchdog.tick()
            let r = ResponseScanner.scan(line)
            if r.valid && r.hasMethod {
                serverMessages += 1
                continue
            }
            return (t, r, line)
        }
    }

    /// Sends initialize (on 2026-07-28: server/discover) and checks the answer. Returns the time of
    /// the answer, or nil on failure.
    func initialize() -> UInt64? {
        guard send(modern ? discoverRequest : initializeRequest) else {
            fail("initialize could not be sent", nil)
            return nil
        }
        guard let (t, r, line) = readResponse() else {
            fail("no answer to initialize", nil)
            return nil
        }
        guard r.valid, r.id == 0, r.hasResult, !r.hasError, modern || r.hasProtocolVersion else {
            fail("bad initialize response", line)
            return nil
        }
        return t
    }

    func initialized() -> Bool {
        modern || send(initializedNotification)
    }

    @inline(__always)
    private func check(_ r: ScanResult, _ line: UnsafeBufferPointer<UInt8>, id: Int64) {
        guard r.valid else { return fail("invalid JSON", line) }
        guard r.id == id else { return fail("id \(id) expected", line) }
        guard r.hasResult, !r.hasError else { return fail("error response", line) }
        guard !r.isError else { return fail("isError result", line) }
        expectedText(id: id, into: &expected)
        guard ResponseScanner.text(of: r, in: line, equals: expected) else {
            return fail("echoed text \"\(String(decoding: expected, as: UTF8.self))\" missing", line)
        }
    }

    /// Calls echo one at a time: `count` calls or until `seconds` passed. Returns the round trips (ns).
    func sequential(count: Int, seconds: Double, record: Bool) -> [UInt64] {
        var latencies: [UInt64] = []
        latencies.reserveCapacity(record ? count : 0)
        let deadline = nowNs() + UInt64(seconds * 1e9)
        for _ in 0..<count {
            let id = nextID
            nextID += 1
            request.removeAll(keepingCapacity: true)
            appendCall(id: id, modern: modern, to: &request)
            let t0 = nowNs()
            guard send(request) else { break }
            guard let (t1, r, line) = readResponse() else { break }
            if record { latencies.append(t1 - t0) }
            check(r, line, id: id)
            if t1 > deadline { break }
        }
        if broken { fail("server went away during sequential calls", nil) }
        return latencies
    }

    /// Keeps `inflight` calls outstanding: `total` calls or until `seconds` passed (then drains).
    /// Returns the calls answered and the elapsed time.
    ///
    /// No deadlock on full pipes: at most `inflight` requests (≈ 4 KB for 32) are ever unanswered,
    /// so a blocking write never meets a full 64 KB pipe, and the driver blocks only in read(2)
    /// while calls are outstanding, i.e. while the server has something to answer.
    func pipelined(total: Int, seconds: Double, inflight: Int) -> (calls: Int, elapsedNs: UInt64) {
        let firstID = nextID
        var outstanding = [Bool](repeating: false, count: total)
        var limit = total
        var sent = 0
        var received = 0
        var inFlight = 0
        let t0 = nowNs()
        let deadline = t0 + UInt64(seconds * 1e9)
        outer: while received < limit {
            if sent < limit && inFlight < inflight {
                request.removeAll(keepingCapacity: true)
                while sent < limit && inFlight < inflight {
                    appendCall(id: firstID + Int64(sent), modern: modern, to: &request)
                    outstanding[sent] = true
                    sent += 1
                    inFlight += 1
                }
                guard send(request) else { break outer }
            }
            // Block for one line, then take every line that is already buffered.
            var blocking = true
            while let line = reader.nextLine(blocking: blocking) {
                blocking = false
                watchdog.tick()
                let r = ResponseScanner.scan(line)
                if r.valid && r.hasMethod {
                    serverMessages += 1
                    continue
                }
                received += 1
                inFlight -= 1
                guard let id = r.id, id >= firstID, id < firstID + Int64(sent),
                    outstanding[Int(id - firstID)]
                else {
                    fail("unknown or repeated id", line)
                    continue
                }
                outstanding[Int(id - firstID)] = false
                check(r, line, id: id)
            }
            if reader.closed {
                broken = true
                break
            }
            if limit == total && nowNs() > deadline { limit = sent }
        }
        let elapsed = nowNs() - t0
        nextID = firstID + Int64(sent)
        if broken { fail("server went away during pipelined calls", nil) }
        return (received, elapsed)
    }
}

private func currentEnvironment() -> [String] {
    var env: [String] = []
    var p = environ
    while let entry = p.pointee {
        env.append(String(cString: entry))
        p += 1
    }
    return env
}

/// Runs every phase against the server `config.argv` and returns its numbers.
func measure(_ config: MeasureConfig) -> Measurement {
    var m = Measurement(label: config.label)
    m.inflight = config.inflight
    if let text = readSmallFile("/proc/loadavg"), let first = text.split(separator: " ").first {
        m.load1 = Double(first)
    }
    let watchdog = Watchdog(stallSeconds: config.stallSeconds)
    let baseEnv = currentEnvironment()
    var spawnCount = 0

    func start() -> Session? {
        var env = baseEnv
        if let variable = config.freshDirVariable {
            spawnCount += 1
            let dir = "\(config.freshDirBase)/spawn-\(spawnCount)"
            // Searchable by all: as root, Bastion runs children as `nobody`, who must reach the workdir.
            mkdir(dir, 0o711)
            env = env.filter { !$0.hasPrefix(variable + "=") } + ["\(variable)=\(dir)"]
        }
        do {
            let server = try spawnServer(argv: config.argv, env: env, stderrPath: config.stderrPath)
            return Session(server: server, watchdog: watchdog, modern: config.modern)
        } catch {
            m.note = error.description
            return nil
        }
    }

    // Cold start: spawn → initialize answered, one fresh process each.
    var cold: [UInt64] = []
    for _ in 0..<config.coldRuns {
        let t0 = nowNs()
        guard let session = start() else { return m }
        let answered = session.initialize()
        let ending = session.close()
        guard let t1 = answered else {
            m.note = "no valid initialize answer" + (ending.map { "; server \($0)" } ?? "")
            m.errors = session.errors
            m.firstError = session.firstError
            return m
        }
        cold.append(t1 - t0)
    }
    cold.sort()
    m.coldRuns = cold.count
    if !cold.isEmpty {
        m.coldMedianMs = Double(percentile(cold, 0.5)) / 1e6
        m.coldP90Ms = Double(percentile(cold, 0.9)) / 1e6
    }

    // One long session for the steady-state numbers.
    guard let session = start() else { return m }
    var notes: [String] = []
    func tally() {
        m.errors = session.errors
        m.firstError = session.firstError
        m.serverMessages = session.serverMessages
    }
    guard session.initialize() != nil, session.initialized() else {
        m.note = "no valid initialize answer" + (session.close().map { "; server \($0)" } ?? "")
        tally()
        return m
    }
    m.available = true

    let warm = session.sequential(count: config.warmup, seconds: 10, record: true)
    m.warmupCalls = warm.count
    if session.errors > 0 && session.errors == warm.count {
        notes.append("every warm-up call failed; measuring nothing")
    } else if !session.broken {
        var seq = session.sequential(count: config.seqCalls, seconds: config.seqSeconds, record: true)
        m.seqCalls = seq.count
        if !seq.isEmpty {
            let total = seq.reduce(0, +)
            m.meanUs = Double(total) / Double(seq.count) / 1e3
            seq.sort()
            m.p50Us = Double(percentile(seq, 0.5)) / 1e3
            m.p99Us = Double(percentile(seq, 0.99)) / 1e3
        }
        if !session.broken && config.pipeCalls > 0 {
            let (calls, elapsed) = session.pipelined(
                total: config.pipeCalls,
                seconds: config.pipeSeconds,
                inflight: config.inflight
            )
            m.pipeCalls = calls
            m.pipeSeconds = Double(elapsed) / 1e9
            if elapsed > 0 { m.callsPerSecond = Double(calls) / (Double(elapsed) / 1e9) }
        }
    }
    m.peakRSSKB = peakRSSKB(pid: session.server.pid)
    if let ending = session.close() { notes.append("server \(ending)") }
    if !notes.isEmpty { m.note = notes.joined(separator: "; ") }
    tally()
    return m
}
