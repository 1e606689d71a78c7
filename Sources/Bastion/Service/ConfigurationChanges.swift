/// What a configuration reload changed, for its audit record and the operator's log.
struct ConfigurationChanges: Sendable, Hashable {
    /// Clients whose rules (permissions, deny, read_only, approval) changed.
    var changed: [String] = []
    /// Clients that appeared.
    var added: [String] = []
    /// Clients that disappeared; their connected contexts lost every right.
    var removed: [String] = []
    /// Settings that changed but apply only to new connections (limits) or after a restart
    /// (workdirs, server and transport settings).
    var notApplied: [String] = []

    /// Compares two configurations.
    /// - Parameters:
    ///   - old: The configuration in force before the reload.
    ///   - new: The reloaded configuration.
    /// - Returns: What differs, by client and by section.
    static func between(_ old: BastionConfiguration, _ new: BastionConfiguration) -> ConfigurationChanges {
        var changes = ConfigurationChanges()
        let oldClients = Dictionary(old.clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newIDs = Set(new.clients.map(\.id))
        for client in new.clients {
            guard let previous = oldClients[client.id] else {
                changes.added.append(client.id)
                continue
            }
            if previous.permissions != client.permissions || previous.deny != client.deny
                || previous.readOnly != client.readOnly || previous.approval != client.approval
                || previous.approvalChannel != client.approvalChannel
            {
                changes.changed.append(client.id)
            }
            if previous.workdir != client.workdir { changes.notApplied.append("clients.\(client.id).workdir") }
            if previous.limits != client.limits { changes.notApplied.append("clients.\(client.id).limits") }
            if previous.isolation != client.isolation { changes.notApplied.append("clients.\(client.id).isolation") }
            if previous.auth != client.auth { changes.notApplied.append("clients.\(client.id).auth") }
        }
        changes.removed = old.clients.map(\.id).filter { !newIDs.contains($0) }
        if old.server != new.server { changes.notApplied.append("server") }
        if old.http != new.http { changes.notApplied.append("transport.http") }
        if old.dbus != new.dbus { changes.notApplied.append("transport.dbus") }
        if old.prompts != new.prompts { changes.notApplied.append("prompts") }
        return changes
    }
}
