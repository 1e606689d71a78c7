/// The answer of a permission check: allowed, or denied with the permission that was missing.
///
/// A denial is a value, not an error: the caller turns it into an `isError` tool result. Its reason
/// is built only when asked for.
public enum PermissionDecision: Sendable, Hashable {
    case allow
    /// Denied; `missing` is the permission the client would need.
    case deny(missing: Permission)

    /// Whether the action may go ahead.
    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    /// A sentence for the client naming what is missing, or `nil` when allowed.
    public func reason(action: String) -> String? {
        guard case .deny(let missing) = self else { return nil }
        return "Permission denied: \(action) requires the permission \"\(missing)\", which this client does not hold"
    }
}
