import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct ClientConfigurationRunAsTests {
    private let nobody = SystemUser(name: "nobody", uid: 65534, gid: 65534, groups: [65534])
    private let alice = SystemUser(name: "alice", uid: 1000, gid: 1000, groups: [1000, 27])
    private let root = SystemUser(name: "root", uid: 0, gid: 0, groups: [0])

    private func lookUp(_ name: String) -> SystemUser? {
        [nobody, alice, root].first { $0.name == name || String($0.uid) == name }
    }

    @Test func aRootServerDefaultsToNobodyAndTakesANamedOrNumericUser() {
        #expect(ClientConfiguration.resolveRunAs(nil, serverUID: 0, lookUp: lookUp) == .success(nobody))
        #expect(ClientConfiguration.resolveRunAs("alice", serverUID: 0, lookUp: lookUp) == .success(alice))
        #expect(ClientConfiguration.resolveRunAs("1000", serverUID: 0, lookUp: lookUp) == .success(alice))
        #expect(ClientConfiguration.resolveRunAs("root", serverUID: 0, lookUp: lookUp) == .success(root))
    }

    @Test func anUnknownUserIsAnError() throws {
        let result = ClientConfiguration.resolveRunAs("mallory", serverUID: 0, lookUp: lookUp)
        guard case .failure(let problem) = result else { Issue.record("accepted \(result)"); return }
        #expect(problem.message.contains("\"mallory\""))
    }

    @Test func aRootServerWithoutNobodyFailsClosed() throws {
        let result = ClientConfiguration.resolveRunAs(nil, serverUID: 0, lookUp: { _ in nil })
        guard case .failure(let problem) = result else { Issue.record("accepted \(result)"); return }
        #expect(problem.message.contains("nobody") && problem.message.contains("set run_as"))
    }

    @Test func anUnprivilegedServerMayNameOnlyItself() {
        #expect(ClientConfiguration.resolveRunAs(nil, serverUID: 1000, lookUp: lookUp) == .success(nil))
        #expect(ClientConfiguration.resolveRunAs("alice", serverUID: 1000, lookUp: lookUp) == .success(nil))
        guard case .failure(let problem) = ClientConfiguration.resolveRunAs("nobody", serverUID: 1000, lookUp: lookUp)
        else {
            Issue.record("an unprivileged server accepted another user")
            return
        }
        #expect(problem.message.contains("cannot switch"))
    }

    @Test func onlyAClientRunningAsUidZeroIsWarnedAbout() {
        var client = ClientConfiguration(id: "c", workdir: "/w", runAs: root)
        #expect(client.runAsWarning?.contains("uid 0") == true)
        client.runAs = nobody
        #expect(client.runAsWarning == nil)
    }

    @Test func aRootServerRefusesAClientWithoutAUser() {
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/a"),
            clients: [ClientConfiguration(id: "c", workdir: "/w")]
        )
        #expect(configuration.runAsProblem(serverUID: 0)?.contains("\"c\"") == true)
        #expect(configuration.runAsProblem(serverUID: 1000) == nil)
    }

    @Test func theFileKeyIsParsedValidatedAndRendered() throws {
        guard geteuid() == 0 else { return }
        let parsed = try BastionConfiguration.parse(
            toml: "[[clients]]\nid = \"a\"\nrun_as = \"root\"\n",
            source: "/etc/b.toml",
            environment: ["HOME": "/root"]
        )
        #expect(parsed.clients.first?.runAs?.uid == 0)
        #expect(parsed.renderedTOML().contains("run_as = \"root\""))
        let error = try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.parse(
                toml: "[[clients]]\nid = \"a\"\nrun_as = \"no-such-user-here\"\n",
                source: "/etc/b.toml",
                environment: ["HOME": "/root"]
            )
        }
        #expect(error.keyPath.contains("run_as"))
    }
}
