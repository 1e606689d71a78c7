import BastionProtocol
import BastionResources
import BastionSecurity
import BastionSystem
import BastionTransport
import CBastionLinux
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One connection's isolation worker, seen from the server: a `bastion worker` process under the
/// client's sandbox, spoken to with one JSON object a line on its stdin and stdout.
///
/// The server sends the setup line (``WorkerSetup``), then `{"call":id,"tool":…,"arguments":…}`
/// and `{"cancel":id}` lines; the worker answers `{"id":id,"result":…,"annotations":…}`, and
/// forwards the notifications its handlers send (`{"notification":…}`: progress, tagged with the
/// call's id as its token, and log messages), or says `{"fatal":…}` and exits. One thread polls
/// the worker's stdout and stderr (logged) until the worker ends; then every call still waiting
/// gets a failure and the worker is reaped.
final class IsolationWorker: Sendable {
    /// How a call sent to the worker ended.
    enum Reply: Sendable {
        /// The worker's result and the audit notes its handler made.
        case result(ToolResult, annotations: [String: JSONValue])
        /// The `resources/read` result the worker read (`{"contents": […]}`, checked) and the audit
        /// notes its read made.
        case resource(JSONValue, annotations: [String: JSONValue])
        /// The worker refused a `resources/read` with this JSON-RPC error, and the permission
        /// denial behind it, if any.
        case refused(JSONRPCError, denial: PermissionDenial?)
        /// The call was cancelled (or timed out) before the worker answered.
        case cancelled
        /// The worker could not answer: why.
        case failed(String)
    }

    private struct Pending {
        /// Set once the caller waits; a call cancelled before that is only marked.
        var continuation: CheckedContinuation<Reply, Never>?
        var context: RequestContext
        var isCancelled = false
    }

    private struct State {
        var pending: [Int64: Pending] = [:]
        var nextID: Int64 = 1
        /// Why the worker is gone, once it is.
        var ended: String?
    }

    /// The worker's pid.
    let pid: Int32
    /// What the sandbox gave the worker.
    let report: SandboxReport
    /// The session log messages go to (the connection's).
    private let session: MCPSession
    private let pidfd: Int32
    private let input: Int32
    private let limits: JSONLimits
    private let logger: Logger
    private let state = Mutex(State())
    /// Serializes writes; `true` once the worker's stdin is closed.
    private let writer = Mutex(false)
    /// `true` once the worker is reaped (its pidfd closed): signals go through it only before.
    /// Separate from ``writer``: a write blocked on a worker that stopped reading must never keep
    /// the worker from being killed (review 8, finding 10).
    private let lifetime = Mutex(false)

    /// Takes over a started worker, sends it its setup and starts reading its answers.
    /// - Returns: `nil` when no thread could be started (the worker is then killed).
    static func start(
        _ worker: SandboxedWorker,
        setup: WorkerSetup,
        session: MCPSession,
        limits: JSONLimits,
        logger: Logger
    ) -> IsolationWorker? {
        let isolated = IsolationWorker(worker, session: session, limits: limits, logger: logger)
        let output = worker.output
        let errors = worker.errors
        guard DetachedThread.start({ isolated.readLoop(output: output, errors: errors) }) else {
            isolated.stop()
            close(output)
            close(errors)
            _ = isolated.reap()
            return nil
        }
        _ = isolated.send(setup.json)
        return isolated
    }

    private init(_ worker: SandboxedWorker, session: MCPSession, limits: JSONLimits, logger: Logger) {
        self.pid = worker.pid
        self.pidfd = worker.pidfd
        self.input = worker.input
        self.report = worker.report
        self.session = session
        self.limits = limits
        self.logger = logger
    }

    /// Whether the worker still runs (it may still end before the next call reaches it).
    var isAlive: Bool { state.withLock { $0.ended == nil } }

