import BastionResources

#if canImport(Glibc)
import Glibc
#endif

/// `bastion sandbox-exec`: the child side of every run (``SandboxPolicy`` states the contract).
/// Not an ArgumentParser command: `main.swift` dispatches to it before anything else is set up,
/// and it takes no argument (the policy comes on descriptor 3, never on the command line).
enum SandboxExecCommand {
    /// The verb.
    static let name = "sandbox-exec"
    /// The exit status when a step failed before `execve` (as a shell does for "cannot run").
    static let failureStatus: Int32 = 126
    /// The exit status when `execve` itself failed.
    static let execFailureStatus: Int32 = 127

    /// Resets the process, reads and applies the policy, reports on descriptor 4 and `execve`s;
    /// never returns.
    static func run() -> Never {
        let status = SandboxPolicy.statusDescriptor
        do throws(SandboxError) {
            try SandboxApplier.resetProcess(lowestClosed: status + 1, statusDescriptor: status)
            let policy = try readPolicy()
            try checkExecutable(policy.executable)
            let report = try SandboxApplier.apply(policy)
            write(.applied(report))
            execute(policy)
        } catch {
            write(.failed(step: (error.step ?? .policy).rawValue, message: error.message))
            exit(error.step == .exec ? execFailureStatus : failureStatus)
        }
    }

    /// Reads descriptor 3 to EOF (at most ``SandboxPolicy/maximumEncodedBytes``), closes it and
    /// decodes the policy.
    static func readPolicy() throws(SandboxError) -> SandboxPolicy {
        let descriptor = SandboxPolicy.policyDescriptor
        defer { close(descriptor) }
        // One byte more than the largest document, so that an oversized one is seen as such.
        // The buffer starts small (policies are a few KiB) and doubles: zeroing 1 MiB up front
        // would cost every run its page faults.
        let limit = SandboxPolicy.maximumEncodedBytes + 1
        var bytes = [UInt8](repeating: 0, count: 16_384)
        var filled = 0
        while filled < limit {
            if filled == bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit - bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count == 0 { break }
            if count < 0 {
                guard errno == EINTR else {
                    throw SandboxError(message: "reading descriptor \(descriptor): \(String(cString: strerror(errno)))")
                }
                continue
            }
            filled += count
        }
        return try SandboxPolicy(decoding: Array(bytes[..<filled]))
    }

    /// Refuses, before anything is applied (so with one status line), an executable that is
    /// missing or not an executable regular file. `execve` still has the last word (Landlock's
    /// EXECUTE right, the dropped user's permissions, the file's format).
    static func checkExecutable(_ path: String) throws(SandboxError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SandboxError(message: "\(path): \(String(cString: strerror(errno)))", step: .exec)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o111 != 0 else {
            throw SandboxError(message: "\(path): not an executable file", step: .exec)
        }
    }

    /// `execve` with exactly the policy's arguments and environment; on failure reports and exits 127.
    static func execute(_ policy: SandboxPolicy) -> Never {
        let arguments = policy.arguments.map { strdup($0) } + [nil]
        let environment = policy.environment.map { strdup($0) } + [nil]
        execve(policy.executable, arguments, environment)
        let message = "\(policy.executable): \(String(cString: strerror(errno)))"
        write(.failed(step: SandboxPolicy.Step.exec.rawValue, message: message))
        exit(execFailureStatus)
    }

    /// Writes the status line on descriptor 4 (ignored when nobody listens).
    static func write(_ status: SandboxStatus) {
        let line = status.line
        _ = line.withUnsafeBytes { Glibc.write(SandboxPolicy.statusDescriptor, $0.baseAddress, $0.count) }
    }
}
