import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// A Landlock ruleset for the calling thread (Linux 5.13+, ABI 1+), built at the highest ABI the
/// kernel offers: every file-system right that ABI knows is handled, read paths get read and
/// execute, write paths every right; with a restricted network TCP bind and connect are handled
/// with no port allowed (ABI 4+); signals and abstract UNIX sockets are scoped (ABI 6+). On a
/// kernel without Landlock, ``abi`` is `nil` and nothing is applied.
package struct LandlockRuleset {
    /// The ABI the kernel offers, `nil` without Landlock.
    package let abi: Int?

    /// Asks the kernel for its ABI.
    package init() {
        let version = cbastion_landlock_abi()
        abi = version >= 1 ? Int(version) : nil
    }

    /// A ruleset for a given ABI (tests: `nil` stands for a kernel without Landlock).
    init(abi: Int?) {
        self.abi = abi
    }

    /// Builds the ruleset and restricts the calling thread (and, after `execve`, the program).
    /// - Returns: the paths left out (missing ones), for the report.
    /// - Throws: ``SandboxError`` at step `landlock` when a rule or the restriction fails.
    package func restrict(
        readPaths: [String],
        writePaths: [String],
        restrictsNetwork: Bool,
        into report: inout SandboxReport
    ) throws(SandboxError) {
        guard let abi else { return }
        let all = cbastion_landlock_fs_all(Int32(abi))
        let tcp = restrictsNetwork && abi >= 4 ? cbastion_landlock_net_tcp() : 0
        let scoped = abi >= 6 ? cbastion_landlock_scope_all() : 0
        let ruleset = cbastion_landlock_create_ruleset(all, tcp, scoped, Int32(abi))
        guard ruleset >= 0 else { throw Self.failure("creating the ruleset") }
        defer { close(ruleset) }
        for path in readPaths {
            try allow(path, rights: cbastion_landlock_fs_read_execute() & all, ruleset: ruleset, report: &report)
        }
        // No device nodes in a write root (LANDLOCK_ACCESS_FS_MAKE_CHAR, _MAKE_BLOCK): a device made
        // in the workdir would reach what Landlock denies at /dev (review 4, finding 1).
        let devices: UInt64 = (1 << 6) | (1 << 11)
        for path in writePaths {
            try allow(path, rights: all & ~devices, ruleset: ruleset, report: &report)
        }
        guard cbastion_landlock_restrict_self(ruleset) == 0 else { throw Self.failure("restricting the process") }
        report.landlockABI = abi
        report.landlockRestrictsTCP = tcp != 0
        report.landlockScopesSignals = scoped != 0
        if tcp != 0 { report.network.append(.landlockTCP) }
    }

    /// Adds one path-beneath rule; a non-directory gets only the rights that apply to files.
    private func allow(
        _ path: String,
        rights: UInt64,
        ruleset: Int32,
        report: inout SandboxReport
    ) throws(SandboxError) {
        let descriptor = open(path, CBASTION_O_PATH | O_CLOEXEC)
        guard descriptor >= 0 else {
            guard errno == ENOENT || errno == ENOTDIR else { throw Self.failure("opening \(path)") }
            report.omittedPaths.append(SandboxReport.OmittedPath(path: path, reason: "no such file"))
            return
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.failure("examining \(path)") }
        let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        let allowed = isDirectory ? rights : rights & cbastion_landlock_fs_file_rights()
        guard cbastion_landlock_allow_path(ruleset, descriptor, allowed) == 0 else {
            throw Self.failure("allowing \(path)")
        }
    }

    private static func failure(_ action: String) -> SandboxError {
        SandboxError(message: "\(action): \(SandboxSystemCall.errorText())", step: .landlock)
    }
}
