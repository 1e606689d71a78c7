import BastionProtocol
import BastionSecurity
import Foundation
import Logging
import Synchronization

@testable import Bastion

/// A sink that keeps every message a session writes.
final class RecordingSink: MessageSink {
    private let messages = Mutex<[[UInt8]]>([])

    func send(_ message: consuming [UInt8]) -> Bool {
        let bytes = message
        messages.withLock { $0.append(bytes) }
        return true
    }

    /// The messages written so far, parsed.
    var sent: [JSONValue] {
        messages.withLock { $0 }.compactMap { try? JSONParser.parse($0) }
    }

    /// The notifications written so far with method `method`.
    func notifications(_ method: String) -> [JSONValue] {
        sent.filter { $0["method"] == .string(method) && $0["id"] == nil }
    }

    /// The response to request `id`, if written.
    func response(to id: JSONValue) -> JSONValue? {
        sent.first { $0["id"] == id && $0["method"] == nil }
    }
}

/// An observer that ignores everything.
struct NullObserver: SessionObserver {
    func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? { nil }
}

/// A log handler that keeps its messages, to check what reaches the server log.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked: the only mutable state is behind `storage`'s mutex; `metadata`/`logLevel` are
    // set before the handler is shared.
    private let storage = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        storage.withLock { $0.append("\(event.level) \(event.message) \(rendered)") }
    }

    /// Every line logged so far.
    var lines: [String] { storage.withLock { $0 } }
}

enum SessionTestSupport {
    /// A logger that discards everything.
    static let quietLogger = Logger(label: "bastion.tests") { _ in SwiftLogNoOpLogHandler() }

    /// A logger writing into `handler`.
    static func logger(into handler: CapturingLogHandler) -> Logger {
        Logger(label: "bastion.tests") { _ in handler }
    }

    /// A session with the given routes, writing to `sink`.
    static func makeSession(
        router: RequestRouter = RequestRouter(),
        sink: RecordingSink = RecordingSink(),
        observer: any SessionObserver = NullObserver(),
        capabilities: ServerCapabilities = ServerRuntime.capabilities
    ) -> MCPSession {
        MCPSession(
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "bastion-test", version: "0.0.1"),
                capabilities: capabilities
            ),
            router: router,
            sink: sink,
            observer: observer,
            id: "s-test",
            logger: quietLogger
        )
    }

    /// Feeds one frame to the session.
    static func feed(_ session: MCPSession, _ text: String) {
        Array(text.utf8).withUnsafeBytes { session.receive($0) }
    }

    /// Completes `initialize` at `version`.
    static func initialize(_ session: MCPSession, version: ProtocolVersion) {
        feed(
            session,
            #"{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":""#
                + version.rawValue + #"","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}"#
        )
    }

    /// An initialized session at `version` and a request context on it.
    static func makeContext(
        version: ProtocolVersion = .latest,
        method: String = "tools/call",
        params: JSONValue? = nil,
        sink: RecordingSink = RecordingSink()
    ) -> RequestContext {
        let session = makeSession(sink: sink)
        initialize(session, version: version)
        return RequestContext(id: .int(1), method: method, params: params, session: session)
    }

    /// The text of the first content item of a tool result.
    static func firstText(_ result: JSONValue) -> String? {
        result["content"]?.arrayValue?.first?["text"]?.stringValue
    }

    /// A client context; the workdir defaults to one that need not exist.
    static func makeClient(
        id: String = "claude",
        permissions: [Permission] = [],
        workdir: String = "/nonexistent/bastion-tests"
    ) -> ClientContext {
        ClientContext(
            identity: ClientIdentity(clientID: id, transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: workdir,
            limits: ResourceLimits()
        )
    }
}

/// Builds tool definitions through the public registry, as modules do.
enum ToolFixtures {
    /// A tool that returns `text` unless given a handler; it needs no permission unless told.
    static func tool(
        _ name: String,
        title: String? = nil,
        schema: JSONValue = ["type": "object"],
        outputSchema: JSONValue? = nil,
        annotations: ToolAnnotations = ToolAnnotations(),
        permissions: RequiredPermissions = .public,
        handler: @escaping ToolDefinition.Handler = { _, call in .text("called \(call.name)") }
    ) -> ToolDefinition {
        var registry = ToolRegistry()
        registry.register(
            name: name,
            title: title,
            description: "The \(name) tool",
            inputSchema: schema,
            outputSchema: outputSchema,
            annotations: annotations,
            permissions: permissions,
            handler: handler
        )
        precondition(registry.problems.isEmpty, "fixture \(name): \(registry.problems)")
        return registry.tools[0]
    }
}

/// A private temporary directory (made with `mkdtemp`) that tests remove when they are done.
struct ScratchDirectory: ~Copyable {
    /// The absolute path of the directory.
    let path: String

    /// Creates a fresh directory under `/tmp`.
    init() throws {
        var template = Array("/tmp/bastion-core-tests.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// The permission bits of `path`, read with `lstat`; `nil` when it does not exist.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// The lines of a text file, parsed as JSON.
    static func jsonLines(of path: String) throws -> [JSONValue] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }
}
