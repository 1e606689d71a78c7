import CBastionLinux
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import BastionResources

/// Applying a policy is irreversible, so it is exercised on `bastion sandbox-exec` children
/// (tests/interop/test_sandbox_exec.py); here, the requirement check that ends it.
struct SandboxApplierTests {
    @Test func everyRequiredFeatureMustHaveBeenApplied() throws {
        let report = SandboxReport(landlockABI: 7, seccomp: true)
        try SandboxApplier.checkRequired(["landlock", "seccomp"], report: report)
        var unprivileged = report
        unprivileged.userNamespace = true
        try SandboxApplier.checkRequired(["userns", "landlock"], report: unprivileged)
        for (required, named) in [(["netns"], "netns"), (["cgroup"], "cgroup"), (["userns"], "userns")] {
            let error = #expect(throws: SandboxError.self) {
                try SandboxApplier.checkRequired(required, report: report)
            }
            #expect(error?.step == .required)
            #expect(error?.message.contains(named) == true)
        }
    }

    @Test func anUnknownRequiredFeatureFailsTheRun() {
        let error = #expect(throws: SandboxError.self) {
            try SandboxApplier.checkRequired(["apparmor"], report: SandboxReport())
        }
        #expect(error?.message.contains("unknown feature \"apparmor\"") == true)
    }

    @Test func restrictedCodeNeedsASocketFilterOrANetworkNamespace() throws {
        let tcpOnly = SandboxReport(landlockABI: 7, landlockRestrictsTCP: true, network: [.landlockTCP])
        let error = #expect(throws: SandboxError.self) {
            try SandboxApplier.checkNetwork(restricted: true, report: tcpOnly)
        }
        #expect(error?.step == .required)
        try SandboxApplier.checkNetwork(restricted: false, report: tcpOnly)
        try SandboxApplier.checkNetwork(restricted: true, report: SandboxReport(network: [.seccompSocket]))
        try SandboxApplier.checkNetwork(restricted: true, report: SandboxReport(network: [.namespace]))
    }

    /// The child skips its own (slow, on cgroup v1) join only when `cgroup.procs` lists it.
    @Test func aCgroupHoldsThisProcessOnlyWhenItsProcsFileListsItsPid() throws {
        var template = Array("/tmp/bastion-procs-XXXXXX".utf8CString)
        let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        defer {
            unlink(directory + "/cgroup.procs")
            rmdir(directory)
        }
        let me = Int(getpid())
        func holds(_ text: String) -> Int32 {
            let fd = open(directory + "/cgroup.procs", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            close(fd)
            return cbastion_cgroup_holds_self(directory)
        }
        #expect(holds("\(me)\n") == 1)
        #expect(holds("1\n\(me)\n77\n") == 1)
        #expect(holds("\(me)") == 1)  // no final newline
        #expect(holds("") == 0)
        #expect(holds("\(me)0\n1\(me)\n") == 0)  // a longer pid that contains it is not it
        #expect(holds(String(repeating: "1234567\n", count: 2_000) + "\(me)\n") == 1)  // across read chunks
        unlink(directory + "/cgroup.procs")
        #expect(cbastion_cgroup_holds_self(directory) == -1)
    }
}
