import Testing

@testable import BastionSecurity

struct PermissionKindTests {
    @Test(
        "spelling is the configuration type name",
        arguments: [
            (PermissionKind.fileRead, "file_read"),
            (.fileWrite, "file_write"),
            (.fileWriteGlobal, "file_write_global"),
            (.codeExecution, "code_execution"),
            (.codeExecutionSudo, "code_execution_sudo"),
            (.systemCommand, "system_command"),
            (.custom("git.push"), "custom:git.push"),
        ]
    )
    func spelling(kind: PermissionKind, expected: String) {
        #expect(kind.spelling == expected)
    }

    @Test("Every built-in spelling parses back to a permission of that kind")
    func builtInSpellingsParse() throws {
        let kinds: [PermissionKind] = [.fileRead, .fileWrite, .codeExecution, .codeExecutionSudo, .custom("m.x")]
        for kind in kinds {
            #expect(try Permission(parsing: kind.spelling).kind == kind)
        }
    }

    @Test("typeNames lists the seven configuration types in documentation order")
    func typeNames() {
        #expect(
            PermissionKind.typeNames == [
                "file_read", "file_write", "file_write_global", "code_execution", "code_execution_sudo",
                "system_command", "custom",
            ]
        )
    }

    @Test("Custom kinds compare by name")
    func customKindsCompareByName() {
        #expect(PermissionKind.custom("a") == .custom("a"))
        #expect(PermissionKind.custom("a") != .custom("b"))
    }
}
