import BastionSecurity

/// Everything `bastion serve` needs to know: server settings, transports, clients and prompts.
///
/// Build it with ``embeddedDefault(environment:)`` (no file), or load a TOML file with
/// ``load(path:environment:)``; ``renderedTOML()`` prints the effective result.
public struct BastionConfiguration: Sendable, Hashable {
    /// Server-wide settings (`[server]`).
    public var server: ServerConfiguration
    /// The HTTP transport, when configured (`[transport.http]`).
    public var http: HTTPTransportConfiguration?
    /// JWT bearer tokens, when configured (`[auth.jwt]`).
    public var jwt: JWTConfiguration?
    /// The D-Bus transport, when configured (`[transport.dbus]`).
    public var dbus: DBusTransportConfiguration?
    /// The clients, in file order (`[[clients]]`); ids are unique.
    public var clients: [ClientConfiguration]
    /// The configured prompts, in file order (`[[prompts]]`); names are unique.
    public var prompts: [PromptDefinition]

    /// Creates a configuration.
    /// - Parameters:
    ///   - server: Server-wide settings.
    ///   - http: The HTTP transport, if any.
    ///   - dbus: The D-Bus transport, if any.
    ///   - clients: The clients.
    ///   - prompts: The configured prompts.
    public init(
        server: ServerConfiguration,
        http: HTTPTransportConfiguration? = nil,
        dbus: DBusTransportConfiguration? = nil,
        clients: [ClientConfiguration] = [],
        prompts: [PromptDefinition] = []
    ) {
        self.server = server
        self.http = http
        self.dbus = dbus
        self.clients = clients
        self.prompts = prompts
    }

    /// The client with identifier `id`, if configured.
    /// - Parameter id: The client identifier.
    /// - Returns: The client's configuration, or `nil`.
    public func client(id: String) -> ClientConfiguration? {
        clients.first { $0.id == id }
    }

    /// The configuration used when no file is given: safe to run as is.
    ///
    /// One client `local`, working in `$XDG_STATE_HOME/bastion/clients/local`, may read and write
    /// its workdir and run restricted code there; the audit log is `$XDG_STATE_HOME/bastion/audit.jsonl`
    /// with batched fsync; no network transport; diagnostics off.
    /// - Parameter environment: The process environment; `HOME` and `XDG_STATE_HOME` are read
    ///   (`XDG_STATE_HOME` defaults to `$HOME/.local/state`).
    /// - Returns: The embedded default configuration.
    public static func embeddedDefault(environment: [String: String]) -> BastionConfiguration {
        let paths = ConfigurationPaths(environment: environment, baseDirectory: "/")
        var local = ClientConfiguration(
            id: "local",
            workdir: paths.defaultWorkdir(clientID: "local"),
            permissions: [.fileRead(glob: nil), .fileWrite(glob: nil), .codeExecution(unrestricted: false)]
        )
        // A root server without a `nobody` user leaves it `nil`: its executions are then refused.
        local.runAs = try? ClientConfiguration.resolveRunAs(nil, serverUID: paths.serverUID).get()
        return BastionConfiguration(server: ServerConfiguration(auditLog: paths.defaultAuditLog), clients: [local])
    }

    /// Grants read and write on each directory to a client, as `bastion serve DIR...` does.
    ///
    /// Each path is made absolute against the current directory and canonicalized (symlinks resolved
    /// when it exists); then `file_read:DIR/**` and `file_write:DIR/**` are appended unless already
    /// granted. Glob metacharacters in DIR (`* ? [ ] { } \`) are escaped with `\` so that a directory
    /// name can never widen the grant. A path holding a NUL or a line break is skipped, since no
    /// configuration glob may contain one. Nothing happens when no client has the identifier `id`.
    /// - Parameters:
    ///   - paths: The directories to grant.
    ///   - id: The client that receives the grants.
    public mutating func grantDirectories(_ paths: [String], toClient id: String) {
        guard let index = clients.firstIndex(where: { $0.id == id }) else { return }
        for path in paths
        where !path.isEmpty && !path.unicodeScalars.contains(where: { $0 == "\0" || $0 == "\n" || $0 == "\r" }) {
            let directory = Self.escapingGlobMetacharacters(ConfigurationPaths.canonical(path))
            let pattern = PathBytes.equal(directory, "/") ? "/**" : directory + "/**"
            for permission in [Permission.fileRead(glob: pattern), .fileWrite(glob: pattern)]
            where !clients[index].permissions.contains(permission) {
                clients[index].permissions.append(permission)
            }
        }
    }

    /// `path` with every glob metacharacter byte preceded by a backslash (``GlobPattern/escaped(_:)``:
    /// bytes, so that `*` followed by a combining mark is escaped too).
    static func escapingGlobMetacharacters(_ path: String) -> String {
        GlobPattern.escaped(path)
    }
}
