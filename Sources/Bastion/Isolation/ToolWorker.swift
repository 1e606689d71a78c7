import BastionProtocol
import BastionSecurity
import BastionSystem
import BastionTransport
import CBastionLinux
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The worker side of `isolation = "process"`: `bastion worker`, started by the server through
/// `sandbox-exec` under one client's sandbox, runs that client's tool handlers (the protocol is
/// ``IsolationWorker``'s). It builds the same tools as the server from the same modules, and the
/// same client context from the configuration it is sent; it checks every path again, and the
/// kernel holds whatever a check gets wrong.
///
/// A binary that embeds Bastion with modules of its own must run this for `worker`, registering
/// the same modules as its server does, as the `bastion` command does.
public enum ToolWorker {
    /// The command-line verb.
    public static let verb = "worker"
    /// The longest line the server sends (a call's arguments are at most a client message).
    static let maximumLineBytes = 1 << 30

    /// Serves calls on stdin and stdout until stdin ends, then exits; never returns.
    /// - Parameters:
    ///   - register: Adds the modules the server added to ``BastionServer`` (beyond the built-in ones).
    ///   - logger: Where problems go (stderr, which the server logs).
    public static func run(
        registering register: @escaping @Sendable (inout BastionServer) -> Void = { _ in },
        logger: Logger
    ) async -> Never {
        let worker = Worker(register: register, logger: logger)
        // Before anything is read: what the worker needs nothing of, a subverted one cannot use.
        guard cbastion_seccomp_install_worker() == 0 else {
            worker.fail("cannot install the worker's seccomp filter: \(String(cString: strerror(errno)))")
        }
        guard DetachedThread.start({ worker.readLoop() }) else {
            logger.critical("cannot start the isolation worker's reader thread")
            exit(1)
        }
        await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
        exit(0)
    }
}

/// The worker's state: what the setup built, and the calls running.
private final class Worker: Sendable {
    struct Setup: Sendable {
        var client: ClientContext
        var tools: [String: ToolDefinition]
        var resources: ResourceManager
        var session: MCPSession
    }

    let register: @Sendable (inout BastionServer) -> Void
    let logger: Logger
    let output = WorkerOutput()
    let setup = Mutex<Setup?>(nil)
    let running = Mutex<[Int64: Task<Void, Never>]>([:])

    init(register: @escaping @Sendable (inout BastionServer) -> Void, logger: Logger) {
        self.register = register
        self.logger = logger
    }

    func readLoop() {
        var framer = LineFramer(maxFrameBytes: ToolWorker.maximumLineBytes)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { exit(0) }  // the server is gone, or done with this worker
            buffer.withUnsafeBytes { raw in
                framer.append(UnsafeRawBufferPointer(rebasing: raw[..<count])) { event in
                    guard case .frame(let line) = event else { fail("a line from the server is too long") }
                    handle(line)
                }
            }
        }
    }

    func fail(_ message: String) -> Never {
        output.write(["fatal": .string(message)])
        exit(1)
    }

    func handle(_ line: UnsafeRawBufferPointer) {
        let message: JSONValue
        do {
            message = try JSONParser.parse(
                line,
                limits: JSONLimits(maxBytes: ToolWorker.maximumLineBytes, maxDepth: 512)
            )
        } catch {
            fail("the server sent malformed JSON: \(error)")
        }
        if let id = message["cancel"]?.intValue {
            running.withLock { $0[id] }?.cancel()
        } else if let id = message["call"]?.intValue {
            guard let current = setup.withLock({ $0 }) else { fail("a call came before the setup") }
            start(id, message, current)
        } else if let setup = WorkerSetup(json: message) {
            prepare(setup)
        } else {
            fail("the server sent an unknown message")
        }
    }

    /// Builds the client's context, tools and a local session from the setup.
    func prepare(_ given: WorkerSetup) {
        let configuration: BastionConfiguration
        do {
            configuration = try BastionConfiguration.parse(
                toml: given.configuration,
                source: "the isolation worker's setup",
                environment: ["HOME": given.home]
            )
        } catch {
            fail("the configuration does not parse: \(error.message)")
        }
        var server = BastionServer(configuration: configuration)
        server.home = given.home
        register(&server)
        let client: ClientContext
        do {
            let manager = try ClientManager(
                clients: configuration.registryClients(home: given.home),
                protectedPaths: given.protectedPaths,
                runtimePaths: server.runtimePaths
            ) { _, _, _ in }
            client = try manager.connect(.stdio(clientID: given.clientID), transport: given.transport).context
        } catch {
            fail("the client \(given.clientID) cannot be set up: \(error)")
        }
        let resources = ResourceManager(registry: server.resourceRegistry(), logger: logger)
        let registry = server.toolRegistry()
        let tools = Dictionary(
            registry.tools.filter { !$0.runsInServer }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "bastion-worker", version: BastionServer.version),
                capabilities: ServerCapabilities(logging: true),
                handlerDeadline: .seconds(365 * 24 * 3_600)
            ),
            router: RequestRouter(),
            sink: WorkerNotificationSink(output: output),
            observer: SilentObserver(),
            id: "worker",
            logger: logger
        )
        // The local session is initialized at the latest version (progress messages kept) and logs
        // at every level: the server's session of the connection applies the client's version and level.
        for frame in [
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(ProtocolVersion.latest.rawValue)","capabilities":{},"clientInfo":{"name":"bastion","version":"\#(BastionServer.version)"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"debug"}}"#,
        ] {
            Array(frame.utf8).withUnsafeBytes { session.receive($0) }
        }
        setup.withLock { $0 = Setup(client: client, tools: tools, resources: resources, session: session) }
    }

    func start(_ id: Int64, _ message: JSONValue, _ current: Setup) {
        if let roots = message["roots"]?.arrayValue {
            current.client.setOfferedRoots(roots.compactMap(\.stringValue))
        }
        if let uri = message["resource"]?.stringValue {
            readResource(id, uri: uri, current)
            return
        }
        guard let name = message["tool"]?.stringValue, let arguments = message["arguments"]?.objectValue else {
            fail("a call without a tool or arguments")
        }
        var basis: ApprovalBasis?
        if let json = message["basis"] {
            guard let decoded = ApprovalBasis(workerJSON: json) else { fail("a call with a malformed approval basis") }
            basis = decoded
        }
        let context = RequestContext(
            id: .int(id),
            method: "tools/call",
            params: message["progress"]?.boolValue == true ? ["_meta": ["progressToken": .int(id)]] : nil,
            session: current.session,
            messageTag: [IsolationWorker.callTagKey: .int(id)]
        )
        let call = ToolCall(name: name, arguments: arguments, request: context, approvalBasis: basis)
        running.withLock { running in
            running[id] = Task { [self] in
                let result: ToolResult
                if let tool = current.tools[name] {
                    result = await ToolManager.runHandler(tool, call: call, client: current.client, logger: logger)
                } else {
                    result = .error("The tool \"\(name)\" does not run in the isolation worker")
                }
                _ = self.running.withLock { $0.removeValue(forKey: id) }
                output.write(["id": .int(id), "result": result.workerJSON, "annotations": .object(context.annotations)])
            }
        }
    }
}

