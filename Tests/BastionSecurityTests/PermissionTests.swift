import Testing

@testable import BastionSecurity

struct PermissionTests {
    static let spellings: [(String, Permission)] = [
        ("file_read", .fileRead(glob: nil)),
        ("file_read:~/projects/**", .fileRead(glob: "~/projects/**")),
        ("file_read:/srv/a:b/*.txt", .fileRead(glob: "/srv/a:b/*.txt")),
        ("file_write", .fileWrite(glob: nil)),
        ("file_write:/tmp/out/**", .fileWrite(glob: "/tmp/out/**")),
        ("file_write_global:/var/tmp/**", .fileWriteGlobal(glob: "/var/tmp/**")),
        ("code_execution", .codeExecution(unrestricted: false)),
        ("code_execution:unrestricted", .codeExecution(unrestricted: true)),
        ("code_execution_sudo", .codeExecutionSudo),
        ("system_command:git", .systemCommand(pattern: "git")),
        ("system_command:/usr/bin/*", .systemCommand(pattern: "/usr/bin/*")),
        ("custom:git.push", .custom(name: "git.push")),
        ("custom:A-z_0.9", .custom(name: "A-z_0.9")),
    ]

    @Test("Each valid spelling parses to its permission", arguments: spellings)
    func parsesSpelling(spelling: String, expected: Permission) throws {
        #expect(try Permission(parsing: spelling) == expected)
    }

    @Test("description gives back the configuration spelling", arguments: spellings)
    func descriptionIsSpelling(spelling: String, permission: Permission) {
        #expect(permission.description == spelling)
    }

    @Test("Parsing the description round-trips", arguments: spellings.map(\.1))
    func roundTrips(permission: Permission) throws {
        #expect(try Permission(parsing: permission.description) == permission)
    }

    static let badSpellings: [(String, PermissionParseError.Code)] = [
        ("file_exec", .unknownType),
        ("FILE_READ", .unknownType),
        ("", .unknownType),
        (" file_read", .unknownType),
        ("file_read ", .unknownType),
        ("custom", .missingArgument),
        ("file_read:", .invalidArgument),
        ("file_write:", .invalidArgument),
        ("file_read:/a\u{0}b", .invalidArgument),
        ("file_read:/a\nb", .invalidArgument),
        ("file_write:/a\rb", .invalidArgument),
        ("file_write_global", .missingArgument),
        ("file_write_global:", .invalidArgument),
        ("code_execution:", .invalidArgument),
        ("code_execution:network", .invalidArgument),
        ("code_execution_sudo:yes", .unexpectedArgument),
        ("system_command", .missingArgument),
        ("system_command:", .invalidArgument),
        ("system_command:git\nrm", .invalidArgument),
        ("custom:", .invalidArgument),
        ("custom:has space", .invalidArgument),
        ("custom:a/b", .invalidArgument),
    ]

    @Test("Each bad spelling is refused with the right code", arguments: badSpellings)
    func refusesBadSpelling(spelling: String, code: PermissionParseError.Code) {
        let error = #expect(throws: PermissionParseError.self) { try Permission(parsing: spelling) }
        #expect(error?.code == code)
        #expect(error?.spelling == spelling)
    }

    @Test("kind drops the argument")
    func kindDropsArgument() {
        #expect(Permission.fileRead(glob: "/x").kind == .fileRead)
        #expect(Permission.fileWrite(glob: nil).kind == .fileWrite)
        #expect(Permission.fileWriteGlobal(glob: "/x").kind == .fileWriteGlobal)
        #expect(Permission.codeExecution(unrestricted: true).kind == .codeExecution)
        #expect(Permission.codeExecutionSudo.kind == .codeExecutionSudo)
        #expect(Permission.systemCommand(pattern: "git").kind == .systemCommand)
        #expect(Permission.custom(name: "x.y").kind == .custom("x.y"))
    }

    @Test(
        "expandingTilde expands a leading ~ of file globs only",
        arguments: [
            (Permission.fileRead(glob: "~/projects/**"), Permission.fileRead(glob: "/home/ada/projects/**")),
            (.fileRead(glob: "~"), .fileRead(glob: "/home/ada")),
            (.fileWrite(glob: "~/notes/"), .fileWrite(glob: "/home/ada/notes/")),
            (.fileWriteGlobal(glob: "~/x"), .fileWriteGlobal(glob: "/home/ada/x")),
            (.fileRead(glob: "~bob/x"), .fileRead(glob: "~bob/x")),
            (.fileRead(glob: "/a/~/b"), .fileRead(glob: "/a/~/b")),
            (.fileRead(glob: nil), .fileRead(glob: nil)),
            (.systemCommand(pattern: "~/bin/tool"), .systemCommand(pattern: "~/bin/tool")),
            (.custom(name: "x"), .custom(name: "x")),
            (.codeExecution(unrestricted: false), .codeExecution(unrestricted: false)),
        ]
    )
    func expandsTilde(permission: Permission, expected: Permission) {
        #expect(permission.expandingTilde(home: "/home/ada") == expected)
    }

    @Test("The type ends at the first \":\" scalar, even when a combining mark follows it")
    func aCombiningMarkAfterTheColonBelongsToTheArgument() throws {
        #expect(try Permission(parsing: "file_read:\u{301}x/**") == .fileRead(glob: "\u{301}x/**"))
    }

    @Test("A tilde is expanded on bytes")
    func tildeIsExpandedOnBytes() {
        #expect(Permission.expandingTilde("~/\u{301}x", home: "/home/ada") == "/home/ada/\u{301}x")
        #expect(Permission.expandingTilde("~\u{301}/x", home: "/home/ada") == "~\u{301}/x")
    }

    @Test("expandingTilde does not double a trailing slash of the home directory")
    func expandsTildeWithTrailingSlashHome() {
        #expect(Permission.fileRead(glob: "~/x").expandingTilde(home: "/home/ada/") == .fileRead(glob: "/home/ada/x"))
        #expect(Permission.fileRead(glob: "~/x").expandingTilde(home: "/") == .fileRead(glob: "/x"))
    }
}
