// The file-system benchmark: one fresh `bastion serve` per tool call kind, a checked warm-up, then
// N timed calls, each from the request's write(2) to the last byte of its response line.
// Checking the answer (a Foundation JSON decode of up to ~10 MB) happens after the clock stops.
import Foundation

struct FsConfig {
    var argv: [String] = []
    var data = "/tmp/bastion-fs-bench"
    var stateBase = "/tmp"
    var stderrPath = "/dev/null"
    var repetitions = 5
    var stallSeconds = 60.0
    /// Run only the cases whose label contains this text (e.g. to profile one under perf).
    var caseFilter: String?
}

/// One kind of call: its tool and arguments, the target if any, and how to check the answer.
struct FsCase {
    let label: String
    let tool: String
    let arguments: [String: Any]
    let targetMs: Double?
    /// The answer must be an `isError` result whose text contains this (a refused pattern).
    var expectedError: String? = nil
    /// Peak RSS target, in MB (10^6 bytes).
    var rssTargetMB: Double? = nil
    /// The commands that do the same on the same tree, measured right after this case (FsPeers.swift).
    var peers: [FsPeer] = []
    /// Checks `structuredContent`; returns what is wrong, or nil.
    let check: ([String: Any]) -> String?
}

/// One row of the result.
struct FsRow: Codable {
    var label: String
    var tool: String
    var calls = 0
    var minMs: Double?
    var medianMs: Double?
    var maxMs: Double?
    var targetMs: Double?
    var rssTargetMB: Double?
    var responseBytes: Int?
    var peakRSSKB: Int?
    var errors = 0
    var firstError: String?
    var targetMet: Bool? {
        guard let targetMs, let maxMs, errors == 0, calls > 0 else { return nil }
        return maxMs <= targetMs
    }
    var rssTargetMet: Bool? {
        guard let rssTargetMB, let peakRSSKB, errors == 0, calls > 0 else { return nil }
        return Double(peakRSSKB) * 1024 / 1e6 <= rssTargetMB
    }
}

struct FsResult: Codable {
    var rows: [FsRow] = []
    var generationSeconds: Double?
    var load1: Double?
    var note: String?
}

/// The calls measured, over the data set in `data`.
func fsCases(_ data: FsDataSet) -> [FsCase] {
    let lastLine = FsDataSet.bigLine(FsDataSet.bigLines)
    let firstLine = FsDataSet.bigLine(1)
    return [
        FsCase(
            label: "read_text_file tail 10 (100 MiB)", tool: "read_text_file",
            arguments: ["path": data.big, "tail": 10], targetMs: 10
        ) { s in
            let lines = (s["content"] as? String)?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
            return lines.count == 10 && lines.last.map(String.init) == lastLine ? nil : "last 10 lines expected"
        },
        FsCase(
            label: "read_text_file head 10 (100 MiB)", tool: "read_text_file",
            arguments: ["path": data.big, "head": 10], targetMs: nil
        ) { s in
            let lines = (s["content"] as? String)?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
            return lines.count == 10 && lines.first.map(String.init) == firstLine ? nil : "first 10 lines expected"
        },
        FsCase(
            label: "list_directory (10,000 entries)", tool: "list_directory",
            arguments: ["path": data.wide], targetMs: nil
        ) { s in
            let count = (s["entries"] as? [Any])?.count
            return count == FsDataSet.wideFiles ? nil : "\(FsDataSet.wideFiles) entries expected, got \(count ?? -1)"
        },
        FsCase(
            label: "search_files **/f0999.txt (100 of 100k)", tool: "search_files",
            arguments: ["path": data.tree, "pattern": "**/f0999.txt"], targetMs: 1000,
            peers: [findNamePeer(data, name: "f0999.txt", expected: FsDataSet.treeDirectories)]
        ) { s in
            let count = (s["matches"] as? [Any])?.count
            guard s["truncated"] as? Bool == false else { return "truncated" }
            return count == FsDataSet.treeDirectories ? nil : "100 matches expected, got \(count ?? -1)"
        },
        FsCase(
            label: "search_files **/*.txt (all 100k)", tool: "search_files",
            arguments: ["path": data.tree, "pattern": "**/*.txt"], targetMs: 1000,
            peers: [
                findNamePeer(data, name: "*.txt", expected: FsDataSet.treeEntries - FsDataSet.treeDirectories)
            ]
        ) { s in
            let count = (s["matches"] as? [Any])?.count
            guard s["truncated"] as? Bool == false else { return "truncated" }
            let all = FsDataSet.treeEntries - FsDataSet.treeDirectories
            return count == all ? nil : "\(all) matches expected, got \(count ?? -1)"
        },
        FsCase(
            label: "search_content NEEDLE-[0-9]+ (1 line in 100k files)", tool: "search_content",
            arguments: ["path": data.tree, "pattern": FsDataSet.needlePattern], targetMs: nil,
            peers: fsPeers(data, pattern: FsDataSet.needlePattern)
        ) { s in
            let count = (s["matches"] as? [Any])?.count
            let searched = (s["filesSearched"] as? NSNumber)?.intValue
            let all = FsDataSet.treeEntries - FsDataSet.treeDirectories
            guard searched == all else { return "\(all) files searched expected, got \(searched ?? -1)" }
            return count == 1 ? nil : "1 match expected, got \(count ?? -1)"
        },
    ] + hostilePatternCases(data) + [
        FsCase(
            label: "directory_tree (100,100 entries)", tool: "directory_tree",
            arguments: ["path": data.tree], targetMs: 1000, peers: [findPrintfPeer(data)]
        ) { s in
            let entries = (s["entries"] as? NSNumber)?.intValue
            guard s["truncated"] as? Bool == false else { return "truncated" }
            return entries == FsDataSet.treeEntries
                ? nil : "\(FsDataSet.treeEntries) entries expected, got \(entries ?? -1)"
        },
    ]
}

