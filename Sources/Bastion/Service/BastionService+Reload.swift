import BastionProtocol
import BastionSecurity
import Logging
import Synchronization

extension BastionService {
    /// Re-reads the configuration (`SIGHUP`) off the cooperative pool, applies it, and tells each
    /// session whose tools changed.
    func reloadNow() async {
        await withTaskExecutorPreference(BlockingExecutor.shared) {
            let before = Dictionary(
                liveConnections.map { ($0.session.id, visibleToolNames(of: $0.client)) },
                uniquingKeysWith: { first, _ in first }
            )
            guard reload() else { return }
            // On a 2026-07-28 connection the notice goes only to a `subscriptions/listen` that asked.
            for connection in liveConnections where connection.session.negotiatedVersion != nil {
                // A session that connected during the reload may have listed the old tools: told too.
                guard before[connection.session.id] != visibleToolNames(of: connection.client) else { continue }
                connection.session.notify(method: "notifications/tools/list_changed")
            }
        }
    }

    private func visibleToolNames(of client: ClientContext) -> [String] {
        runtime.tools.visibleTools(for: client).map(\.name)
    }

    /// Re-reads the configuration and applies it to every client at once, or keeps the old one;
    /// audited either way.
    /// - Returns: Whether a new configuration is in force.
    @discardableResult
    func reload() -> Bool {
        var fields: [String: JSONValue] = [:]
        if let file = server.configurationFile { fields["file"] = .string(file) }
        guard let reloadConfiguration = server.reloadConfiguration else {
            logger.warning("SIGHUP ignored: the embedded default configuration has no file to reload")
            fields["outcome"] = "ignored"
            fields["error"] = "no configuration file (embedded default)"
            audit.record(AuditEntry(event: "config-reload", fields: fields))
            return false
        }
        do throws(ServerError) {
            let new: BastionConfiguration
            do {
                new = try reloadConfiguration()
            } catch {
                throw ServerError(error.description)
            }
            let changes = try apply(new)
            fields["outcome"] = "ok"
            fields["changed"] = .array(changes.changed.map(JSONValue.string))
            fields["added"] = .array(changes.added.map(JSONValue.string))
            fields["removed"] = .array(changes.removed.map(JSONValue.string))
            fields["not_applied"] = .array(changes.notApplied.map(JSONValue.string))
            audit.record(AuditEntry(event: "config-reload", fields: fields))
            logger.notice(
                "Configuration reloaded; new rules apply to the next request",
                metadata: [
                    "clients.changed": "\(changes.changed.joined(separator: ","))",
                    "clients.removed": "\(changes.removed.joined(separator: ","))",
                ]
            )
            if !changes.notApplied.isEmpty {
                logger.warning(
                    "Some changed settings apply only after a restart: \(changes.notApplied.joined(separator: ", "))"
                )
            }
            return true
        } catch {
            fields["outcome"] = "error"
            fields["error"] = .string(String(error.message.prefix(2_048)))
            audit.record(AuditEntry(event: "config-reload", fields: fields))
            logger.error("Configuration reload failed; the previous rules stay in force: \(error.message)")
            return false
        }
    }

    /// Puts a new configuration in force for every connected client and every one connecting.
    ///
    /// Approval settings first: a call arriving mid-reload may meet the new approval rules with the
    /// old rights, never the new rights with the old approval rules.
    /// - Returns: What changed.
    /// - Throws: ``ServerError`` when the new configuration is refused; nothing changed then.
    func apply(_ reloaded: BastionConfiguration) throws(ServerError) -> ConfigurationChanges {
        try server.checkCustomPermissions(reloaded)
        try server.checkWorkdirsHoldNoRuntime(reloaded)
        // The paths kept from every client are compiled at start: a key file a reload names for
        // the first time would be readable through the file tools (review 15, finding 5).
        let protected = Set(server.protectedPaths)
        if let unprotected = reloaded.clients.compactMap(\.auth.signatureKeyFile).first(where: {
            !protected.contains($0)
        }) {
            throw ServerError(
                "signature_key_file \(unprotected) is new: a key file is kept out of clients' reach only from "
                    + "the start; restart Bastion to add or move one"
            )
        }
        let previous = configuration
        // Connected sessions work in their client's workdir and its rules are shared by all of
        // them, so a changed workdir waits for a restart (reported as not applied), and the
        // configuration in force keeps saying so at the next reload.
        let new = reloaded.keepingWorkdirs(of: previous)
        runtime.applyApprovals(new)
        do {
            try clients.replaceClients(new.registryClients(home: server.home, alsoDenyingWorkdirsOf: [reloaded]))
        } catch {
            runtime.applyApprovals(previous)
            throw ServerError("invalid permission rules: \(error.message)")
        }
        runtime.applyIsolation(new, protectedPaths: server.protectedPaths)
        state.withLock { $0.configuration = new }
        return ConfigurationChanges.between(previous, reloaded)
    }
}
