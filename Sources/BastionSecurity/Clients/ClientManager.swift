public import BastionProtocol
import Synchronization

/// The client registry: turns authenticated peers into isolated ``ClientContext``s and keeps every
/// connected context's rights current.
///
/// One registry per process, shared by every transport. It owns the call-level
/// ``PermissionManager`` (each client's rules are its own) and knows every connected context, so
/// a configuration change (``replaceClients(_:)``) reaches the next request of every client at once.
///
/// Connecting and replacing are atomic with respect to each other: a context is created from, and
/// registered under, the same snapshot of the clients, so a connection that races with a reload gets
/// either the old rights and then the new ones, or the new ones — never stale rights after the reload.
public final class ClientManager: Sendable {
    /// What the registry knows of one configured client.
    public struct Client: Sendable, Hashable {
        /// The configured id.
        public var id: String
        /// Its call-level rules; their permissions are also its tool-level grants.
        public var rules: PermissionManager.ClientRules
        /// Its resource limits.
        public var limits: ResourceLimits
        /// The user its children run as when the server is root (`run_as`); `nil` keeps the server's.
        public var runAs: SystemUser?
        /// The TLS client certificate subject that identifies it (`auth.mtls_subject`).
        public var certificateSubject: String?
        /// The JWT `sub` that identifies it (`auth.jwt_subject`).
        public var tokenSubject: String?
        /// The key its RFC 9421 signed requests verify with (`auth.signature_key`); `keyid` is its id.
        public var signatureKey: SignatureKey?

        /// Creates a client description.
        public init(
            id: String,
            rules: PermissionManager.ClientRules,
            limits: ResourceLimits,
            runAs: SystemUser? = nil,
            certificateSubject: String? = nil,
            tokenSubject: String? = nil,
            signatureKey: SignatureKey? = nil
        ) {
            self.tokenSubject = tokenSubject
            self.signatureKey = signatureKey
            self.id = id
            self.rules = rules
            self.limits = limits
            self.runAs = runAs
            self.certificateSubject = certificateSubject
        }
    }

    /// Makes the authenticators for a set of clients (stdio's by default; the network transports add theirs).
    public typealias AuthenticatorFactory = @Sendable ([Client]) -> [any Authenticator]

    private struct State {
        var clients: [String: Client] {
            didSet { anySigns = clients.values.contains { $0.signatureKey != nil } }
        }
        var authentication: AuthenticationManager
        var connected: [ObjectIdentifier: ClientContext] = [:]
        /// Whether some client has a ``Client/signatureKey`` (kept with `clients`).
        var anySigns: Bool

        init(clients: [String: Client], authentication: AuthenticationManager) {
            self.clients = clients
            self.authentication = authentication
            self.anySigns = clients.values.contains { $0.signatureKey != nil }
        }
    }

    private let state: Mutex<State>
    /// The call-level permission engine every context consults.
    public let permissions: PermissionManager
    private let makeAuthenticators: AuthenticatorFactory
    private let onAuthenticationFailure: AuthenticationManager.FailureHandler

    /// Creates a registry.
    /// - Parameters:
    ///   - clients: The configured clients.
    ///   - protectedPaths: Bastion's own files (configuration file, audit log, keys), never writable.
    ///   - runtimePaths: The files the server executes (``RuntimeFiles``), never writable.
    ///   - authenticators: Makes the authenticators for a client list (default: stdio only).
    ///   - onAuthenticationFailure: Records a failed authentication (the audit).
    /// - Throws: ``PermissionParseError`` when a client's rules do not compile.
    public init(
        clients: [Client],
        protectedPaths: [String],
        runtimePaths: [String] = [],
        authenticators: @escaping AuthenticatorFactory = ClientManager.stdioAuthenticators,
        onAuthenticationFailure: @escaping AuthenticationManager.FailureHandler
    ) throws(PermissionParseError) {
        self.permissions = try PermissionManager(
            protectedPaths: protectedPaths,
            runtimePaths: runtimePaths,
            rules: Self.rules(of: clients)
        )
        self.makeAuthenticators = authenticators
        self.onAuthenticationFailure = onAuthenticationFailure
        self.state = Mutex(
            State(
                clients: Self.index(clients),
                authentication: AuthenticationManager(
                    authenticators: authenticators(clients),
                    onFailure: onAuthenticationFailure
                )
            )
        )
    }

