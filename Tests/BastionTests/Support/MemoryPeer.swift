import BastionProtocol
import Synchronization

@testable import Bastion

/// An in-memory MCP client: a connection whose frames the test writes and whose answers it reads,
/// answering the server's `roots/list` with its own roots. The transport of the isolation tests.
final class MemoryPeer: MessageSink {
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    let clientID: String
    let roots: [String]
    private let frames: AsyncStream<Frame>
    private let input: AsyncStream<Frame>.Continuation
    private struct State {
        var received: [JSONValue] = []
        var answers: [Int: JSONValue] = [:]
        var waiters: [Int: CheckedContinuation<JSONValue?, Never>] = [:]
        var rootsAnswered = 0
    }

    private let state = Mutex(State())

    init(clientID: String, roots: [String] = []) {
        self.clientID = clientID
        self.roots = roots
        (frames, input) = AsyncStream<Frame>.makeStream()
    }

    /// The connection a transport would hand to the service.
    var connection: Connection {
        Connection(credentials: .stdio(clientID: clientID), transport: "memory", frames: frames, sink: self)
    }

    func send(_ message: consuming [UInt8]) -> Bool {
        guard let json = try? JSONParser.parse(message) else { return true }
        let isRootsRequest = json["method"] == "roots/list" && json["id"] != nil
        if isRootsRequest, let id = json["id"] {
            let roots = JSONValue.array(self.roots.map { ["uri": .string("file://" + $0)] })
            write(["jsonrpc": "2.0", "id": id, "result": ["roots": roots]])
        }
        let waiter = state.withLock { state -> CheckedContinuation<JSONValue?, Never>? in
            state.received.append(json)
            if isRootsRequest { state.rootsAnswered += 1 }
            guard json["method"] == nil, case .int(let id)? = json["id"] else { return nil }
            state.answers[Int(id)] = json
            return state.waiters.removeValue(forKey: Int(id))
        }
        waiter?.resume(returning: json)
        return true
    }

    /// Sends one message.
    func write(_ message: JSONValue) {
        input.yield(.message(Array(JSONWriter.string(message).utf8)))
    }

    /// Closes the client's side: the frames end.
    func close() { input.finish() }

    /// Everything the server wrote.
    var messages: [JSONValue] { state.withLock { $0.received } }

    /// How many `roots/list` requests the server has sent (and this peer answered).
    var rootsAnswered: Int { state.withLock { $0.rootsAnswered } }

    /// The notifications with `method` received so far.
    func notifications(_ method: String) -> [JSONValue] {
        messages.filter { $0["method"] == .string(method) && $0["id"] == nil }
    }

    /// The answer to request `id`, if it came.
    func response(to id: Int) -> JSONValue? {
        state.withLock { $0.answers[id] }
    }

    /// Sends a request and waits (up to `timeout`) for its answer.
    func request(_ id: Int, _ method: String, _ params: JSONValue = [:], timeout: Duration = .seconds(10))
        async throws -> JSONValue
    {
        write(["jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": params])
        return try await answer(to: id, timeout: timeout)
    }

    /// Waits for the answer to request `id`.
    func answer(to id: Int, timeout: Duration = .seconds(10)) async throws -> JSONValue {
        let timer = Task { [self] in
            try await Task.sleep(for: timeout)
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
        defer { timer.cancel() }
        let answer = await withCheckedContinuation { (continuation: CheckedContinuation<JSONValue?, Never>) in
            let ready = state.withLock { state -> JSONValue? in
                if let answer = state.answers[id] { return answer }
                state.waiters[id] = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        guard let answer else { throw Timeout(description: "\(clientID): no answer to request \(id)") }
        return answer
    }

    /// Calls a tool and returns its result.
    func call(_ id: Int, _ tool: String, _ arguments: JSONValue = [:]) async throws -> JSONValue {
        try await request(id, "tools/call", ["name": .string(tool), "arguments": arguments])["result"] ?? .null
    }

    /// `initialize` (offering roots when it has some) and `notifications/initialized`.
    func initialize() async throws {
        let capabilities: JSONValue = roots.isEmpty ? [:] : ["roots": ["listChanged": true]]
        let params: JSONValue = [
            "protocolVersion": "2025-11-25", "capabilities": capabilities,
            "clientInfo": ["name": "memory-peer", "version": "1"],
        ]
        _ = try await request(0, "initialize", params)
        write(["jsonrpc": "2.0", "method": "notifications/initialized"])
    }

    /// The names `tools/list` shows.
    func toolNames(id: Int) async throws -> Set<String> {
        let tools = try await request(id, "tools/list")["result"]?["tools"]?.arrayValue ?? []
        return Set(tools.compactMap { $0["name"]?.stringValue })
    }
}
