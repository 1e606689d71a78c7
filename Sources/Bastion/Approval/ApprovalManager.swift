import BastionProtocol
import BastionResources
import BastionSecurity
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Decides which tool calls need a person's approval and obtains it, through the client
/// (elicitation) or through the local operator (`bastion approve`).
///
/// The per-client settings sit behind a mutex and can be replaced while the server runs
/// (configuration reload); a call in progress keeps the settings it started with. The local socket
/// is opened on the first call that needs it, so a server without local approvals creates nothing.
package final class ApprovalManager: Sendable {
    /// One client's approval settings.
    package struct Settings: Sendable, Hashable {
        /// Which calls need approval.
        package var policy: ApprovalPolicy
        /// Where approval is asked.
        package var channel: ApprovalChannel

        /// Creates settings.
        package init(policy: ApprovalPolicy, channel: ApprovalChannel) {
            self.policy = policy
            self.channel = channel
        }
    }

    /// How long a call waits for an answer before it is refused.
    package static let defaultTimeout: Duration = .seconds(120)

    private enum Listener {
        case idle
        case running(ApprovalSocketServer)
        case stopped
    }

    /// How long a call waits for an answer.
    let timeout: Duration
    /// The directory of the local sockets; `nil` when the environment gives none.
    let directory: String?
    /// The calls waiting for the local operator.
    let pending = PendingApprovals()
    /// Calls of one client waiting for a person at most; more are refused at once. A flood of calls
    /// must neither bury a real request in `bastion approve list` nor hold every in-flight slot of a
    /// session while its reader waits (the client's answers would then never be read). Counted per
    /// client, so that one client (over any number of connections) cannot use up everyone's.
    static let maximumWaitingPerClient = 32
    /// Calls waiting for a person at most in the whole process, whatever the clients.
    static let maximumWaiting = 1_024
    private let waiting = Mutex(WaitingCount())
    private let settings: Mutex<[String: Settings]>
    private let listener = Mutex(Listener.idle)
    let logger: Logger
    /// Told about each call that starts waiting for the local operator (after it is answerable).
    let onPending: (@Sendable (ApprovalRequest) -> Void)?
    /// What each tool's calls will do, by tool name (``ApprovalPreviewer``).
    let previewers: [String: any ApprovalPreviewer]
    /// Seals the `requestState` of the questions asked through `input_required` (2026-07-28);
    /// a state lives as long as a call may wait for its answer.
    let requestStates: RequestStateSealer

    /// The previewers of the built-in tools: file changes, and executions (ARCHITECTURE §4).
    static let standardPreviewers: [any ApprovalPreviewer] = [
        FileChangePreviewer(files: FileSystemManager()), PathChangePreviewer(files: FileSystemManager()),
        ExecutionPreviewer(),
    ]

    /// Creates a manager for the configured clients.
    /// - Parameters:
    ///   - clients: The clients and their `approval` / `approval_channel` settings.
    ///   - directory: The local sockets' directory (default: from the environment, see ``ApprovalDirectory``).
    ///   - timeout: How long a call waits (default ``defaultTimeout``).
    ///   - logger: Where "approval needed" is announced.
    ///   - onPending: Told about each call that starts waiting for the local operator.
    ///   - previewers: What calls will do, shown to the person (a later one wins for a tool name).
    init(
        clients: [ClientConfiguration],
        directory: String? = ApprovalDirectory.path(),
        timeout: Duration = ApprovalManager.defaultTimeout,
        logger: Logger,
        onPending: (@Sendable (ApprovalRequest) -> Void)? = nil,
        previewers: [any ApprovalPreviewer] = ApprovalManager.standardPreviewers
    ) {
        self.settings = Mutex(Self.settings(of: clients))
        self.directory = directory
        self.timeout = timeout
        self.logger = logger
        self.onPending = onPending
        var byName: [String: any ApprovalPreviewer] = [:]
        for previewer in previewers {
            for name in previewer.toolNames { byName[name] = previewer }
        }
        self.previewers = byName
        self.requestStates = RequestStateSealer(lifetimeSeconds: Self.wholeSeconds(rounding: timeout))
    }

    /// A duration in whole seconds, rounded up (at least one): a state must live as long as its call may wait.
    static func wholeSeconds(rounding duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, seconds + (attoseconds > 0 ? 1 : 0))
    }

    /// What a call will do, from its tool's previewer, computed on the blocking executor (it may read files).
    func preview(
        tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext
    ) async -> ApprovalPreview? {
        guard let previewer = previewers[tool.name] else { return nil }
        return await withTaskExecutorPreference(BlockingExecutor.shared) {
            previewer.preview(tool: tool, arguments: arguments, client: client)
        }
    }

    /// Replaces every client's settings (configuration reload). Calls already waiting are unaffected.
    /// - Parameter clients: The new client list.
    package func replaceSettings(_ clients: [ClientConfiguration]) {
        let new = Self.settings(of: clients)
        settings.withLock { $0 = new }
    }

    /// The settings of a client; an unknown client needs no approval (it cannot have been authenticated).
    /// - Parameter clientID: The client's id.
    /// - Returns: Its settings.
    package func settings(for clientID: String) -> Settings {
        settings.withLock { $0[clientID] } ?? Settings(policy: .never, channel: .local)
    }

    private static func settings(of clients: [ClientConfiguration]) -> [String: Settings] {
        Dictionary(
            clients.map { ($0.id, Settings(policy: $0.approval, channel: $0.approvalChannel)) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// The local socket's path, once it is listening.
    var socketPath: String? {
        listener.withLock { state in
            if case .running(let server) = state { return server.path }
            return nil
        }
    }

    /// Stops the local listener (its socket file is removed) and refuses every waiting call.
    package func shutdown() {
        let server = listener.withLock { state -> ApprovalSocketServer? in
            defer { state = .stopped }
            if case .running(let server) = state { return server }
            return nil
        }
        server?.stop()
        pending.resolveAll(with: .denied(reason: "the server is shutting down"))
    }

    /// Starts the local listener unless it runs already.
    func startListener() throws(ApprovalError) -> String {
        guard let directory else {
            throw ApprovalError("no directory for approval sockets (set XDG_RUNTIME_DIR, HOME or BASTION_APPROVAL_DIR)")
        }
        let result = listener.withLock { state -> Result<String, ApprovalError> in
            switch state {
            case .running(let server):
                return .success(server.path)
            case .stopped:
                return .failure(ApprovalError("the server is shutting down"))
            case .idle:
                do throws(ApprovalError) {
                    let server = try ApprovalSocketServer(directory: directory, pending: pending, logger: logger)
                    state = .running(server)
                    return .success(server.path)
                } catch {
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }

    /// Runs the approval step of one call: decides whether approval is needed, asks, and notes the
    /// outcome for the audit record (`approval`, `approval_channel`, `approval_id`, `approval_reason`).
    /// - Parameters:
    ///   - tool: The tool.
    ///   - arguments: Its validated arguments.
    ///   - client: The caller.
    ///   - context: The request.
    ///   - retry: What a 2026-07-28 retry after an `input_required` result carries.
    /// - Returns: The verdict; the call runs only on ``ApprovalVerdict/notRequired`` or ``ApprovalVerdict/allowed(_:basis:)``.
    func review(
        tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext,
        context: RequestContext,
        retry: InputRetry = InputRetry()
    ) async -> ApprovalVerdict {
        let settings = settings(for: client.id)
        guard settings.policy.requiresApproval(for: tool.annotations) else { return .notRequired }
        context.annotate("approval_channel", .string(settings.channel.rawValue))
        let verdict: ApprovalVerdict
        let refusal = waiting.withLock { count in
            count.admit(client.id, perClient: Self.maximumWaitingPerClient, total: Self.maximumWaiting)
        }
        if let reason = refusal {
            verdict = .refused(ApprovalRefusal(kind: .unavailable, channel: settings.channel, reason: reason))
        } else {
            // A person's time to answer does not count against the call's own time limit: the
            // deadline is pushed back for the wait, then brought back to the time really spent.
            let asked = ContinuousClock.now
            context.extendDeadline(by: timeout)
            switch settings.channel {
            case .client:
                verdict = await askClient(
                    tool: tool,
                    arguments: arguments,
                    client: client,
                    context: context,
                    retry: retry
                )
            case .local: verdict = await askOperator(tool: tool, arguments: arguments, client: client, context: context)
            }
            context.extendDeadline(by: (ContinuousClock.now - asked) - timeout)
            waiting.withLock { $0.release(client.id) }
        }
        switch verdict {
        case .notRequired:
            break
        case .allowed:
            context.annotate("approval", "allowed")
        case .refused(let refusal):
            context.annotate("approval", .string(refusal.kind.rawValue))
            context.annotate("approval_reason", .string(refusal.reason))
        case .inputRequired:
            context.annotate("approval", "asked")
        case .failed(let error):
            context.annotate("approval", "unavailable")
            context.annotate("approval_reason", .string(error.message))
        }
        return verdict
    }

    /// A wait that ended without an answer: the call's deadline (the client's `timeout_ms`, extended
    /// by the approval timeout while a person is asked), or the client's cancellation.
    func interrupted(_ channel: ApprovalChannel, context: RequestContext, client: ClientContext) -> ApprovalVerdict {
        guard context.isTimedOut else {
            return .refused(
                ApprovalRefusal(
                    kind: .cancelled,
                    channel: channel,
                    reason: "the call was cancelled while waiting for approval"
                )
            )
        }
        let reason = "the call's time limit (timeout_ms = \(client.limits.timeoutMs)) passed while waiting for approval"
        return .refused(ApprovalRefusal(kind: .timeout, channel: channel, reason: reason))
    }

    /// "no approval within 120 s".
    var timeoutReason: String {
        let (seconds, attoseconds) = timeout.components
        let text = attoseconds == 0 ? "\(seconds) s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
        return "no approval within \(text)"
    }
}
