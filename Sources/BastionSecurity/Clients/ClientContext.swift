public import BastionProtocol
import Synchronization

/// Everything Bastion knows about one connected client: who it is, what it may do, where it works.
///
/// One context per connection, never shared between clients. Tool handlers receive it and must
/// reach files and processes only through it.
public final class ClientContext: Sendable {
    /// The configured client id (`claude`, `local`, …).
    public let id: String
    /// How the client is connected (`stdio`, `http`, `dbus`).
    public let transport: String
    /// How it proved who it is.
    public let authentication: ClientIdentity.Method
    /// The client's private working directory (absolute, 0700).
    public let workdir: String
    /// Resource limits for what the client runs.
    public let limits: ResourceLimits

    private let grants: Mutex<[Permission]>
    private let storage = Mutex<[String: JSONValue]>([:])
    private let rules: PermissionManager?

    /// Creates a context.
    /// - Parameters:
    ///   - identity: Who the client is.
    ///   - permissions: Its effective grants (tool-level checks).
    ///   - workdir: Its private working directory.
    ///   - limits: Its resource limits.
    ///   - rules: The server's call-level permission engine, which holds this client's rules; without
    ///     it every call-level check is denied (fail closed).
    public init(
        identity: ClientIdentity,
        permissions: [Permission],
        workdir: String,
        limits: ResourceLimits,
        rules: PermissionManager? = nil
    ) {
        self.id = identity.clientID
        self.transport = identity.transport
        self.authentication = identity.method
        self.workdir = workdir
        self.limits = limits
        self.grants = Mutex(permissions)
        self.rules = rules
    }

    /// The permissions the client holds now.
    public var permissions: [Permission] { grants.withLock { $0 } }

    /// Replaces the client's permissions (configuration reload); applies to the next request.
    public func replacePermissions(_ permissions: [Permission]) {
        grants.withLock { $0 = permissions }
    }

    /// Checks the client's grants against a tool's requirements.
    public func check(_ required: [Permission]) -> PermissionDecision {
        guard !required.isEmpty else { return .allow }
        return PermissionChecker.check(required: required, granted: permissions)
    }

    /// The call-level check every file-system and execution tool makes before touching a path.
    ///
    /// Cached per client (``PermissionManager``); a configuration reload applies to the next call.
    /// - Parameters:
    ///   - access: Read, write, or execute (with the command as asked for).
    ///   - path: The path as the client gave it (absolute, relative to the workdir, or `~/…`).
    /// - Returns: `.allow`, or a denial whose ``PermissionDecision/reason(action:)`` names the
    ///   permission or rule and the canonical path.
    public func check(_ access: PermissionManager.Access, path: String) -> PermissionDecision {
        guard let rules else {
            return .missing(PermissionManager.neededPermission(access, outsideScope: true, path: path), target: path)
        }
        return rules.check(client: id, access: access, path: path)
    }

    /// Per-client session state for modules, keyed by a module-chosen name.
    public func value(forKey key: String) -> JSONValue? { storage.withLock { $0[key] } }

    /// Stores per-client session state; `nil` removes the key.
    public func setValue(_ value: JSONValue?, forKey key: String) {
        storage.withLock { $0[key] = value }
    }
}
