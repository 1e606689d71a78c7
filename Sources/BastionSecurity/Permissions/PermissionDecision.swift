/// The answer of a permission check: allowed, or denied with what refused it.
///
/// A denial is a value, not an error: the caller turns it into an `isError` tool result. Its reason
/// is built only when asked for, and names the permission or rule and the path or command — never
/// the content of what was refused.
public enum PermissionDecision: Sendable, Hashable {
    case allow
    /// Denied at tool level; `missing` is the permission the client would need.
    case deny(missing: Permission)
    /// Denied at tool level: the tool is checked per call and the client holds no grant of the kind.
    case missingKind(PermissionKind)
    /// Denied at tool level: the tool declares nothing (neither `.public` nor what it needs), so it
    /// is refused to every client (fail closed).
    case undeclared
    /// Denied at tool level: the client is `read_only = true` and the tool is not annotated read-only.
    case readOnlyTool
    /// Denied at call level: no grant covers `target` (a canonical path or a command).
    case missing(Permission, target: String)
    /// Denied by one of the client's own `deny` globs, which override every grant.
    case denyRule(String, target: String)
    /// Denied because `target` is on the built-in protected list (matched by the given glob).
    case protected(String, target: String)
    /// Denied because the client is `read_only = true` and the action writes or executes.
    case readOnly(target: String)
    /// Denied because the path is not acceptable (NUL byte, too long, symlink loop, …).
    case invalidPath(String, problem: String)

    /// Whether the action may go ahead.
    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    /// A sentence for the client naming what refused the action, or `nil` when allowed.
    /// - Parameter action: What was attempted, e.g. `tool "write_file"` or `writing`.
    /// - Returns: The reason, on one line.
    public func reason(action: String) -> String? {
        switch self {
        case .allow:
            return nil
        case .deny(let missing):
            return
                "Permission denied: \(action) requires the permission \"\(missing)\", which this client does not hold"
        case .missingKind(let kind):
            return "Permission denied: \(action) requires a \"\(kind.spelling)\" permission (any path or command; "
                + "each is checked when called), which this client does not hold"
        case .undeclared:
            return "Permission denied: \(action) declares no permissions (not even .public), so no client may call it"
        case .readOnlyTool:
            return "Permission denied: \(action) is not annotated read-only, and this client is read_only "
                + "(it may call only tools annotated readOnlyHint)"
        case .missing(let missing, let target):
            return "Permission denied: \(action) \"\(Self.shown(target))\" requires the permission \"\(missing)\", "
                + "which this client does not hold"
        case .denyRule(let rule, let target):
            return "Permission denied: \(action) \"\(Self.shown(target))\" is refused by the client's deny rule "
                + "\"\(Self.shown(rule))\""
        case .protected(let rule, let target):
            return "Permission denied: \(action) \"\(Self.shown(target))\" is refused because the path is protected "
                + "(rule \"\(Self.shown(rule))\"); no client may write it"
        case .readOnly(let target):
            return "Permission denied: \(action) \"\(Self.shown(target))\" is refused because this client is "
                + "read_only (no writes, no execution)"
        case .invalidPath(let path, let problem):
            return "Permission denied: \(action) \"\(Self.shown(path))\" is refused: \(problem)"
        }
    }

    /// The permission a tool-level or call-level denial names as missing (`file_read`, …), for the
    /// audit record; `nil` when allowed or refused for another reason (deny rule, protected, …).
    public var missingPermission: String? {
        switch self {
        case .deny(let missing), .missing(let missing, _): return missing.description
        case .missingKind(let kind): return kind.spelling
        case .allow, .undeclared, .readOnlyTool, .denyRule, .protected, .readOnly, .invalidPath: return nil
        }
    }

    /// Escapes control characters and shortens very long paths so a reason stays one readable line.
    static func shown(_ text: String) -> String {
        let escaped = PermissionParseError.escaped(text)
        guard escaped.count > 512 else { return escaped }
        return String(escaped.prefix(512)) + "…"
    }
}
