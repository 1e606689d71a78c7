public import BastionProtocol

/// How a sandboxed child ended, with what it printed (each stream cut at the client's cap).
public struct ProcessOutcome: Sendable, Hashable {
    /// The exit status, or `nil` when a signal ended the child.
    public var exitCode: Int32?
    /// The signal that ended the child (`SIGKILL`, …), or `nil` when it exited.
    public var signal: String?
    /// Standard output, at most the cap.
    public var stdout: [UInt8]
    /// Standard error, at most the cap.
    public var stderr: [UInt8]
    /// Whether the run was killed at its timeout.
    public var timedOut: Bool
    /// Whether the run was killed because the caller cancelled it or the server stopped.
    public var wasCancelled: Bool
    /// Whether either stream produced more than the cap (the rest was read and discarded).
    public var truncated: Bool
    /// Wall-clock time from the spawn to the reaping of the child, in milliseconds.
    public var durationMs: Int
    /// What `sandbox-exec` reported it applied (`applied {…}`), when it got that far.
    public var sandboxReport: JSONValue?
    /// `failed <step>: <message>` from `sandbox-exec`, when it refused to run the child.
    public var sandboxFailure: String?
    /// What the run's cgroup counted; `nil` when it ran without one.
    public var cgroupUsage: CgroupRun.Usage?

    /// Creates an outcome.
    public init(
        exitCode: Int32? = nil,
        signal: String? = nil,
        stdout: [UInt8] = [],
        stderr: [UInt8] = [],
        timedOut: Bool = false,
        wasCancelled: Bool = false,
        truncated: Bool = false,
        durationMs: Int = 0,
        sandboxReport: JSONValue? = nil,
        sandboxFailure: String? = nil,
        cgroupUsage: CgroupRun.Usage? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
        self.wasCancelled = wasCancelled
        self.truncated = truncated
        self.durationMs = durationMs
        self.sandboxReport = sandboxReport
        self.sandboxFailure = sandboxFailure
        self.cgroupUsage = cgroupUsage
    }

    /// The name of a signal number (`SIGTERM`), or `SIG<n>` for one without a common name.
    public static func signalName(_ number: Int32) -> String {
        let names: [Int32: String] = [
            1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
            8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM",
            15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS",
        ]
        return names[number] ?? "SIG\(number)"
    }
}
