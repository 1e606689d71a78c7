import BastionSecurity

extension BastionConfiguration {
    /// The configured clients as the client registry knows them.
    ///
    /// Each client's rules also deny every other client's workdir: a workdir is its client's
    /// private space (its state, its approvals' files), so a broad grant such as `file_read:~/**`
    /// must not reach into another's.
    /// - Parameters:
    ///   - home: What `~` stands for in paths clients give.
    ///   - others: Other configurations whose workdirs are denied too (a reload: a workdir kept
    ///     here until a restart is already the reloaded one for the other clients' new processes).
    /// - Returns: One entry per client, in configuration order.
    func registryClients(
        home: String,
        alsoDenyingWorkdirsOf others: [BastionConfiguration] = []
    ) -> [ClientManager.Client] {
        let workdirGlobs = ([self] + others).flatMap { configuration in
            configuration.clients.map { ($0.id, Self.subtreeGlobs(of: $0.workdir)) }
        }
        return clients.map { client in
            var rules = client.permissionRules(home: home)
            for (id, globs) in workdirGlobs where id != client.id {
                rules.deny += globs.filter { !rules.deny.contains($0) }
            }
            return ClientManager.Client(
                id: client.id,
                rules: rules,
                limits: client.limits,
                runAs: client.runAs,
                certificateSubject: client.auth.mtlsSubject,
                tokenSubject: client.auth.jwtSubject,
                signatureKey: client.auth.signatureKey
            )
        }
    }

    /// This configuration with the workdirs in force kept for the clients `inForce` already has:
    /// a workdir holds a client's state and is where its connected sessions work, so a new one
    /// applies only after a restart (and the reload says so).
    func keepingWorkdirs(of inForce: BastionConfiguration) -> BastionConfiguration {
        let current = Dictionary(inForce.clients.map { ($0.id, $0.workdir) }, uniquingKeysWith: { first, _ in first })
        var kept = self
        for index in kept.clients.indices {
            if let workdir = current[kept.clients[index].id] { kept.clients[index].workdir = workdir }
        }
        return kept
    }

    /// Globs that match a directory and everything below it, as written and, when it differs, as
    /// its canonical form (symlinks resolved), with glob metacharacters escaped.
    private static func subtreeGlobs(of directory: String) -> [String] {
        var globs: [String] = []
        for form in [directory, ConfigurationPaths.canonical(directory)] {
            let glob = escapingGlobMetacharacters(form) + "/**"
            if !globs.contains(glob) { globs.append(glob) }
        }
        return globs
    }
}
