import CBastionLinux

/// Bastion's seccomp BPF filter (Linux 3.5+; `SECCOMP_RET_KILL_PROCESS` needs 4.14), built by
/// hand in `CBastionSeccomp.c` for x86_64 and aarch64 (a foreign audit architecture is killed):
/// `ptrace`, `process_vm_readv/writev`, `io_uring_*`, `bpf`, `perf_event_open`, `kexec_*`, the
/// mount calls, `keyctl`/`add_key`/`request_key`, `unshare`/`setns` and namespace-creating `clone`
/// answer EPERM, `clone3` ENOSYS; with a restricted network, `socket` of any domain but `AF_UNIX`
/// answers EPERM. Without seccomp, ``isAvailable`` is false and nothing is installed.
package enum SeccompFilter {
    /// Whether the kernel has seccomp filters.
    package static var isAvailable: Bool { cbastion_seccomp_available() == 1 }

    /// Installs the filter on the calling thread; `PR_SET_NO_NEW_PRIVS` must be set.
    /// - Throws: ``SandboxError`` at step `seccomp`.
    package static func install(restrictsNetwork: Bool, into report: inout SandboxReport) throws(SandboxError) {
        guard isAvailable else { return }
        guard cbastion_seccomp_install(restrictsNetwork ? 1 : 0) >= 0 else {
            throw SandboxError(message: "installing the filter: \(SandboxSystemCall.errorText())", step: .seccomp)
        }
        report.seccomp = true
        if restrictsNetwork { report.network.append(.seccompSocket) }
    }
}
