import Testing

@testable import BastionResources

/// Entering namespaces changes the calling process for good, so only the case that enters none
/// runs here; the namespaces themselves are proven in `tests/interop/test_sandbox_exec.py`
/// (`test_the_approval_socket_is_hidden_from_a_root_child` and the network tests), in a child.
struct SandboxNamespacesTests {
    @Test func aPolicyWithNetworkAllowedAndNothingToHideEntersNoNamespace() throws {
        let policy = SandboxPolicy(
            executable: "/bin/true",
            arguments: ["true"],
            workingDirectory: "/",
            restrictsNetwork: false
        )
        var report = SandboxReport()
        try SandboxNamespaces.enter(policy, into: &report)
        #expect(!report.userNamespace)
        #expect(report.network.isEmpty)
        #expect(report.hiddenPaths.isEmpty)
    }
}
