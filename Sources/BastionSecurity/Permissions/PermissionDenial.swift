public import BastionProtocol

/// A call-level refusal as the audit log records it: the permission the access needed, the
/// canonical path (or command) it was refused on, and what refused it.
///
/// Handlers do not write audit fields: a refusal travels as this value in the error or result
/// (`FileSystemError.denial`, `ToolError.denial`, `ToolResult.denial`) and the tool manager notes it
/// on the request, so every tool gets the same `"decision":"deny"` record without string matching.
public struct PermissionDenial: Sendable, Hashable {
    /// What refused the access.
    public enum Rule: String, Sendable, Hashable {
        /// No grant covers the path or command.
        case missingGrant = "no-grant"
        /// One of the client's `deny` globs (``PermissionDenial/pattern`` names it).
        case denyRule = "deny-rule"
        /// The built-in protected list (``PermissionDenial/pattern`` names the entry).
        case protected
        /// The client is `read_only` and the access writes or executes.
        case readOnly = "read-only"
        /// The path is not acceptable (NUL byte, too long, not canonical, a symlink loop).
        case invalidPath = "invalid-path"
        /// The path is allowed by the grants but lies outside the client's scope (its roots).
        case outsideScope = "outside-scope"
    }

    /// The permission the access needed, as the configuration spells it (`file_write`,
    /// `file_read:/home/me/x`, `system_command:git`).
    public var permission: String
    /// The canonical path (or, when it could not be made canonical, the path as given), or the command.
    public var target: String
    /// What refused it.
    public var rule: Rule
    /// The glob of the deny rule or protected entry, when one refused it.
    public var pattern: String?

    /// Creates a denial.
    public init(permission: String, target: String, rule: Rule, pattern: String? = nil) {
        self.permission = permission
        self.target = target
        self.rule = rule
        self.pattern = pattern
    }

    /// The denial a call-level decision stands for.
    /// - Parameters:
    ///   - decision: The permission layer's answer.
    ///   - access: What the call wanted to do.
    /// - Returns: `nil` when the decision allows, or for a tool-level denial (`.deny`, which names no path).
    public init?(_ decision: PermissionDecision, access: PermissionManager.Access) {
        let needed = Self.basePermission(access)
        switch decision {
        case .allow, .deny, .missingKind, .undeclared, .readOnlyTool:
            return nil  // tool-level answers: they name no path
        case .missing(let missing, let target):
            self.init(permission: missing.description, target: target, rule: .missingGrant)
        case .denyRule(let rule, let target):
            self.init(permission: needed, target: target, rule: .denyRule, pattern: rule)
        case .protected(let rule, let target):
            self.init(permission: needed, target: target, rule: .protected, pattern: rule)
        case .readOnly(let target):
            self.init(permission: needed, target: target, rule: .readOnly)
        case .invalidPath(let path, _):
            self.init(permission: needed, target: path, rule: .invalidPath)
        }
    }

    /// A path refused before or after the permission layer for `access` (outside the scope, not
    /// canonical, a NUL byte): the denial names the access's permission.
    public init(_ access: PermissionManager.Access, target: String, rule: Rule) {
        self.init(permission: Self.basePermission(access), target: target, rule: rule)
    }

    /// The members of the request's audit record: `decision`, `permission`, `path`, `rule` and, for
    /// a glob, `rule_pattern`.
    public var auditFields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "decision": "deny", "permission": .string(permission), "path": .string(target),
            "rule": .string(rule.rawValue),
        ]
        if let pattern { fields["rule_pattern"] = .string(pattern) }
        return fields
    }

    /// The permission kind an access needs at the least.
    static func basePermission(_ access: PermissionManager.Access) -> String {
        switch access {
        case .read: return Permission.fileRead(glob: nil).description
        case .write: return Permission.fileWrite(glob: nil).description
        case .execute(let command): return Permission.systemCommand(pattern: GlobPattern.escaped(command)).description
        }
    }
}
