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

    /// Creates a context.
    public init(
        identity: ClientIdentity,
        permissions: [Permission],
        workdir: String,
        limits: ResourceLimits
    ) {
        self.id = identity.clientID
        self.transport = identity.transport
        self.authentication = identity.method
        self.workdir = workdir
        self.limits = limits
        self.grants = Mutex(permissions)
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

    /// Per-client session state for modules, keyed by a module-chosen name.
    public func value(forKey key: String) -> JSONValue? { storage.withLock { $0[key] } }

    /// Stores per-client session state; `nil` removes the key.
    public func setValue(_ value: JSONValue?, forKey key: String) {
        storage.withLock { $0[key] = value }
    }
}
