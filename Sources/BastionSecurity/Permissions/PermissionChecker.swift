/// Decides whether a client's grants cover what a tool or resource declares (the tool-level check).
///
/// A requirement is read with the call-level meaning of the same spelling in a client's grants
/// (ARCHITECTURE §2), and one grant must *cover* it: every path or command the requirement stands
/// for must be one that grant allows at call level. Exactly:
/// - `file_read[:GLOB]`: a `file_read` grant whose glob covers GLOB (``GlobPattern/covers(_:)``,
///   conservative). Both globs are compiled as grants of this client are: no glob means the whole
///   workdir, a relative glob starts in the workdir, `~` is the home directory. So `file_read`
///   covers `file_read:src/**` and `file_read:**/.git/**` (both inside the workdir), and
///   `file_read:/srv/**` does not cover `file_read` (the workdir).
/// - `file_write[:GLOB]`: a `file_write` or `file_write_global` grant whose glob covers GLOB.
/// - `file_write_global:GLOB`: a `file_write_global` grant whose glob covers GLOB.
/// - `system_command:NAME` (no `/`): a `system_command` grant without `/` whose pattern covers
///   NAME (`git` and `g*` cover `git`; `ls` does not). `system_command:PATH` (with `/`): a grant
///   with `/` whose glob covers PATH. A name grant never covers a path requirement, and a path
///   grant never covers a name (which `PATH` may resolve anywhere).
/// - `code_execution`: any `code_execution` grant; `code_execution:unrestricted`: an unrestricted one.
/// - `code_execution_sudo`: `code_execution_sudo`. `custom:NAME`: `custom:NAME`, the same name.
/// - A kind checked per call (``RequiredPermissions/checkedPerCall(_:)``): any grant of that kind
///   (for `file_write`, a `file_write` or `file_write_global` one); the tool checks each path.
///
/// Deny globs and the protected list are not consulted here: they refuse paths, at call level.
public enum PermissionChecker {
    /// Checks a declaration against one client's rules.
    /// - Parameters:
    ///   - required: What the tool or resource declares.
    ///   - rules: The client's rules; when they do not compile, every requirement is refused.
    /// - Returns: `.allow`; `.undeclared` for a declaration that says nothing; or the first
    ///   uncovered kind (`.missingKind`) or permission (`.deny`).
    public static func check(
        _ required: RequiredPermissions,
        rules: PermissionManager.ClientRules
    ) -> PermissionDecision {
        check(required, try? CompiledRules(rules, protected: CompiledRules.Protected()))
    }

    /// Checks a declaration against compiled rules; `nil` rules cover nothing.
    static func check(_ required: RequiredPermissions, _ rules: CompiledRules?) -> PermissionDecision {
        if required.isPublic { return .allow }
        guard required.isDeclared else { return .undeclared }
        for kind in required.perCallKinds where !(rules.map { holdsAny(kind, $0) } ?? false) {
            return .missingKind(kind)
        }
        if let first = required.alternativeKinds.first,
            !required.alternativeKinds.contains(where: { kind in rules.map { holdsAny(kind, $0) } ?? false })
        {
            return .missingKind(first)
        }
        for requirement in required.permissions where !(rules.map { covers(requirement, $0) } ?? false) {
            return .deny(missing: requirement)
        }
        return .allow
    }

    /// Whether the rules hold any grant of a kind.
    static func holdsAny(_ kind: PermissionKind, _ rules: CompiledRules) -> Bool {
        switch kind {
        case .fileRead: return !rules.reads.isEmpty
        case .fileWrite: return !rules.writes.isEmpty || !rules.globalWrites.isEmpty
        case .fileWriteGlobal: return !rules.globalWrites.isEmpty
        case .systemCommand: return !rules.commandNames.isEmpty || !rules.commandPaths.isEmpty
        case .codeExecution, .codeExecutionSudo, .custom: return rules.grants.contains { $0.kind == kind }
        }
    }

    /// Whether one grant of the rules covers one requirement (see the type's documentation).
    static func covers(_ requirement: Permission, _ rules: CompiledRules) -> Bool {
        switch requirement {
        case .fileRead(let glob):
            guard let needed = rules.grantGlob(glob) else { return false }
            return rules.reads.contains { $0.covers(needed) }
        case .fileWrite(let glob):
            guard let needed = rules.grantGlob(glob) else { return false }
            return rules.writes.contains { $0.covers(needed) } || rules.globalWrites.contains { $0.covers(needed) }
        case .fileWriteGlobal(let glob):
            guard let needed = rules.grantGlob(glob) else { return false }
            return rules.globalWrites.contains { $0.covers(needed) }
        case .systemCommand(let pattern):
            guard PathBytes.containsSlash(pattern) else {
                guard let needed = try? GlobPattern("/" + pattern) else { return false }
                return rules.commandNames.contains { $0.covers(needed) }
            }
            guard let needed = try? GlobPattern(pattern, relativeTo: rules.workdir) else { return false }
            return rules.commandPaths.contains { $0.covers(needed) }
        case .codeExecution(let needsUnrestricted):
            return rules.grants.contains { grant in
                guard case .codeExecution(let isUnrestricted) = grant else { return false }
                return isUnrestricted || !needsUnrestricted
            }
        case .codeExecutionSudo, .custom:
            return rules.grants.contains(requirement)
        }
    }
}
