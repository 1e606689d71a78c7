import BastionProtocol
import BastionResources
import BastionSecurity
import Synchronization

/// Turns authenticated peers into isolated ``ClientContext``s and keeps their rules current.
///
/// One manager per server process. It owns the call-level ``PermissionManager`` (shared by every
/// context, cached per client) and knows every connected context, so a configuration reload
/// (``reload(_:)``) reaches the next request of every client at once. Each context gets its own
/// workdir (created 0700, owned by the server's user); two clients never share one, which the
/// configuration loader enforces.
final class ClientManager: Sendable {
    /// What a reload changed, for the audit record and the operator's log.
    struct ReloadReport: Sendable, Hashable {
        /// Clients whose rules (permissions, deny, read_only, approval) changed.
        var changed: [String] = []
        /// Clients that appeared.
        var added: [String] = []
        /// Clients that disappeared; their connected contexts lost every right.
        var removed: [String] = []
        /// Settings that changed but apply only to new connections or after a restart.
        var notApplied: [String] = []
    }

    private struct State {
        var configuration: BastionConfiguration
        var connected: [ObjectIdentifier: ClientContext] = [:]
    }

    private let state: Mutex<State>
    /// The call-level permission engine every context consults.
    let permissions: PermissionManager
    private let authentication: Mutex<AuthenticationManager>
    private let onAuthenticationFailure: AuthenticationManager.FailureHandler

    /// Creates a manager.
    /// - Parameters:
    ///   - configuration: The configuration in force.
    ///   - home: What `~` stands for in paths clients give.
    ///   - protectedPaths: Bastion's own files (configuration file, audit log, keys), never writable.
    ///   - onAuthenticationFailure: Records a failed authentication (the audit).
    /// - Throws: ``ServerError`` when a client's rules do not compile.
    init(
        configuration: BastionConfiguration,
        home: String,
        protectedPaths: [String],
        onAuthenticationFailure: @escaping AuthenticationManager.FailureHandler
    ) throws(ServerError) {
        do {
            self.permissions = try PermissionManager(
                protectedPaths: protectedPaths,
                rules: Self.rules(of: configuration, home: home)
            )
        } catch {
            throw ServerError("invalid permission rules: \(error.message)")
        }
        self.state = Mutex(State(configuration: configuration))
        self.onAuthenticationFailure = onAuthenticationFailure
        self.authentication = Mutex(Self.authentication(for: configuration, onFailure: onAuthenticationFailure))
    }

    /// The configuration in force.
    var configuration: BastionConfiguration { state.withLock { $0.configuration } }

    /// Step 1: authenticates a peer and builds its context (workdir provisioned 0700).
    /// - Parameters:
    ///   - credentials: What the transport observed.
    ///   - transport: The transport's name.
    /// - Returns: The client's new context, registered until ``disconnect(_:)``.
    /// - Throws: ``ServerError`` when authentication fails (already audited) or the workdir is unusable.
    func connect(_ credentials: TransportCredentials, transport: String) throws(ServerError) -> ClientContext {
        let identity: ClientIdentity
        do {
            identity = try authentication.withLock { $0 }.authenticate(credentials, transport: transport)
        } catch {
            throw ServerError(error.message)
        }
        let configuration = self.configuration
        guard let settings = configuration.client(id: identity.clientID) else {
            throw ServerError("no client \"\(identity.clientID)\" is configured")
        }
        do {
            try WorkdirProvisioner.provision(settings.workdir)
        } catch {
            throw ServerError(error.message)
        }
        let context = ClientContext(
            identity: identity,
            permissions: settings.effectivePermissions,
            workdir: settings.workdir,
            limits: settings.limits,
            rules: permissions
        )
        state.withLock { $0.connected[ObjectIdentifier(context)] = context }
        return context
    }

    /// Forgets a context whose connection ended.
    func disconnect(_ context: ClientContext) {
        _ = state.withLock { $0.connected.removeValue(forKey: ObjectIdentifier(context)) }
    }

    /// The contexts connected now.
    var connectedClients: [ClientContext] { state.withLock { Array($0.connected.values) } }

    /// Applies a new configuration to the next request of every client.
    ///
    /// The new rules are compiled first; when they fail, nothing changes. Permissions, `deny` and
    /// `read_only` apply at once; a client that disappeared keeps its connection but loses every
    /// right (fail closed). Workdirs, limits and server settings apply to new connections or after
    /// a restart, as the report says.
    /// - Parameters:
    ///   - new: The reloaded configuration.
    ///   - home: What `~` stands for in paths clients give.
    /// - Returns: What changed.
    /// - Throws: ``ServerError`` when the new rules do not compile; the old rules stay in force.
    func reload(_ new: BastionConfiguration, home: String) throws(ServerError) -> ReloadReport {
        do {
            try permissions.replaceRules(Self.rules(of: new, home: home))
        } catch {
            throw ServerError("invalid permission rules: \(error.message)")
        }
        let old = state.withLock { state in
            defer { state.configuration = new }
            return state.configuration
        }
        // Each context holds its client's shared permission state, which replaceRules swapped.
        authentication.withLock { $0 = Self.authentication(for: new, onFailure: onAuthenticationFailure) }
        return Self.report(from: old, to: new)
    }

    static func report(from old: BastionConfiguration, to new: BastionConfiguration) -> ReloadReport {
        var report = ReloadReport()
        let oldClients = Dictionary(old.clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newIDs = Set(new.clients.map(\.id))
        for client in new.clients {
            guard let previous = oldClients[client.id] else {
                report.added.append(client.id)
                continue
            }
            if previous.permissions != client.permissions || previous.deny != client.deny
                || previous.readOnly != client.readOnly || previous.approval != client.approval
                || previous.approvalChannel != client.approvalChannel
            {
                report.changed.append(client.id)
            }
            if previous.workdir != client.workdir { report.notApplied.append("clients.\(client.id).workdir") }
            if previous.limits != client.limits { report.notApplied.append("clients.\(client.id).limits") }
            if previous.isolation != client.isolation { report.notApplied.append("clients.\(client.id).isolation") }
            if previous.auth != client.auth { report.notApplied.append("clients.\(client.id).auth") }
        }
        report.removed = old.clients.map(\.id).filter { !newIDs.contains($0) }
        if old.server != new.server { report.notApplied.append("server") }
        if old.http != new.http { report.notApplied.append("transport.http") }
        if old.dbus != new.dbus { report.notApplied.append("transport.dbus") }
        if old.prompts != new.prompts { report.notApplied.append("prompts") }
        return report
    }

    private static func rules(
        of configuration: BastionConfiguration,
        home: String
    ) -> [String: PermissionManager.ClientRules] {
        Dictionary(
            configuration.clients.map { ($0.id, $0.permissionRules(home: home)) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    private static func authentication(
        for configuration: BastionConfiguration,
        onFailure: @escaping AuthenticationManager.FailureHandler
    ) -> AuthenticationManager {
        AuthenticationManager(
            authenticators: [StdioAuthenticator(clientIDs: configuration.clients.map(\.id))],
            onFailure: onFailure
        )
    }
}
