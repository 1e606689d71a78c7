import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct BastionConfigurationTests {
    @Test("The embedded default is one local client with read, write and restricted execution in its workdir")
    func embeddedDefault() throws {
        let configuration = BastionConfiguration.embeddedDefault(environment: ConfigurationTestSupport.environment)
        #expect(configuration.server.auditLog == "/state/bastion/audit.jsonl")
        #expect(configuration.server.auditSync == .batch)
        #expect(configuration.server.diagnostics == false)
        #expect(configuration.http == nil)
        #expect(configuration.dbus == nil)
        #expect(configuration.prompts.isEmpty)
        #expect(configuration.clients.count == 1)
        let local = try #require(configuration.client(id: "local"))
        #expect(local.workdir == "/state/bastion/clients/local")
        #expect(
            local.permissions == [.fileRead(glob: nil), .fileWrite(glob: nil), .codeExecution(unrestricted: false)]
        )
        #expect(local.readOnly == false)
        #expect(local.deny.isEmpty)
    }

    @Test("Without XDG_STATE_HOME the embedded default lives under $HOME/.local/state")
    func embeddedDefaultWithoutStateHome() {
        let configuration = BastionConfiguration.embeddedDefault(environment: ["HOME": "/home/bob/"])
        #expect(configuration.server.auditLog == "/home/bob/.local/state/bastion/audit.jsonl")
        let workdir =
            geteuid() == 0 ? "/var/lib/bastion/workdirs/local" : "/home/bob/.local/state/bastion/clients/local"
        #expect(configuration.clients.first?.workdir == workdir)
    }

    @Test("client(id:) finds a client by identifier and nothing else")
    func clientByID() {
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/a"),
            clients: [ClientConfiguration(id: "one", workdir: "/1"), ClientConfiguration(id: "two", workdir: "/2")]
        )
        #expect(configuration.client(id: "two")?.workdir == "/2")
        #expect(configuration.client(id: "three") == nil)
        #expect(configuration.client(id: "") == nil)
    }

    @Test("grantDirectories adds read and write below each canonical directory, once")
    func grantDirectories() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bastion-grant-\(UUID())")
        let real = base.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let link = base.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real.path)
        let canonical = ConfigurationPaths.canonical(real.path)

        var configuration = BastionConfiguration.embeddedDefault(environment: ConfigurationTestSupport.environment)
        configuration.grantDirectories([link, real.path + "/./", "/does/not/../exist"], toClient: "local")
        #expect(
            configuration.client(id: "local")?.permissions == [
                .fileRead(glob: nil), .fileWrite(glob: nil), .codeExecution(unrestricted: false),
                .fileRead(glob: canonical + "/**"), .fileWrite(glob: canonical + "/**"),
                .fileRead(glob: "/does/exist/**"), .fileWrite(glob: "/does/exist/**"),
            ]
        )
    }

    @Test("grantDirectories resolves relative paths against the current directory")
    func grantRelativeDirectory() {
        var configuration = BastionConfiguration.embeddedDefault(environment: ConfigurationTestSupport.environment)
        configuration.grantDirectories(["nonexistent-sub"], toClient: "local")
        let expected = ConfigurationPaths.normalize(FileManager.default.currentDirectoryPath + "/nonexistent-sub/**")
        #expect(configuration.client(id: "local")?.permissions.last == .fileWrite(glob: expected))
    }

    @Test("grantDirectories escapes glob metacharacters so a directory name cannot widen the grant")
    func grantEscapesMetacharacters() {
        var configuration = BastionConfiguration.embeddedDefault(environment: ConfigurationTestSupport.environment)
        configuration.grantDirectories(["/nonexistent/a*b?[c]{d}\\e"], toClient: "local")
        #expect(
            configuration.client(id: "local")?.permissions.last
                == .fileWrite(glob: "/nonexistent/a\\*b\\?\\[c\\]\\{d\\}\\\\e/**")
        )
        // A combining mark after "*" makes one Character that is not "*"; the byte is escaped anyway.
        configuration.grantDirectories(["/nonexistent/w*\u{301}"], toClient: "local")
        #expect(configuration.client(id: "local")?.permissions.last == .fileWrite(glob: "/nonexistent/w\\*\u{301}/**"))
    }

    @Test("grantDirectories on the root grants /**; an unknown client or an unnameable path changes nothing")
    func grantEdgeCases() {
        var configuration = BastionConfiguration.embeddedDefault(environment: ConfigurationTestSupport.environment)
        let before = configuration
        configuration.grantDirectories(["/tmp"], toClient: "nobody")
        #expect(configuration == before)
        configuration.grantDirectories(["", "/a\nb", "/a\u{0}b"], toClient: "local")
        #expect(configuration == before)
        configuration.grantDirectories(["/"], toClient: "local")
        #expect(
            configuration.client(id: "local")?.permissions.suffix(2) == [
                .fileRead(glob: "/**"), .fileWrite(glob: "/**"),
            ]
        )
    }
}
