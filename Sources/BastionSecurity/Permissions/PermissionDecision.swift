/// The answer of a permission check: allowed, or denied with what refused it.
///
/// A denial is a value, not an error: the caller turns it into an `isError` tool result. Its reason
/// is built only when asked for, and names the permission or rule and the path or command — never
/// the content of what was refused.
public enum PermissionDecision: Sendable, Hashable {
    case allow
    /// Denied at tool level; `missing` is the permission the client would need.
    case deny(missing: Permission)
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

    /// Escapes control characters and shortens very long paths so a reason stays one readable line.
    static func shown(_ text: String) -> String {
        let escaped = PermissionParseError.escaped(text)
        guard escaped.count > 512 else { return escaped }
        return String(escaped.prefix(512)) + "…"
    }
}
