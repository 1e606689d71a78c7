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
    /// The user the client's children run as when the server is root (`run_as`); `nil` keeps the
    /// server's user. Its workdir is made usable by that user (a POSIX ACL).
    public let runAs: SystemUser?

    /// The client's permission state: its grants, compiled rules and decision cache. With a
    /// ``PermissionManager`` it is the client's shared state, which a reload swaps in place.
    public let permissionState: ClientPermissions
    private let storage = Mutex<[String: JSONValue]>([:])
    private let offered = Mutex<[String]?>(nil)

    /// Creates a context.
    /// - Parameters:
    ///   - identity: Who the client is.
    ///   - permissions: Its grants, used only without `rules` (the manager holds the client's own).
    ///   - workdir: Its private working directory.
    ///   - limits: Its resource limits.
    ///   - runAs: The user its children run as (default: the server's).
    ///   - rules: The server's permission engine, which holds this client's rules; without it only
    ///     tool-level checks use `permissions`, and every call-level check is denied (fail closed).
    public init(
        identity: ClientIdentity,
        permissions: [Permission],
        workdir: String,
        limits: ResourceLimits,
        runAs: SystemUser? = nil,
        rules: PermissionManager? = nil
    ) {
        self.id = identity.clientID
        self.transport = identity.transport
        self.authentication = identity.method
        self.workdir = workdir
        self.limits = limits
        self.runAs = runAs
        self.permissionState =
            rules?.client(identity.clientID)
            ?? ClientPermissions(id: identity.clientID, permissions: permissions, workdir: workdir)
    }

    /// The permissions the client holds now (after a reload, the new ones).
    public var permissions: [Permission] { permissionState.grants }

    /// Whether the client is `read_only` (`true` when it is no longer configured).
    public var isReadOnly: Bool { permissionState.isReadOnly }

    /// The tool-level check of a resource (or anything that only reads): whether the client's
    /// grants cover the declaration (see ``PermissionChecker``).
    public func check(_ required: RequiredPermissions) -> PermissionDecision {
        permissionState.check(required, isReadOnlyTool: true)
    }

    /// The tool-level check of a tool: its declaration, and for a `read_only` client its annotation.
    /// - Parameters:
    ///   - required: What the tool declares.
    ///   - isReadOnly: Whether the tool is annotated read-only (`readOnlyHint: true`).
    /// - Returns: `.allow`, or why the client may neither see nor call the tool.
    public func checkTool(_ required: RequiredPermissions, isReadOnly: Bool) -> PermissionDecision {
        permissionState.check(required, isReadOnlyTool: isReadOnly)
    }

    /// The call-level check every file-system and execution tool makes before touching a path.
    ///
    /// Cached per client (``ClientPermissions``); a configuration reload applies to the next call.
    /// - Parameters:
    ///   - access: Read, write, or execute (with the command as asked for).
    ///   - path: The path as the client gave it (absolute, relative to the workdir, or `~/…`).
    /// - Returns: `.allow`, or a denial whose ``PermissionDecision/reason(action:)`` names the
    ///   permission or rule and the canonical path.
    public func check(_ access: PermissionManager.Access, path: String) -> PermissionDecision {
        permissionState.check(access, path: path)
    }

    /// The call-level check that also returns the canonical path it was made on: the path the
    /// file-system layer must then open, refusing symlinks at the system call.
    public func resolve(_ access: PermissionManager.Access, path: String) -> PermissionManager.Resolution {
        permissionState.resolve(access, path: path)
    }

    /// The call-level check of a path that is already canonical (directory walks, a symlink acted on
    /// itself); uncached, no system call.
    public func check(_ access: PermissionManager.Access, canonicalPath: String) -> PermissionDecision {
        permissionState.check(access, canonicalPath: canonicalPath)
    }

    /// The call-level check of a canonical path given as raw bytes (a walked entry's name, which
    /// need not be UTF-8, joined to its directory's canonical bytes); uncached, no system call.
    public func check(_ access: PermissionManager.Access, canonicalBytes: [UInt8]) -> PermissionDecision {
        permissionState.check(access, canonicalBytes: canonicalBytes)
    }

    /// The decisions of a walk below a canonical directory (see ``WalkPermissions``): every
    /// directory walk decides its entries with these, on their raw names.
    public func walkPermissions(_ access: PermissionManager.Access, below directory: [UInt8]) -> WalkPermissions {
        permissionState.walkPermissions(access, below: directory)
    }

    /// The directories the client's grants can reach, for reading and for writing (canonical,
    /// outermost only), before any narrowing by the client's MCP roots.
    public var grantedRoots: (read: [String], write: [String]) { permissionState.scopeRoots }

    /// The directories the client may not touch at all, whatever its grants: those its `deny`
    /// globs refuse whole, other clients' workdirs among them. Sandboxes carve them out.
    public var deniedSubtrees: [String] { permissionState.deniedSubtrees }

    /// The directories the client offered as MCP roots (canonical), or `nil` when it offered none;
    /// the file-system layer narrows the client's scope to them.
    public var offeredRoots: [String]? { offered.withLock { $0 } }

    /// Records the client's MCP roots (after `roots/list`); `nil` forgets them.
    public func setOfferedRoots(_ roots: [String]?) {
        offered.withLock { $0 = roots }
    }

    /// Per-client session state for modules, keyed by a module-chosen name.
    public func value(forKey key: String) -> JSONValue? { storage.withLock { $0[key] } }

    /// Stores per-client session state; `nil` removes the key.
    public func setValue(_ value: JSONValue?, forKey key: String) {
        storage.withLock { $0[key] = value }
    }
}
