import BastionProtocol
import BastionSecurity
import Testing

@testable import BastionResources

/// A call-level rule of the kind file-system and execution modules add: refuses one argument value.
private struct ForbiddenPathValidator: SandboxValidator {
    var forbidden: String
    func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String? {
        arguments["path"] == .string(forbidden) ? "\(tool) may not touch \(forbidden) for \(client.id)" : nil
    }
}

struct SandboxValidatorTests {
    private let client = ClientContext(
        identity: ClientIdentity(clientID: "claude", transport: "stdio", method: .stdioProcess),
        permissions: [],
        workdir: "/w",
        limits: ResourceLimits()
    )

    /// Applies validators in order; the first refusal wins, as a chain of rules would.
    private func firstRefusal(
        _ validators: [any SandboxValidator],
        tool: String,
        arguments: [String: JSONValue]
    ) -> String? {
        for validator in validators {
            if let refusal = validator.validate(tool: tool, arguments: arguments, client: client) { return refusal }
        }
        return nil
    }

    @Test func aValidatorSeesTheToolArgumentsAndClient() {
        let validator: any SandboxValidator = ForbiddenPathValidator(forbidden: "/etc/shadow")
        #expect(
            validator.validate(tool: "read_text_file", arguments: ["path": "/etc/shadow"], client: client)
                == "read_text_file may not touch /etc/shadow for claude"
        )
        #expect(validator.validate(tool: "read_text_file", arguments: ["path": "notes.txt"], client: client) == nil)
    }

    @Test func validatorsChainAndTheFirstRefusalWins() {
        let chain: [any SandboxValidator] = [
            ForbiddenPathValidator(forbidden: "a"), ForbiddenPathValidator(forbidden: "b"),
        ]
        #expect(firstRefusal(chain, tool: "t", arguments: ["path": "b"]) == "t may not touch b for claude")
        #expect(firstRefusal(chain, tool: "t", arguments: ["path": "c"]) == nil)
    }
}