    /// The default authenticators: the stdio peer names its client.
    public static let stdioAuthenticators: AuthenticatorFactory = { clients in
        [StdioAuthenticator(clientIDs: clients.map(\.id))]
    }

    /// Step 1: authenticates a peer and registers its new context.
    ///
    /// The context's rights and workdir come from the registry's current snapshot, taken under the
    /// same lock that registers it; the caller provisions the workdir before serving.
    /// - Parameters:
    ///   - credentials: What the transport observed.
    ///   - transport: The transport's name.
    /// - Returns: The client's description and its new context, registered until ``disconnect(_:)``.
    /// - Throws: ``AuthenticationError`` (already reported to the failure handler).
    public func connect(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError) -> (client: Client, context: ClientContext) {
        // Verification may cost CPU (signatures): done on a snapshot, outside the lock.
        let authentication = state.withLock { $0.authentication }
        let identity = try authentication.authenticate(credentials, transport: transport)
        let registered = state.withLock { state -> (Client, ClientContext)? in
            // A client removed by a reload since the snapshot is gone: fail closed.
            guard let client = state.clients[identity.clientID] else { return nil }
            let context = ClientContext(
                identity: identity,
                permissions: client.rules.permissions,
                workdir: client.rules.workdir,
                limits: client.limits,
                runAs: client.runAs,
                rules: permissions
            )
            state.connected[ObjectIdentifier(context)] = context
            return (client, context)
        }
        guard let (client, context) = registered else {
            let error = AuthenticationError(
                code: .unknownClient,
                message: "no client \"\(identity.clientID)\" is configured"
            )
            onAuthenticationFailure(error, credentials.kindName, transport)
            throw error
        }
        return (client, context)
    }

    /// Forgets a context whose connection ended.
    public func disconnect(_ context: ClientContext) {
        _ = state.withLock { $0.connected.removeValue(forKey: ObjectIdentifier(context)) }
    }

    /// The contexts connected now.
    public var connectedClients: [ClientContext] { state.withLock { Array($0.connected.values) } }

    /// The configured clients now, by id.
    public var clients: [String: Client] { state.withLock { $0.clients } }

    /// Whether some configured client now signs its requests (has a ``Client/signatureKey``).
    public var acceptsSignatures: Bool { state.withLock { $0.anySigns } }

    /// Replaces the configured clients, for the next request of every connected client.
    ///
    /// The new rules are compiled first; when they fail, nothing changes. Rights apply at once; a
    /// client that disappeared keeps its connection but loses every right (fail closed). Workdirs and
    /// limits of connected contexts stay as they were (they apply to new connections).
    /// - Parameter clients: The new clients.
    /// - Throws: ``PermissionParseError`` when the new rules do not compile; the old rules stay in force.
    public func replaceClients(_ clients: [Client]) throws(PermissionParseError) {
        let index = Self.index(clients)
        let authentication = AuthenticationManager(
            authenticators: makeAuthenticators(clients),
            onFailure: onAuthenticationFailure
        )
        // Under the registry's lock, so no connection registers between the rules and the client
        // list. Each context holds its client's shared permission state, which replaceRules
        // swaps in place: connected and connecting contexts see the new rights at their next check.
        try state.withLock { (state) throws(PermissionParseError) in
            try permissions.replaceRules(Self.rules(of: clients))
            state.clients = index
            state.authentication = authentication
        }
    }

    private static func index(_ clients: [Client]) -> [String: Client] {
        Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func rules(of clients: [Client]) -> [String: PermissionManager.ClientRules] {
        index(clients).mapValues(\.rules)
    }
}
