/// What a prepared `sandbox-exec` is still told once its run is known: the program, its
/// arguments and environment, and where it starts. Everything else of the run's policy was
/// applied before (``SandboxPolicy/awaitsLaunch``), so this is all that lies between a tool call
/// and `execve` (issue 10, item 9).
///
/// Carried after the policy on descriptor 3 (the policy's line feed between them), read to EOF.
/// Nothing here widens the sandbox: the server sends a launch only to a process prepared with
/// exactly the run's own policy (``SandboxPolicy/preparedPart``), whose read paths cover the
/// executable and whose read or write paths cover the working directory.
public struct SandboxLaunch: Sendable, Hashable {
    /// The file to execute: absolute, resolved by the server.
    public var executable: String
    /// The argument vector, `argv[0]` included.
    public var arguments: [String]
    /// The complete environment, `NAME=value` each.
    public var environment: [String]
    /// The working directory, entered in the child's root after the sandbox is in force.
    public var workingDirectory: String

    /// Creates a launch.
    public init(executable: String, arguments: [String], environment: [String], workingDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

extension SandboxPolicy {
    /// The run-specific part of the policy.
    public var launch: SandboxLaunch {
        SandboxLaunch(
            executable: executable,
            arguments: arguments,
            environment: environment,
            workingDirectory: workingDirectory
        )
    }

    /// The policy without its launch (``launch``), for a `sandbox-exec` started before its run:
    /// what it applies ahead, and what a run's own policy must equal for that process to be
    /// used.
    public var preparedPart: SandboxPolicy {
        var prepared = self
        prepared.executable = ""
        prepared.arguments = []
        prepared.environment = []
        prepared.workingDirectory = "/"
        prepared.awaitsLaunch = true
        return prepared
    }

    /// This policy's launch given to a prepared process: the same policy, run-specific part and all.
    public func launched(_ launch: SandboxLaunch) -> SandboxPolicy {
        var policy = self
        policy.executable = launch.executable
        policy.arguments = launch.arguments
        policy.environment = launch.environment
        policy.workingDirectory = launch.workingDirectory
        policy.awaitsLaunch = false
        return policy
    }
}