/// A conversation with one `bastion serve` over its stdio pipes.
final class FsSession {
    private var server: ServerProcess
    /// Big enough for the largest answer (~10 MB), so reading it never copies the buffer to grow it.
    private let reader: LineReader
    private let watchdog: Watchdog
    private var nextID = 1

    init(server: ServerProcess, watchdog: Watchdog) {
        self.server = server
        self.reader = LineReader(fd: server.fromServer, capacity: 64 << 20)
        self.watchdog = watchdog
        watchdog.arm(server.pid)
    }

    var pid: pid_t { server.pid }

    func send(_ object: [String: Any]) -> Bool {
        guard var bytes = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        else { return false }
        bytes.append(0x0A)
        return bytes.withUnsafeBytes { writeAll(server.toServer, $0) }
    }

    /// The next response (server-initiated messages skipped), with its arrival time; nil at end of stream.
    func response() -> (UInt64, [UInt8])? {
        while let line = reader.nextLine() {
            let t = nowNs()
            watchdog.tick()
            // A notification or server request has "method"; a response never does at its top level.
            let bytes = Array(line)
            if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                object["method"] != nil
            {
                continue
            }
            return (t, bytes)
        }
        return nil
    }

    func initialize() -> String? {
        let request: [String: Any] = [
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": [
                "protocolVersion": "2025-11-25", "capabilities": [String: Any](),
                "clientInfo": ["name": "bastion-fs-bench", "version": "1.0"],
            ],
        ]
        guard send(request), let (_, line) = response() else { return "no answer to initialize" }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            object["result"] != nil
        else { return "bad initialize response: \(String(decoding: line.prefix(300), as: UTF8.self))" }
        return send(["jsonrpc": "2.0", "method": "notifications/initialized"]) ? nil : "server went away"
    }

    /// One timed call: the round trip in ns and the response line.
    func call(_ c: FsCase) -> (UInt64, [UInt8])? {
        let id = nextID
        nextID += 1
        let request: [String: Any] = [
            "jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": ["name": c.tool, "arguments": c.arguments],
        ]
        guard let body = try? JSONSerialization.data(withJSONObject: request) else { return nil }
        let bytes = body + [0x0A]
        let t0 = nowNs()
        guard bytes.withUnsafeBytes({ writeAll(server.toServer, $0) }) else { return nil }
        guard let (t1, line) = response() else { return nil }
        return (t1 - t0, line)
    }

    func close() -> String? {
        let stalled = watchdog.fired
        watchdog.disarm()
        let outcome = finish(&server)
        if stalled { return "stopped answering (killed after a stall)" }
        if case .exited(0) = outcome { return nil }
        return "ended abnormally: \(outcome)"
    }
}

/// Checks a tools/call answer; returns what is wrong, or nil.
func checkAnswer(_ line: [UInt8], _ c: FsCase) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
        return "invalid JSON"
    }
    guard let result = object["result"] as? [String: Any] else { return "error response" }
    if let expected = c.expectedError {
        let text = (result["content"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined() ?? ""
        guard result["isError"] as? Bool == true, text.contains(expected) else {
            return "an isError result saying \"\(expected)\" expected"
        }
        return nil
    }
    if result["isError"] as? Bool == true { return "isError result" }
    guard let structured = result["structuredContent"] as? [String: Any] else { return "no structuredContent" }
    return c.check(structured)
}
