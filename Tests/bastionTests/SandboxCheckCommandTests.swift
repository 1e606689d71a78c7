import Bastion
import BastionResources
import Testing

@testable import bastion

struct SandboxCheckCommandTests {
    private let full = KernelSandboxSupport(
        landlockABI: 7,
        seccomp: true,
        unprivilegedUserNamespaces: false,
        networkNamespace: true,
        cgroup: .init(version: 1, isWritable: true),
        isRoot: true
    )
    private let bare = KernelSandboxSupport(
        landlockABI: nil,
        seccomp: true,
        unprivilegedUserNamespaces: false,
        networkNamespace: false,
        cgroup: .init(version: nil, isWritable: false),
        isRoot: false
    )

    @Test func theReportNamesEveryFeature() {
        #expect(
            SandboxCheckCommand.report(full) == """
                landlock: ABI 7, TCP bind/connect, signal and abstract-socket scopes
                seccomp: yes
                userns: no (unprivileged user namespaces)
                netns: yes (private network namespace for restricted code)
                cgroup: v1, writable
                user: root (children drop to each client's run_as user)

                """
        )
        let text = SandboxCheckCommand.report(bare)
        #expect(text.contains("landlock: no\n") && text.contains("cgroup: no\n") && text.contains("user: unprivileged"))
    }

    @Test func aMissingRequirementFailsOnlyWhenAClientMayRunCode() {
        var configuration = BastionConfiguration.embeddedDefault(environment: ["HOME": "/home/u"])
        #expect(SandboxCheckCommand.verdict(full, configuration: configuration).isMet)
        let refused = SandboxCheckCommand.verdict(bare, configuration: configuration)
        #expect(!refused.isMet)
        #expect(
            refused.text == "require_sandbox [landlock, seccomp]: missing landlock; clients that cannot run code: local"
        )
        configuration.clients[0].readOnly = true
        #expect(SandboxCheckCommand.verdict(bare, configuration: configuration).isMet)
        configuration.clients[0].readOnly = false
        configuration.server.requireSandbox = [.seccomp]
        #expect(SandboxCheckCommand.verdict(bare, configuration: configuration).isMet)
    }

    @Test func theBinaryReportsThisKernelAndSucceeds() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["sandbox-check"], home: scratch.path)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("landlock: ABI 7, TCP bind/connect, signal and abstract-socket scopes\n"))
        #expect(output.stdout.contains("seccomp: yes\n"))
        #expect(output.stdout.contains("require_sandbox [landlock, seccomp]: met"))
    }

    @Test func aBadRequireSandboxInTheFileFailsNamingTheKey() async throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write(
            "[server]\nrequire_sandbox = [\"landlock\", \"apparmor\"]\n\n[[clients]]\nid = \"a\"\n",
            to: "bastion.toml"
        )
        let output = try await BastionBinary.run(["sandbox-check", "--config", file], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("require_sandbox"), "\(output.stderr)")
        #expect(output.stderr.contains("apparmor"))
    }
}
