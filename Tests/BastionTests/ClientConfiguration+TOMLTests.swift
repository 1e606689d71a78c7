import BastionSecurity
import Testing

@testable import Bastion

struct ClientConfigurationTOMLTests {
    typealias Support = ConfigurationTestSupport

    private func client(_ body: String) throws -> ClientConfiguration {
        try #require(try Support.parse("[[clients]]\nid = \"c\"\n" + body + "\n").clients.first)
    }

    @Test("A client without permissions gets none")
    func noPermissionsByDefault() throws {
        #expect(try client("").permissions == [])
        #expect(try client("permissions = []").permissions == [])
    }

    @Test("A leading ~ of permission and deny globs is expanded; other permissions stay as written")
    func tildeExpansion() throws {
        let client = try client(
            """
            permissions = [
                "file_read:~/p/**", "file_write:~", "file_write_global:~/g", "system_command:~/bin/x", "file_read:**/*.md",
            ]
            deny = ["~/.ssh/**", "**/.env", "~other/x"]
            """
        )
        #expect(
            client.permissions == [
                .fileRead(glob: "/home/ada/p/**"), .fileWrite(glob: "/home/ada"), .fileWriteGlobal(glob: "/home/ada/g"),
                .systemCommand(pattern: "~/bin/x"), .fileRead(glob: "**/*.md"),
            ]
        )
        #expect(client.deny == ["/home/ada/.ssh/**", "**/.env", "~other/x"])
    }

    @Test("The enumerations accept their documented spellings")
    func enumerations() throws {
        let client = try client("approval = \"always\"\napproval_channel = \"client\"\nisolation = \"in-process\"")
        #expect(client.approval == .always)
        #expect(client.approvalChannel == .client)
        #expect(client.isolation == .inProcess)
    }

    @Test("isolation = \"process\" is accepted")
    func processIsolation() throws {
        let client = try client("isolation = \"process\"")
        #expect(client.isolation == .process)
    }

    @Test(
        "Bad client values are refused at their key",
        arguments: [
            ("workdir = \"\"", "clients[0].workdir", 3),
            ("workdir = 1", "clients[0].workdir", 3),
            ("permissions = [\"custom:\"]", "clients[0].permissions[0]", 3),
            ("deny = \"**\"", "clients[0].deny", 3),
            ("deny = [\"a\\nb\"]", "clients[0].deny[0]", 3),
            ("approval_channel = \"email\"", "clients[0].approval_channel", 3),
            ("isolation = \"inprocess\"", "clients[0].isolation", 3),
            ("read_only = 1", "clients[0].read_only", 3),
            ("limits = 5", "clients[0].limits", 3),
            ("auth = []", "clients[0].auth", 3),
            ("permissions = [\"file_read\", \"file_read:/x/a**\"]", "clients[0].permissions[1]", 3),
            ("permissions = [\"file_write_global:/x/\\\\\"]", "clients[0].permissions[0]", 3),
            ("permissions = [\"system_command:git**\"]", "clients[0].permissions[0]", 3),
            ("deny = [\"**/.env\", \"a**/b\"]", "clients[0].deny[1]", 3),
        ]
    )
    func badValues(body: String, keyPath: String, line: Int) throws {
        let error = try Support.error("[[clients]]\nid = \"c\"\n" + body + "\n")
        #expect(error.keyPath == keyPath)
        #expect(error.line == line)
    }

    @Test("The message of an enumeration error lists the accepted values")
    func enumerationMessage() throws {
        let error = try Support.error("[[clients]]\nid = \"c\"\napproval = \"maybe\"\n")
        #expect(error.message == "unknown value \"maybe\"; expected one of never, destructive, always")
    }

    @Test("A bad glob is refused with the glob and the reason")
    func badGlobMessage() throws {
        let error = try Support.error("[[clients]]\nid = \"c\"\ndeny = [\"x/**y\"]\n")
        #expect(error.code == .invalidValue)
        #expect(error.message.contains("invalid glob \"x/**y\""))
        #expect(error.message.contains("whole path segment"))
    }

    @Test("custom:NAME must be declared by a registered module when the modules are known")
    func customPermissionsMustBeDeclared() throws {
        let toml = "[[clients]]\nid = \"c\"\npermissions = [\"file_read\", \"custom:git.push\"]\n"
        let parse = { (declared: Set<String>?) throws(ConfigurationError) in
            try BastionConfiguration.parse(
                toml: toml,
                source: "b.toml",
                environment: Support.environment,
                customPermissions: declared
            )
        }
        #expect(try parse(nil).clients[0].permissions.last == .custom(name: "git.push"))
        #expect(try parse(["git.push"]).clients[0].permissions.last == .custom(name: "git.push"))
        let error = try #require(throws: ConfigurationError.self) { try parse(["git.pull"]) }
        #expect(error.keyPath == "clients[0].permissions[1]")
        #expect(error.line == 3)
        #expect(error.message.contains("unknown permission \"custom:git.push\""))
        #expect(error.message.contains("declared: git.pull"))
    }
}
