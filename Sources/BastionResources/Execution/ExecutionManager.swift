public import BastionSecurity
import BastionSystem
import Crypto
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs clients' commands and code, each child through `bastion sandbox-exec` under a
/// ``SandboxPolicy`` built from the client's context (ARCHITECTURE §4).
///
/// One per server, shared by every client: it keeps the registry of running children (so that
/// shutdown kills them all and each client's concurrent runs are capped by `limits.processes`).
/// A run never blocks the cooperative pool: the child is watched by a thread of its own
/// (``ProcessSupervisor``) and the caller awaits its end; cancelling the calling task kills it.
public final class ExecutionManager: Sendable {
    /// How children are started.
    public let launcher: SandboxLauncher
    /// How the working directory is authorized and opened.
    public let files: FileSystemManager
    /// The interpreters `run_code` offers, by name, each the canonical path of its executable.
    public let interpreters: [String: String]
    /// Features `sandbox-exec` must provide or refuse to run (`[server] require_sandbox`).
    public let requiredFeatures: [String]
    /// Bastion's own state hidden from every child (`SandboxPolicy/hiddenPaths`): the approval
    /// socket's directory, the audit log and its head. Landlock keeps them unreadable and
    /// unwritable already; hiding them also makes the approval socket unconnectable, which Landlock
    /// ABI 7 cannot do and a child running as the server's own user could otherwise.
    public let hiddenPaths: [String]
    /// ``hiddenPaths`` as given and, where different, canonical: what read and write roots are
    /// carved around or refused for.
    let hiddenScope: [String]
    /// The files the server executes (`RuntimeFiles/unwritable`), as given and canonical: no
    /// child's or worker's write root may hold one, or lie inside one.
    let runtimeScope: [String]
    /// What every child may read: ``ExecutableResolver/systemReadPaths`` carved around
    /// ``hiddenScope`` (``ReadScope``), computed once.
    let readRoots: [String]
    /// Time between SIGTERM and SIGKILL after a timeout.
    public let gracePeriod: Duration
    /// The largest file a child may write (`RLIMIT_FSIZE`).
    public let fileSizeLimitBytes: Int
    /// A cgroup per run (memory and process limits of the run as a whole, total kill), when the
    /// server found a writable hierarchy; `nil` runs go without.
    public let cgroups: CgroupManager?
    /// The process sessions (`start_process`) of every client.
    public let sessions: ProcessSessionTable
    let registry = ExecutionRegistry()
    /// A `sandbox-exec` per client started ahead of its next run.
    let warm: WarmSandboxes
    /// Runs supervised on their caller's thread now (``run(_:client:progress:blocksCaller:)``):
    /// at most ``maximumInlineSupervisions``, so that long runs never hold every thread of the
    /// caller's executor (the file tools' too).
    let inlineSupervisions = Atomic<Int>(0)
    /// See ``inlineSupervisions``.
    static let maximumInlineSupervisions = 16
    /// Where the code of `run_code` is written, out of every child's reach.
    let codeDirectory: CodeDirectory

    /// The interpreters offered when the configuration names none.
    public static let defaultInterpreterNames = ["sh", "bash", "python3", "node"]

    /// Creates a manager.
    /// - Parameters:
    ///   - launcher: How `sandbox-exec` is started (default: the server's own, unless
    ///     ``SandboxLauncher/overrideVariable`` names a stand-in).
    ///   - files: How the working directory is authorized.
    ///   - interpreterNames: Interpreters to offer; those not found on the system `PATH` are left out.
    ///   - requiredFeatures: Features a run requires (default `landlock`, `seccomp`).
    ///   - hiddenPaths: Bastion's own files and directories no child may see.
    ///   - runtimePaths: The server's binary and libraries, which no child may write.
    ///   - gracePeriod: Time between SIGTERM and SIGKILL (default 2 s).
    ///   - fileSizeLimitBytes: `RLIMIT_FSIZE` of every child (default 1 GiB).
    ///   - cgroups: The cgroup per run, when there is a writable hierarchy (default none).
    ///   - sessions: The table of process sessions (default: a table of its own).
    ///   - codeDirectory: Where `run_code` writes its code (default: the server's).
    public init(
        launcher: SandboxLauncher = .fromEnvironment,
        files: FileSystemManager = FileSystemManager(),
        interpreterNames: [String] = ExecutionManager.defaultInterpreterNames,
        requiredFeatures: [String] = ["landlock", "seccomp"],
        hiddenPaths: [String] = [],
        runtimePaths: [String] = [],
        gracePeriod: Duration = .seconds(2),
        fileSizeLimitBytes: Int = 1 << 30,
        cgroups: CgroupManager? = nil,
        sessions: ProcessSessionTable = ProcessSessionTable(),
        codeDirectory: CodeDirectory = .shared
    ) {
        self.codeDirectory = codeDirectory
        self.launcher = launcher
        self.files = files
        var found: [String: String] = [:]
        for name in interpreterNames where !name.utf8.contains(UInt8(ascii: "/")) {
            if let path = ExecutableResolver.resolve(name) { found[name] = path }
        }
        self.interpreters = found
        self.requiredFeatures = requiredFeatures
        self.hiddenPaths = hiddenPaths
        self.hiddenScope = hiddenPaths.flatMap { path in [path] + [ReadScope.canonical(path)].compactMap { $0 } }
        // The code directory too: a write root holding it would let a child replace a later run's
        // code (review 10, finding 2).
        self.runtimeScope = (runtimePaths + [codeDirectory.path].compactMap { $0 }).flatMap { path in
            [path] + [ReadScope.canonical(path)].compactMap { $0 }
        }
        self.readRoots = ReadScope.carve(ExecutableResolver.systemReadPaths, around: hiddenScope)
        self.gracePeriod = gracePeriod
        self.fileSizeLimitBytes = fileSizeLimitBytes
        self.cgroups = cgroups
        self.sessions = sessions
        self.warm = WarmSandboxes(launcher: launcher, cgroups: cgroups)
    }

