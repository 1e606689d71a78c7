/// Decides whether a client's grants cover what a tool declares (the tool-level check).
///
/// Call-level checks of paths and commands against globs come with the file-system and execution
/// layers; here a grant covers a requirement when it has the same kind (the same name for
/// `custom:`), an unrestricted execution requirement needs an unrestricted grant, and
/// `file_write_global` covers `file_write` (the call-level check narrows it to its glob).
public enum PermissionChecker {
    /// Checks every requirement; the first uncovered one is reported.
    /// - Parameters:
    ///   - required: What the tool declares.
    ///   - granted: What the client holds.
    /// - Returns: `.allow`, or `.deny` with the first missing permission.
    public static func check(required: [Permission], granted: [Permission]) -> PermissionDecision {
        for requirement in required where !granted.contains(where: { covers($0, requirement) }) {
            return .deny(missing: requirement)
        }
        return .allow
    }

    /// Whether one grant covers one requirement at tool level.
    static func covers(_ grant: Permission, _ requirement: Permission) -> Bool {
        switch (grant, requirement) {
        case (.codeExecution(let unrestrictedGrant), .codeExecution(let unrestrictedNeed)):
            return unrestrictedGrant || !unrestrictedNeed
        case (.fileWriteGlobal, .fileWrite):
            // A tool that writes files works for a client that may write only outside its scope:
            // the call-level check then allows exactly what the glob matches.
            return true
        default:
            return grant.kind == requirement.kind
        }
    }
}
