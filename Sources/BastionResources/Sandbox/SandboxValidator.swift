public import BastionProtocol
public import BastionSecurity

/// Step 3 of the security chain: confirms a call stays inside the client's sandbox before it runs.
///
/// File-system and execution modules add call-level rules (paths, commands); every call passes here.
public protocol SandboxValidator: Sendable {
    /// Validates one tool call.
    /// - Returns: `nil` to proceed, or the reason the call is refused.
    func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String?
}
