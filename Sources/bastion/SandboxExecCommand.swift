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
    /// never returns. A prepared policy (``SandboxPolicy/awaitsLaunch``) is applied first, then
    /// its launch is awaited on the same descriptor.
    static func run() -> Never {
        let status = SandboxPolicy.statusDescriptor
        do throws(SandboxError) {
            try SandboxApplier.resetProcess(lowestClosed: status + 1, statusDescriptor: status)
            var input = SandboxPolicyInput(descriptor: SandboxPolicy.policyDescriptor)
            let document = try SandboxPolicy(decoding: input.nextDocument())
            let (policy, report) = try document.awaitsLaunch ? launch(document, &input) : apply(document, &input)
            write(.applied(report))
            execute(policy)
        } catch {
            write(.failed(step: (error.step ?? .policy).rawValue, message: error.message))
            exit(error.step == .exec ? execFailureStatus : failureStatus)
        }
    }

    /// A whole policy: nothing may follow it; the executable is checked before anything is applied.
    static func apply(
        _ policy: SandboxPolicy,
        _ input: inout SandboxPolicyInput
    ) throws(SandboxError) -> (SandboxPolicy, SandboxReport) {
        guard try input.rest().allSatisfy({ $0 == UInt8(ascii: "\n") }) else {
            throw SandboxError(message: "the sandbox policy is followed by data but awaits no launch")
        }
        close(SandboxPolicy.policyDescriptor)
        try checkExecutable(policy.executable)
        var report = try SandboxApplier.apply(policy)
        try SandboxApplier.launch(policy, report: &report)
        return (policy, report)
    }

    /// A prepared policy: applied at once, then its launch awaited (EOF without one fails, as when
    /// the server ends) and the rest applied.
    static func launch(
        _ prepared: SandboxPolicy,
        _ input: inout SandboxPolicyInput
    ) throws(SandboxError) -> (SandboxPolicy, SandboxReport) {
        var report = try SandboxApplier.apply(prepared)
        report.preparedAhead = true
        let policy = prepared.launched(try SandboxLaunch(decoding: input.rest()))
        close(SandboxPolicy.policyDescriptor)
        try SandboxApplier.launch(policy, report: &report)
        try checkExecutable(policy.executable)
        return (policy, report)
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
