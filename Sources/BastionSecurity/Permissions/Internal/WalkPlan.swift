/// The globs one access consults, in the order of ``CompiledRules/decide(_:canonicalPath:)``, each
/// list with what a match means: for `read`, Bastion's own files (deny), the deny globs (deny), the
/// read grants (allow); for `write`, also the built-in protected list, and the write grants. No
/// list matching means denied. Built once per walk; immutable.
final class WalkPlan: Sendable {
    struct List: Sendable {
        /// What the first list with a match decides.
        let allows: Bool
        let globs: [GlobStepper]
    }

    /// `nil`: every path is denied (no rules, a `read_only` client writing, an execution).
    let lists: [List]?
    let rules: CompiledRules?
    let access: PermissionManager.Access

    init(_ rules: CompiledRules?, access: PermissionManager.Access) {
        self.rules = rules
        self.access = access
        guard let rules else {
            lists = nil
            return
        }
        func list(_ globs: [GlobPattern], allows: Bool) -> List {
            List(allows: allows, globs: globs.map(GlobStepper.init))
        }
        switch access {
        case .read:
            lists = [
                list(rules.protected.own, allows: false), list(rules.deny, allows: false),
                list(rules.reads, allows: true),
            ]
        case .write where !rules.isReadOnly:
            lists = [
                list(rules.protected.own, allows: false), list(rules.protected.builtIn, allows: false),
                list(rules.deny, allows: false), list(rules.writes + rules.globalWrites, allows: true),
            ]
        case .write, .execute:
            lists = nil
        }
    }
}
