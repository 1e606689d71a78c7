import Testing

@testable import BastionSecurity

struct PermissionParseErrorTests {
    private func error(for spelling: String) throws -> PermissionParseError {
        try #require(throws: PermissionParseError.self) { try Permission(parsing: spelling) }
    }

    @Test("An unknown type names it and lists every valid type")
    func unknownTypeMessage() throws {
        let error = try error(for: "file_exec:/tmp")
        #expect(error.code == .unknownType)
        #expect(
            error.message
                == "unknown permission type \"file_exec\"; expected one of file_read, file_write, "
                + "file_write_global, code_execution, code_execution_sudo, system_command, custom"
        )
        #expect(error.description == error.message)
    }

    @Test(
        "Argument errors name the whole spelling and list the valid permissions",
        arguments: ["file_read:", "code_execution:yes", "code_execution_sudo:x", "system_command", "custom:a b"]
    )
    func argumentErrorMessage(spelling: String) throws {
        let error = try error(for: spelling)
        #expect(error.message.hasPrefix("invalid permission \"\(spelling)\": "))
        #expect(error.message.hasSuffix(PermissionParseError.validSyntax))
        #expect(error.spelling == spelling)
    }

    @Test("Control characters in a spelling are escaped, so a message stays on one line")
    func controlCharactersEscaped() throws {
        let error = try error(for: "file_read:/a\nb")
        #expect(!error.message.contains("\n"))
        #expect(error.message.contains("/a\\nb"))
        #expect(PermissionParseError.escaped("a\u{0}\u{1}\"\\") == "a\\0\\u{1}\\\"\\\\")
    }

    @Test("Codes compare by value and describe themselves")
    func codes() {
        #expect(PermissionParseError.Code.unknownType == .unknownType)
        #expect(PermissionParseError.Code.unknownType != .invalidArgument)
        #expect(PermissionParseError.Code.missingArgument.description == "missingArgument")
        #expect(PermissionParseError.Code.unexpectedArgument.description == "unexpectedArgument")
    }
}
