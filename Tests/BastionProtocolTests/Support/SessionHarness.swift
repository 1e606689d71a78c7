import Logging

@testable import BastionProtocol

/// A session wired to a recording sink and observer, fed with text frames.
struct SessionHarness {
    let sink: RecordingSink
    let observer: RecordingObserver
    let session: MCPSession

    static let identity = ServerIdentity(name: "bastion-test", version: "1.2.3")

    init(
        router: RequestRouter = RequestRouter(),
        capabilities: ServerCapabilities = ServerCapabilities(tools: true),
        identity: ServerIdentity = SessionHarness.identity,
        limits: JSONLimits = .default,
        requestTimeout: Duration = .seconds(60),
        handlerDeadline: Duration? = nil,
        maxConcurrentRequests: Int = 256,
        maxQueuedRequests: Int = 1024,
        maxQueuedBytes: Int = 16 << 20,
        sink: RecordingSink = RecordingSink(),
        observer: RecordingObserver = RecordingObserver(),
        id: String = "s-test"
    ) {
        self.sink = sink
        self.observer = observer
        let configuration = MCPSession.Configuration(
            identity: identity,
            capabilities: capabilities,
            limits: limits,
            requestTimeout: requestTimeout,
            maxConcurrentRequests: maxConcurrentRequests,
            maxQueuedRequests: maxQueuedRequests,
            maxQueuedBytes: maxQueuedBytes
        )
        var configured = configuration
        if let handlerDeadline { configured.handlerDeadline = handlerDeadline }
        self.session = MCPSession(
            configuration: configured,
            router: router,
            sink: sink,
            observer: observer,
            id: id,
            logger: Self.logger
        )
    }

    /// A logger that drops everything.
    static let logger = Logger(label: "bastion.tests") { _ in SwiftLogNoOpLogHandler() }

    /// Hands one frame to the session, exactly as a transport would.
    func receive(_ text: String) {
        receive(bytes: Array(text.utf8))
    }

    /// Hands one frame to the session.
    func receive(bytes: [UInt8]) {
        bytes.withUnsafeBytes { session.receive($0) }
    }

    /// Encodes `json` and hands it to the session.
    func receive(json: JSONValue) {
        receive(bytes: JSONWriter.encode(json))
    }

    /// Sends `initialize` (answered inline) and `notifications/initialized`; returns the response.
    @discardableResult
    func initialize(
        _ version: String = ProtocolVersion.latest.rawValue,
        id: JSONValue = "init",
        capabilities: JSONValue = [:],
        clientName: String = "test-client"
    ) -> JSONValue? {
        receive(json: [
            "jsonrpc": "2.0", "id": id, "method": "initialize",
            "params": [
                "protocolVersion": .string(version), "capabilities": capabilities,
                "clientInfo": ["name": .string(clientName), "version": "0.1"],
            ],
        ])
        receive(json: ["jsonrpc": "2.0", "method": "notifications/initialized"])
        return sink.responses(to: id).last
    }

    /// A request frame.
    static func request(_ id: JSONValue, _ method: String, _ params: JSONValue? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
        if let params { members["params"] = params }
        return .object(members)
    }

    /// A notification frame.
    static func notification(_ method: String, _ params: JSONValue? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { members["params"] = params }
        return .object(members)
    }
}

extension JSONValue {
    /// `error.code` of a response, if it is an error response.
    var errorCode: Int64? { self["error"]?["code"]?.intValue }
}

/// A one-shot signal a handler can wait for and a test can fire (or the reverse).
final class Gate: Sendable {
    private let recorder = Recorder<Void>()

    /// Opens the gate; every current and later waiter proceeds.
    func open() { recorder.append(()) }

    /// Waits until the gate is opened, or `timeout` passed; returns whether it was opened.
    @discardableResult
    func wait(timeout: Duration = .seconds(10)) async -> Bool {
        await !recorder.wait(forCount: 1, timeout: timeout).isEmpty
    }
}
