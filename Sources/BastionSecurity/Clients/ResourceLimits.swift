/// Per-client limits applied to every child process and tool call of that client.
///
/// The execution layer turns these into rlimits (`RLIMIT_CPU`, `RLIMIT_AS`, `RLIMIT_NOFILE`,
/// `RLIMIT_NPROC`), a wall-clock timeout and an output cap. The defaults are safe for an
/// interactive assistant.
public struct ResourceLimits: Sendable, Hashable {
    /// CPU time per process, in seconds (`cpu_seconds`).
    public var cpuSeconds: Int
    /// Address space per process, in MiB (`memory_mb`).
    public var memoryMB: Int
    /// Open file descriptors per process (`open_files`).
    public var openFiles: Int
    /// Processes per client (`processes`).
    public var processes: Int
    /// Wall-clock timeout of a call, in milliseconds (`timeout_ms`).
    public var timeoutMs: Int
    /// Captured output per stream, in KiB (`output_kb`); anything beyond is cut and flagged.
    public var outputKB: Int
    /// Bytes a file-system call reads at most, in MiB (`read_mb`); a bigger file is read with head or tail.
    public var readMB: Int
    /// Entries a listing, tree or search reports at most (`list_entries`); the result says when it stopped.
    public var listEntries: Int
    /// Process sessions (`start_process`) a client may run at once (`sessions`); each also counts
    /// against ``processes``.
    public var sessions: Int
    /// A process session no call touched for this long is killed, in milliseconds (`session_idle_ms`).
    public var sessionIdleMs: Int
    /// The longest lifetime of a process session, in milliseconds (`session_timeout_ms`); its
    /// `timeout_ms` argument may ask for less.
    public var sessionTimeoutMs: Int

    /// Creates limits; every parameter defaults to the safe value.
    /// - Parameters:
    ///   - cpuSeconds: CPU time per process, in seconds.
    ///   - memoryMB: Address space per process, in MiB.
    ///   - openFiles: Open file descriptors per process.
    ///   - processes: Processes per client.
    ///   - timeoutMs: Wall-clock timeout, in milliseconds.
    ///   - outputKB: Captured output per stream, in KiB.
    ///   - readMB: Bytes read per file-system call, in MiB.
    ///   - listEntries: Entries per listing, tree or search.
    ///   - sessions: Process sessions running at once.
    ///   - sessionIdleMs: Idle time after which a process session is killed, in milliseconds.
    ///   - sessionTimeoutMs: Lifetime of a process session, in milliseconds.
    public init(
        cpuSeconds: Int = 30,
        memoryMB: Int = 512,
        openFiles: Int = 256,
        processes: Int = 64,
        timeoutMs: Int = 30_000,
        outputKB: Int = 1024,
        readMB: Int = 64,
        listEntries: Int = 250_000,
        sessions: Int = 8,
        sessionIdleMs: Int = 600_000,
        sessionTimeoutMs: Int = 1_800_000
    ) {
        self.cpuSeconds = cpuSeconds
        self.memoryMB = memoryMB
        self.openFiles = openFiles
        self.processes = processes
        self.timeoutMs = timeoutMs
        self.outputKB = outputKB
        self.readMB = readMB
        self.listEntries = listEntries
        self.sessions = sessions
        self.sessionIdleMs = sessionIdleMs
        self.sessionTimeoutMs = sessionTimeoutMs
    }

    /// ``readMB`` in bytes.
    public var readBytes: Int { readMB * 1_048_576 }
}
