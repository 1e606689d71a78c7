extension CompiledRules {
    /// Canonicalizes `input` and decides on it.
    func resolve(_ access: PermissionManager.Access, _ input: String) -> PermissionManager.Resolution {
        let path: String
        do {
            path = try PathCanonicalizer.canonical(input, relativeTo: workdir, home: home)
        } catch {
            let denial = PermissionDecision.invalidPath(
                input,
                problem: "the path is not acceptable (empty, NUL byte, too long, or a symlink loop)"
            )
            return PermissionManager.Resolution(decision: denial, canonicalPath: nil)
        }
        return PermissionManager.Resolution(decision: decide(access, canonicalPath: path), canonicalPath: path)
    }

    /// The call-level decision on a canonical path, in the documented order: `read_only`, Bastion's
    /// own files, the built-in protected list (writes), the deny globs, then the grants.
    func decide(_ access: PermissionManager.Access, canonicalPath path: String) -> PermissionDecision {
        decide(access, target: path, isNormal: PathBytes.isNormalAbsolute(path)) { $0.matches(path) }
    }

    /// The same decision on a canonical path given as raw bytes (a walked entry's name need not be
    /// UTF-8); a denial names the path with each invalid byte replaced by U+FFFD.
    func decide(_ access: PermissionManager.Access, canonicalBytes bytes: [UInt8]) -> PermissionDecision {
        let target = String(decoding: bytes, as: UTF8.self)
        return decide(access, target: target, isNormal: PathBytes.isNormalAbsolute(bytes: bytes)) { $0.matches(bytes) }
    }

    /// The order of the checks, whatever form the path has: `matches` says whether a glob matches it.
    private func decide(
        _ access: PermissionManager.Access,
        target path: String,
        isNormal: Bool,
        matches: (GlobPattern) -> Bool
    ) -> PermissionDecision {
        if access != .read, isReadOnly { return .readOnly(target: path) }
        // Defence in depth: canonical paths have no empty, `.` or `..` segment (checked on bytes).
        guard isNormal else { return .invalidPath(path, problem: "the path is not in canonical form") }
        if let rule = protected.own.first(where: matches) { return .protected(rule.pattern, target: path) }
        if access == .write, let rule = protected.builtIn.first(where: matches) {
            return .protected(rule.pattern, target: path)
        }
        if let rule = deny.first(where: matches) { return .denyRule(rule.pattern, target: path) }
        let isGranted: Bool
        switch access {
        case .read:
            isGranted = reads.contains(where: matches)
        case .write:
            isGranted = writes.contains(where: matches) || globalWrites.contains(where: matches)
        case .execute(let command):
            // A bare name is matched by name (it was looked up in the server's PATH); a command
            // given as a path is matched only by its canonical path. `/` is looked for as a byte.
            let isBareName = !command.isEmpty && !PathBytes.containsSlash(command)
            isGranted =
                (isBareName && commandNames.contains { $0.matches("/" + command) })
                || commandPaths.contains(where: matches)
        }
        if isGranted { return .allow }
        let outsideScope = !PathBytes.isWithin(path, workdir)
        return .missing(
            PermissionManager.neededPermission(access, outsideScope: outsideScope, path: path),
            target: path
        )
    }
}