    /// Kills every running child and refuses new runs (server shutdown).
    public func stopAll() {
        // Process sessions' runs are in the registry too: this kills them as well.
        registry.stopAll()
        warm.stopAll()
        codeDirectory.removeIfEmpty()
    }

    /// How many children a client runs now.
    public func runningCount(client: String) -> Int { registry.running(client: client) }

    /// Checks a request, builds its policy, runs it in the sandbox and waits for its end.
    /// - Parameters:
    ///   - request: What to run.
    ///   - client: The caller.
    ///   - progress: Called with the latest output every half second while there is new output.
    ///   - blocksCaller: Whether the caller runs on a thread of its own that may block until the
    ///     child ends (a blocking tool handler's): the run is then supervised there, without a
    ///     thread started and a continuation resumed for it. Never from the cooperative pool.
    /// - Returns: How the run ended and the policy it ran under.
    /// - Throws: ``ExecutionError`` when the request is refused or the child cannot start.
    public func run(
        _ request: ExecutionRequest,
        client: ClientContext,
        progress: (@Sendable (_ stdout: [UInt8], _ stderr: [UInt8], _ elapsedMs: Int) -> Void)? = nil,
        blocksCaller: Bool = false
    ) async throws(ExecutionError) -> ExecutionResult {
        let timeout = try timeoutMilliseconds(request.timeoutMs, client: client)
        guard let control = RunControl() else { throw ExecutionError(.spawnFailed, "cannot create a control pipe") }
        let launched = try launch(
            request,
            client: client,
            timeoutMs: timeout,
            control: control,
            outputCap: max(1, client.limits.outputKB) * 1024,
            progress: progress
        )
        let inline =
            blocksCaller
            && inlineSupervisions.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maximumInlineSupervisions
        defer { if blocksCaller { inlineSupervisions.wrappingSubtract(1, ordering: .relaxed) } }
        let outcome = await withTaskCancellationHandler {
            inline ? launched.supervisor.run() : await Self.supervise(launched.supervisor)
        } onCancel: {
            control.stop(.cancel)
        }
        return complete(launched, outcome: outcome)
    }

    /// Runs the supervisor on a thread of its own and resumes the caller when the child is reaped.
    static func supervise(_ supervisor: ProcessSupervisor) async -> ProcessOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<ProcessOutcome, Never>) in
            let started = DetachedThread.start { continuation.resume(returning: supervisor.run()) }
            if !started {
                // No thread: kill the child and reap it here rather than leave it running.
                supervisor.control.stop(.shutdown)
                continuation.resume(returning: supervisor.run())
            }
        }
    }

    /// A run's timeout: the request's, at least 1 ms and at most `limit` (the client's
    /// `timeout_ms`, or `session_timeout_ms` for a process session).
    func timeoutMilliseconds(_ requested: Int64?, limit: Int, name: String) throws(ExecutionError) -> Int {
        let limit = max(1, limit)
        guard let requested else { return limit }
        guard requested >= 1 else {
            throw ExecutionError(.invalidRequest, "timeout_ms must be at least 1 (got \(requested))")
        }
        guard requested <= Int64(limit) else {
            throw ExecutionError(
                .invalidRequest,
                "timeout_ms \(requested) exceeds this client's limit of \(limit) ms (limits.\(name))"
            )
        }
        return Int(requested)
    }

    /// The run's timeout against the client's `timeout_ms`.
    func timeoutMilliseconds(_ requested: Int64?, client: ClientContext) throws(ExecutionError) -> Int {
        try timeoutMilliseconds(requested, limit: client.limits.timeoutMs, name: "timeout_ms")
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// The SHA-256 of `bytes`, in lowercase hex.
    package static func sha256(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
