public import BastionSecurity

/// One client of the server (a `[[clients]]` entry): who it is, where it works and what it may do.
///
/// The defaults grant nothing: a client without `permissions` can only list tools that need none.
public struct ClientConfiguration: Sendable, Hashable {
    /// The client's identifier, `[A-Za-z0-9_.-]{1,64}`; unique within a configuration.
    public var id: String
    /// The client's working directory: absolute, `~` expanded. Relative tool paths start here.
    public var workdir: String
    /// The rights granted to the client, in configuration order.
    public var permissions: [Permission]
    /// Limits applied to the client's processes and calls.
    public var limits: ResourceLimits
    /// How authenticated peers map to this client.
    public var auth: ClientAuthConfiguration
    /// Globs that no grant can override (`~` expanded).
    public var deny: [String]
    /// Which calls need a human's approval.
    public var approval: ApprovalPolicy
    /// Where approvals are answered.
    public var approvalChannel: ApprovalChannel
    /// How tool calls are isolated from the server.
    public var isolation: IsolationMode
    /// When `true`, every write and execution right is removed, whatever ``permissions`` holds.
    public var readOnly: Bool
    /// The user the client's children run as (`run_as`): on a root server `nobody` unless configured;
    /// on any other server `nil`, its own user (it cannot switch). `sudo: true` runs as uid 0.
    public var runAs: SystemUser?

    /// Creates a client configuration; everything but the identity defaults to the safest value.
    /// - Parameters:
    ///   - id: The client's identifier.
    ///   - workdir: The absolute working directory.
    ///   - permissions: The granted rights (default: none).
    ///   - limits: Resource limits (default: ``ResourceLimits/init(cpuSeconds:memoryMB:openFiles:processes:timeoutMs:outputKB:)``).
    ///   - auth: Authentication mapping (default: none).
    ///   - deny: Globs that override every grant.
    ///   - approval: Which calls need approval (default: ``ApprovalPolicy/never``).
    ///   - approvalChannel: Where approvals are answered (default: ``ApprovalChannel/local``).
    ///   - isolation: How calls are isolated (default: ``IsolationMode/inProcess``).
    ///   - readOnly: Whether to remove every write and execution right.
    ///   - runAs: The user children run as (default: the server's own).
    public init(
        id: String,
        workdir: String,
        permissions: [Permission] = [],
        limits: ResourceLimits = ResourceLimits(),
        auth: ClientAuthConfiguration = ClientAuthConfiguration(),
        deny: [String] = [],
        approval: ApprovalPolicy = .never,
        approvalChannel: ApprovalChannel = .local,
        isolation: IsolationMode = .inProcess,
        readOnly: Bool = false,
        runAs: SystemUser? = nil
    ) {
        self.id = id
        self.workdir = workdir
        self.permissions = permissions
        self.limits = limits
        self.auth = auth
        self.deny = deny
        self.approval = approval
        self.approvalChannel = approvalChannel
        self.isolation = isolation
        self.readOnly = readOnly
        self.runAs = runAs
    }

    /// Whether `id` is a valid client identifier: 1 to 64 characters from `[A-Za-z0-9_.-]`.
    /// - Parameter id: The candidate identifier.
    /// - Returns: `true` when the identifier is valid.
    public static func isValidID(_ id: String) -> Bool {
        ConfigurationName.isValid(id, maxLength: 64)
    }

    /// The rights the client actually holds: with ``readOnly`` set, only its `file_read` grants
    /// (a module's `custom:` right may write or run things, so it goes too: fail closed).
    public var effectivePermissions: [Permission] {
        guard readOnly else { return permissions }
        return permissions.filter { permission in
            switch permission {
            case .fileRead: return true
            case .fileWrite, .fileWriteGlobal, .codeExecution, .codeExecutionSudo, .systemCommand, .custom:
                return false
            }
        }
    }

    /// The client's call-level rules for the ``PermissionManager``.
    /// - Parameter home: What `~` stands for in paths the client gives.
    public func permissionRules(home: String) -> PermissionManager.ClientRules {
        PermissionManager.ClientRules(
            permissions: effectivePermissions,
            deny: deny,
            isReadOnly: readOnly,
            workdir: workdir,
            home: home
        )
    }
}