    /// Sends one call and waits for its answer; cancelling the task tells the worker to cancel it.
    func call(_ call: ToolCall, roots: [String]?) async -> Reply {
        var message: [String: JSONValue] = [
            "tool": .string(call.name), "arguments": .object(call.arguments),
            "progress": .bool(call.request.progressToken != nil),
        ]
        if let roots { message["roots"] = .array(roots.map(JSONValue.string)) }
        if let basis = call.approvalBasis { message["basis"] = basis.workerJSON }
        return await exchange(message, context: call.request)
    }

    /// Has the worker answer a `resources/read` of `uri` (review 8, finding 15: a resource read
    /// is a file read, and runs where the client's tools do).
    func readResource(_ uri: String, context: RequestContext, roots: [String]?) async -> Reply {
        var message: [String: JSONValue] = ["resource": .string(uri)]
        if let roots { message["roots"] = .array(roots.map(JSONValue.string)) }
        return await exchange(message, context: context)
    }

    /// Sends one request line (`message` plus its `call` id) and waits for its answer.
    private func exchange(_ message: [String: JSONValue], context: RequestContext) async -> Reply {
        let id = state.withLock { state -> Int64 in
            defer { state.nextID += 1 }
            state.pending[state.nextID] = Pending(continuation: nil, context: context)
            return state.nextID
        }
        var message = message
        message["call"] = .int(id)
        let encoded = JSONValue.object(message)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Reply, Never>) in
                let refusal = state.withLock { state -> Reply? in
                    guard let pending = state.pending[id] else {
                        return .failed(state.ended ?? "the isolation worker ended")
                    }
                    if pending.isCancelled {
                        state.pending[id] = nil
                        return .cancelled
                    }
                    state.pending[id]?.continuation = continuation
                    return nil
                }
                if let refusal {
                    continuation.resume(returning: refusal)
                } else if !send(encoded) {
                    finish(id, with: .failed("the isolation worker cannot be reached"))
                }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Reply, Never>? in
                guard let pending = state.pending[id] else { return nil }
                guard let continuation = pending.continuation else {
                    state.pending[id]?.isCancelled = true
                    return nil
                }
                state.pending[id] = nil
                return continuation
            }
            guard let waiting else { return }
            waiting.resume(returning: .cancelled)
            // Never wait here: a worker that does not take the cancel line at once is killed.
            if !sendWithoutWaiting(["cancel": .int(id)]) { stop() }
        }
    }

    /// The audit notes a worker's handler may add: the paths and URIs it acted on, each at most
    /// 4 KiB of JSON. Everything else in the record is the server's (review 8, finding 5: a
    /// subverted worker must not turn a call into another in the log, or claim an approval).
    static let workerAnnotations: Set<String> = ["path", "paths", "destination", "uri"]

    /// The notes of a worker's handler that the server's record takes.
    static func acceptedAnnotations(_ annotations: [String: JSONValue]) -> [String: JSONValue] {
        annotations.filter { workerAnnotations.contains($0.key) && JSONWriter.encode($0.value).count <= 4_096 }
    }

    /// Kills the worker; its reader thread then fails what still waits and reaps it.
    func stop() {
        lifetime.withLock { isReaped in
            if !isReaped { _ = pidfd >= 0 ? cbastion_pidfd_send_signal(pidfd, SIGKILL) : kill(pid, SIGKILL) }
        }
    }

    // MARK: - Writing

    /// Writes a line unless another write holds the pipe or the pipe cannot take it whole now.
    private func sendWithoutWaiting(_ message: JSONValue) -> Bool {
        var bytes = JSONWriter.encode(message)
        bytes.append(UInt8(ascii: "\n"))
        let sent = writer.withLockIfAvailable { isClosed -> Bool in
            guard !isClosed else { return false }
            let attempt = bytes.withUnsafeBytes { FileDescriptorIO.writeWithoutWaiting(input, $0) }
            return attempt == .wrote(bytes.count)
        }
        return sent ?? false
    }

    private func send(_ message: JSONValue) -> Bool {
        var bytes = JSONWriter.encode(message)
        bytes.append(UInt8(ascii: "\n"))
        return writer.withLock { isClosed in
            !isClosed && bytes.withUnsafeBytes { FileDescriptorIO.writeAll(input, $0) } == nil
        }
    }

    private func finish(_ id: Int64, with reply: Reply) {
        let pending = state.withLock { $0.pending.removeValue(forKey: id) }
        pending?.continuation?.resume(returning: reply)
    }

    // MARK: - Reading (the worker's thread)

    private func readLoop(output: Int32, errors: Int32) {
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        var framer = LineFramer(maxFrameBytes: limits.maxBytes)
        var errorFramer = LineFramer(maxFrameBytes: 4_096)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var errorsOpen = true
        var fatal: String?
        reading: while true {
            var descriptors = [pollfd(fd: output, events: Int16(POLLIN), revents: 0)]
            if errorsOpen { descriptors.append(pollfd(fd: errors, events: Int16(POLLIN), revents: 0)) }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if errorsOpen, descriptors[1].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(errors, $0.baseAddress, $0.count) }
                if count <= 0, !(count < 0 && errno == EINTR) {
                    errorsOpen = false
                } else if count > 0 {
                    buffer.withUnsafeBytes { raw in
                        errorFramer.append(UnsafeRawBufferPointer(rebasing: raw[..<count])) { event in
                            guard case .frame(let line) = event else { return }
                            logger.warning(
                                "isolation worker: \(String(decoding: line, as: UTF8.self))",
                                metadata: ["worker.pid": "\(pid)"]
                            )
                        }
                    }
                }
            }
            guard descriptors[0].revents != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { raw in
                framer.append(UnsafeRawBufferPointer(rebasing: raw[..<count])) { event in
                    switch event {
                    case .frame(let line):
                        if let problem = handle(line) { fatal = fatal ?? problem }
                    case .oversized(let byteCount):
                        fatal = fatal ?? "the isolation worker sent a message of \(byteCount) bytes"
                    }
                }
            }
            if fatal != nil { break reading }
        }
        if let fatal {
            logger.error("Stopping the isolation worker", metadata: ["worker.pid": "\(pid)", "reason": "\(fatal)"])
            stop()
        }
        close(output)
        if errorsOpen { close(errors) }
        let status = reap()
        let reason = fatal ?? "the isolation worker ended (\(status))"
        let waiting = state.withLock { state -> [Pending] in
            state.ended = state.ended ?? reason
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for pending in waiting { pending.continuation?.resume(returning: .failed(reason)) }
    }

    /// Handles one line from the worker; returns a reason to stop it when the line is not one the
    /// protocol allows.
    private func handle(_ line: UnsafeRawBufferPointer) -> String? {
        let message: JSONValue
        do {
            message = try JSONParser.parse(line, limits: limits)
        } catch {
            return "the isolation worker sent malformed JSON"
        }
        if let id = message["id"]?.intValue {
            if let contents = message["contents"] {
                guard let checked = Self.resourceContents(contents) else {
                    return "the isolation worker sent malformed resource contents"
                }
                finish(
                    id,
                    with: .resource(["contents": checked], annotations: message["annotations"]?.objectValue ?? [:])
                )
                return nil
            }
            if let error = message["error"] {
                guard let code = error["code"]?.intValue, let text = error["message"]?.stringValue else {
                    return "the isolation worker sent a malformed error"
                }
                var denial: PermissionDenial?
                if let json = message["denial"] {
                    guard let decoded = PermissionDenial(workerJSON: json) else {
                        return "the isolation worker sent a malformed denial"
                    }
                    denial = decoded
                }
                let data = error["data"].flatMap { $0.isNull ? nil : $0 }
                let refusal = JSONRPCError(code: Int(code), message: text, data: data)
                finish(id, with: .refused(refusal, denial: denial))
                return nil
            }
            guard let json = message["result"], let result = ToolResult(workerJSON: json) else {
                return "the isolation worker sent a malformed result"
            }
            finish(id, with: .result(result, annotations: message["annotations"]?.objectValue ?? [:]))
            return nil
        }
        if let notification = message["notification"] {
            forward(notification)
            return nil
        }
        if let fatal = message["fatal"]?.stringValue {
            state.withLock { $0.ended = $0.ended ?? "the isolation worker could not start: \(fatal)" }
            logger.error("The isolation worker could not start", metadata: ["reason": "\(fatal)"])
            return nil
        }
        return "the isolation worker sent an unknown message"
    }

    /// The items of a worker's `resources/read` answer with only the members the protocol has:
    /// `uri`, `mimeType`, and `text` or `blob`, each a string; `nil` when one does not fit.
    static func resourceContents(_ json: JSONValue) -> JSONValue? {
        guard let items = json.arrayValue else { return nil }
        var checked: [JSONValue] = []
        for item in items {
            guard let uri = item["uri"]?.stringValue else { return nil }
            var kept: [String: JSONValue] = ["uri": .string(uri)]
            if let mimeType = item["mimeType"] {
                guard let text = mimeType.stringValue else { return nil }
                kept["mimeType"] = .string(text)
            }
            switch (item["text"]?.stringValue, item["blob"]?.stringValue) {
            case (let text?, nil): kept["text"] = .string(text)
            case (nil, let blob?): kept["blob"] = .string(blob)
            default: return nil
            }
            checked.append(.object(kept))
        }
        return .array(checked)
    }

    /// The `_meta` member by which the worker tags a call's log messages with the call's id.
    static let callTagKey = "bastion/worker-call"

    /// Progress goes to the call it belongs to (its token is the call's id), and so do log
    /// messages (tagged with it), which then follow that call's rules: the level the client set,
    /// or on 2026-07-28 the request's own `_meta` level (review 13, finding 3: they went to the
    /// session, which sends none on a modern connection). Nothing else is forwarded.
    private func forward(_ notification: JSONValue) {
        let params = notification["params"]
        switch notification["method"]?.stringValue {
        case "notifications/progress":
            guard let id = params?["progressToken"]?.intValue, let progress = params?["progress"]?.doubleValue else {
                return
            }
            let context = state.withLock { $0.pending[id]?.context }
            context?.reportProgress(
                progress,
                total: params?["total"]?.doubleValue,
                message: params?["message"]?.stringValue
            )
        case "notifications/message":
            guard let level = params?["level"]?.stringValue.flatMap(LogLevel.init(rawValue:)),
                let data = params?["data"]
            else { return }
            let logger = params?["logger"]?.stringValue
            guard let id = params?["_meta"]?[Self.callTagKey]?.intValue,
                let context = state.withLock({ $0.pending[id]?.context })
            else {
                // Not a call's (or its call has ended): the session's rules, as for any message.
                return session.log(level, logger: logger, data: data)
            }
            context.log(level, logger: logger, data: data)
        default:
            return
        }
    }

    /// Waits for the worker's end and describes it.
    private func reap() -> String {
        var code: Int32 = 0
        var signaled: Int32 = 0
        defer {
            lifetime.withLock { isReaped in
                if !isReaped, pidfd >= 0 { close(pidfd) }
                isReaped = true
            }
            // The worker is gone: a write still blocked on its stdin has failed (EPIPE) and let go.
            writer.withLock { isClosed in
                if !isClosed { close(input) }
                isClosed = true
            }
        }
        guard cbastion_reap(pid, &code, &signaled) == 0 else {
            return "not reaped: \(String(cString: strerror(errno)))"
        }
        return signaled != 0 ? "signal \(code)" : "exit status \(code)"
    }
}
