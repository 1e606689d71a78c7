import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// How the server starts `bastion sandbox-exec` for a child: which executable, with which leading
/// arguments. The policy goes over descriptor 3, never on the command line.
public struct SandboxLauncher: Sendable, Hashable {
    /// The executable to start: by default the server's own binary.
    public var executable: String
    /// Its argument vector, `argv[0]` included.
    public var arguments: [String]

    /// Creates a launcher.
    public init(executable: String = "/proc/self/exe", arguments: [String] = ["bastion", "sandbox-exec"]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// The environment variable that points the server at another `sandbox-exec` (tests only: a
    /// stand-in that applies nothing).
    public static let overrideVariable = "BASTION_SANDBOX_EXEC"

    /// The real `sandbox-exec`, unless ``overrideVariable`` names an absolute file to run instead.
    public static var fromEnvironment: SandboxLauncher {
        guard let value = getenv(overrideVariable), value.pointee == UInt8(ascii: "/") else { return SandboxLauncher() }
        let path = String(cString: value)
        return SandboxLauncher(executable: path, arguments: [path, "sandbox-exec"])
    }

    /// Whether this is not the server's own `sandbox-exec` (to say so in logs and reports).
    public var isOverridden: Bool { self != SandboxLauncher() }

    /// Pipes for the child, the child started, its pidfd opened; the server's ends are returned.
    func spawn() throws(ExecutionError) -> ProcessSupervisor.Child {
        var pipes: [(read: Int32, write: Int32)] = []
        defer {
            for pair in pipes {
                close(pair.read)
                close(pair.write)
            }
        }
        for _ in 0..<5 {
            var ends: [Int32] = [-1, -1]
            guard cbastion_pipe(&ends, 0) == 0 else {
                throw ExecutionError(.spawnFailed, "cannot create a pipe: \(String(cString: strerror(errno)))")
            }
            pipes.append((ends[0], ends[1]))
        }
        // stdin, stdout, stderr, policy (3), status (4): the child's ends.
        let childEnds = [pipes[0].read, pipes[1].write, pipes[2].write, pipes[3].read, pipes[4].write]
        let pid = try Self.withCStrings(arguments) { argv throws(ExecutionError) -> pid_t in
            // Empty: sandbox-exec takes the child's environment from the policy, and nothing of the
            // server's (LD_PRELOAD…) may reach it before it has applied anything.
            var environment: [UnsafeMutablePointer<CChar>?] = [nil]
            let pid = cbastion_spawn(executable, argv, &environment, childEnds, 5)
            guard pid > 0 else {
                throw ExecutionError(
                    .spawnFailed,
                    "cannot start the sandbox (\(executable)): \(String(cString: strerror(errno)))"
                )
            }
            return pid
        }
        let child = ProcessSupervisor.Child(
            pid: pid,
            pidfd: cbastion_pidfd_open(pid),
            stdin: pipes[0].write,
            stdout: pipes[1].read,
            stderr: pipes[2].read,
            policy: pipes[3].write,
            status: pipes[4].read
        )
        for end in childEnds { close(end) }
        pipes = []
        return child
    }

    private static func withCStrings<T>(
        _ strings: [String],
        _ body: ([UnsafeMutablePointer<CChar>?]) throws(ExecutionError) -> T
    ) throws(ExecutionError) -> T {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        return try body(copies + [nil])
    }
}