extension Worker {
    /// A `resources/read` of the client, answered with its contents or its JSON-RPC error.
    func readResource(_ id: Int64, uri: String, _ current: Setup) {
        let context = RequestContext(
            id: .int(id),
            method: "resources/read",
            params: ["uri": .string(uri)],
            session: current.session
        )
        running.withLock { running in
            running[id] = Task { [self] in
                let answer: JSONValue
                do throws(JSONRPCError) {
                    let result = try await current.resources.read(
                        params: ["uri": .string(uri)],
                        client: current.client,
                        context: context
                    )
                    answer = [
                        "id": .int(id), "contents": result["contents"] ?? .array([]),
                        "annotations": .object(context.annotations),
                    ]
                } catch {
                    var refusal: [String: JSONValue] = [
                        "id": .int(id),
                        "error": [
                            "code": .int(Int64(error.code)), "message": .string(error.message),
                            "data": error.data ?? .null,
                        ],
                    ]
                    if let denial = Self.denial(in: context.annotations) { refusal["denial"] = denial.workerJSON }
                    answer = .object(refusal)
                }
                _ = self.running.withLock { $0.removeValue(forKey: id) }
                output.write(answer)
            }
        }
    }
}

extension Worker {
    /// The denial a refused read noted in its context (`RequestContext.note(_:)`), rebuilt.
    static func denial(in annotations: [String: JSONValue]) -> PermissionDenial? {
        guard annotations["decision"]?.stringValue == "deny", let permission = annotations["permission"]?.stringValue,
            let target = annotations["path"]?.stringValue,
            let rule = annotations["rule"]?.stringValue.flatMap(PermissionDenial.Rule.init(rawValue:))
        else { return nil }
        return PermissionDenial(
            permission: permission,
            target: target,
            rule: rule,
            pattern: annotations["rule_pattern"]?.stringValue
        )
    }
}

/// The worker's stdout: one JSON object a line, written whole under a lock.
private final class WorkerOutput: Sendable {
    private let lock = Mutex(())

    func write(_ message: JSONValue) {
        var bytes = JSONWriter.encode(message)
        bytes.append(UInt8(ascii: "\n"))
        write(bytes)
    }

    func write(_ bytes: [UInt8]) {
        let failed = lock.withLock { _ in bytes.withUnsafeBytes { FileDescriptorIO.writeAll(1, $0) } != nil }
        if failed { exit(0) }  // the server is gone
    }
}

/// Where the worker's local session writes: notifications are forwarded, answers (to the local
/// `initialize` and `logging/setLevel`) dropped.
private struct WorkerNotificationSink: MessageSink {
    let output: WorkerOutput

    func send(_ message: consuming [UInt8]) -> Bool {
        let bytes = message
        guard let parsed = try? JSONParser.parse(bytes), parsed["method"] != nil, parsed["id"] == nil else {
            return true
        }
        var line = Array(#"{"notification":"#.utf8)
        line += bytes
        line += Array("}\n".utf8)
        output.write(line)
        return true
    }
}

/// The local session is not audited: the server records the call.
private struct SilentObserver: SessionObserver {
    func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? { nil }
    func sessionShouldAccept(_ session: MCPSession, method: String) -> JSONRPCError? { nil }
}
