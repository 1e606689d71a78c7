public import BastionSecurity
import BastionSystem
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// A worker process started under a client's sandbox (`isolation = "process"`): its pipes and what
/// the kernel gave it. The caller owns the descriptors and must reap the process.
public struct SandboxedWorker: Sendable {
    /// The worker's pid.
    public let pid: Int32
    /// A pidfd of the worker (-1 when the kernel has none).
    public let pidfd: Int32
    /// The server's end of the worker's stdin.
    public let input: Int32
    /// The server's end of the worker's stdout.
    public let output: Int32
    /// The server's end of the worker's stderr.
    public let errors: Int32
    /// What `sandbox-exec` applied before it started the worker.
    public let report: SandboxReport
}

extension ExecutionManager {
    /// Address space a Swift worker reserves beyond what its calls use (thread stacks, the
    /// runtime's arenas), added to the client's `memory_mb` in the worker's `RLIMIT_AS`.
    static let workerAddressSpaceAllowance = 512 << 20

    /// The policy a client's tool worker runs under: the client's own read and write roots (not only
    /// the workdir a restricted child gets: the file tools work on everything the grants reach),
    /// Bastion's files hidden, no network, the client's memory, file and size limits, a minimal root.
    ///
    /// The worker keeps the server's user: a root server's file tools read files of every user,
    /// and so must its worker; Landlock, seccomp and the minimal root bind root as they bind anyone.
    /// No CPU-time limit (the worker lives as long as the connection; each call has its timeout) and
    /// no process limit (its threads count as processes).
    /// - Parameters:
    ///   - client: The client.
    ///   - executable: The canonical path of the binary to run (the server's own).
    ///   - arguments: Its argument vector.
    ///   - environment: The worker's whole environment.
    ///   - libraries: Directories of the shared libraries the binary loads, readable by the worker.
    public func workerPolicy(
        for client: ClientContext,
        executable: String,
        arguments: [String],
        environment: [String],
        libraries: [String] = []
    ) -> SandboxPolicy {
        var policy = SandboxPolicy(
            executable: executable,
            arguments: arguments,
            environment: environment,
            workingDirectory: client.workdir
        )
        policy.limits = SandboxPolicy.Limits(
            addressSpaceBytes: client.limits.memoryMB * 1_048_576 + Self.workerAddressSpaceAllowance,
            openFiles: max(64, client.limits.openFiles),
            fileSizeBytes: fileSizeLimitBytes
        )
        let (grantedReads, grantedWrites) = client.grantedRoots
        // A client that may not write its workdir (`read_only`, `file_read` only) gets a worker
        // that cannot either (review 9, finding 11).
        let writesWorkdir = client.check(.write, canonicalPath: client.workdir + "/x").isAllowed
        var writes = writesWorkdir ? [client.workdir] : []
        // Landlock only allow-lists: a root holding a hidden path or a directory the client is
        // refused whole (another client's workdir) at any depth, or a protected directory (`.git`,
        // `.ssh`, …) or an entry the client may not write at its top, is left out, as for
        // unrestricted code, rather than opened whole (review 8, findings 1 and 3).
        for root in grantedWrites where !writes.contains(where: { PathBytes.isWithin(root, $0) }) {
            if Self.exclusionReason(root, client: client, hidden: hiddenScope, runtime: runtimeScope) != nil {
                continue
            }
            writes.append(root)
        }
        var reads = readRoots
        // The grants carved around Bastion's files, then around what the client is refused whole:
        // its `dir/**` denies and the other clients' workdirs (review 8, findings 1 and 18).
        let granted = ReadScope.carve(
            ReadScope.carve(grantedReads, around: hiddenScope),
            around: client.deniedSubtrees,
            lookAlikes: false
        )
        for extra in granted + ReadScope.carve(libraries, around: hiddenScope) + [client.workdir, executable]
        where !(reads + writes).contains(where: { PathBytes.isWithin(extra, $0) }) {
            reads.append(extra)
        }
        policy.readPaths = reads
        policy.writePaths = writes
        policy.restrictsNetwork = true
        policy.required = requiredFeatures
        policy.hiddenPaths = hiddenPaths
        policy.minimalRoot = true
        policy.rootLinks = ExecutableResolver.systemLinks
        return policy
    }

    /// Starts a worker through `sandbox-exec` under `policy` and waits for its sandbox report.
    /// - Throws: ``ExecutionError`` `sandboxFailed` when a step of the sandbox failed (the worker
    ///   never ran), `spawnFailed` when it could not be started.
    public func startWorker(_ policy: SandboxPolicy) throws(ExecutionError) -> SandboxedWorker {
        let child = try launcher.spawn()
        let policyBytes = policy.encoded()
        let written = policyBytes.withUnsafeBytes { FileDescriptorIO.writeAll(child.policy, $0) }
        close(child.policy)
        let status = Self.readToEnd(child.status, limit: ProcessSupervisor.statusCap)
        close(child.status)
        let failure: String?
        var report: SandboxReport?
        if written != nil {
            failure = "cannot send the worker its policy"
        } else {
            do throws(SandboxError) {
                switch try SandboxStatus(parsingOutput: status) {
                case .applied(let applied):
                    report = applied
                    failure = nil
                case .failed(let step, let message):
                    failure = "the sandbox failed at \(step): \(message)"
                }
            } catch {
                failure = "the sandbox said nothing usable: \(error.message)"
            }
        }
        guard let report, failure == nil else {
            _ = cbastion_pidfd_send_signal(child.pidfd, SIGKILL)
            var code: Int32 = 0
            var signaled: Int32 = 0
            _ = cbastion_reap(child.pid, &code, &signaled)
            for descriptor in [child.pidfd, child.stdin, child.stdout, child.stderr] where descriptor >= 0 {
                close(descriptor)
            }
            throw ExecutionError(.sandboxFailed, "cannot start the isolation worker: \(failure ?? "no report")")
        }
        return SandboxedWorker(
            pid: child.pid,
            pidfd: child.pidfd,
            input: child.stdin,
            output: child.stdout,
            errors: child.stderr,
            report: report
        )
    }

    /// Reads a descriptor to EOF, keeping at most `limit` bytes.
    static func readToEnd(_ descriptor: Int32, limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return bytes }
            if bytes.count < limit { bytes += buffer[..<min(count, limit - bytes.count)] }
        }
    }
}
