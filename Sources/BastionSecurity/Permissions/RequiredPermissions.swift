/// What a tool or resource declares that a client must hold to see and use it (ARCHITECTURE §5).
///
/// There is no silent default: a declaration is one of
/// - ``public``: no permission at all (the diagnostics `echo`, `whoami`, …);
/// - a list of permissions, each of which one grant of the client must cover, with the call-level
///   meaning (``PermissionChecker`` says exactly what "cover" means): `[.fileRead(glob: nil)]` needs
///   read access to the whole workdir, `[.systemCommand(pattern: "git")]` a grant whose pattern
///   matches `git`;
/// - ``checkedPerCall(_:)`` kinds: any grant of the kind makes the tool visible, because the tool
///   itself checks every path or command of every call against the client's grants (the
///   file-system tools, which accept any path the client may touch);
/// - ``checkedPerCall(anyOf:)`` kinds: a grant of any one of them makes the tool visible (a tool
///   whose call takes one of several forms, each checked per call: `start_process` runs a
///   command, `system_command`, or code, `code_execution`).
///
/// A declaration with nothing in it (``undeclared``, or an empty array literal) is refused at
/// registration, and refused for every client if it reaches a check anyway: fail closed.
public struct RequiredPermissions: Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// Permissions that one grant each must cover.
    public private(set) var permissions: [Permission]
    /// Kinds that any grant satisfies; the tool checks each path or command per call.
    public private(set) var perCallKinds: [PermissionKind]
    /// Kinds of which any one grant satisfies the declaration; the tool checks each call.
    public private(set) var alternativeKinds: [PermissionKind] = []
    /// Whether the declaration explicitly needs nothing.
    public let isPublic: Bool

    /// No permission needed, said explicitly.
    public static let `public` = RequiredPermissions(permissions: [], perCallKinds: [], isPublic: true)
    /// Nothing declared: refused at registration and for every client.
    public static let undeclared = RequiredPermissions(permissions: [], perCallKinds: [], isPublic: false)

    /// Requires each permission to be covered by one of the client's grants.
    /// - Parameter permissions: The permissions; an empty list is ``undeclared``.
    public init(_ permissions: [Permission]) {
        self.init(permissions: permissions, perCallKinds: [], isPublic: false)
    }

    /// Requires each permission to be covered, as ``init(_:)``; an empty list is ``undeclared``.
    public init(arrayLiteral elements: Permission...) {
        self.init(elements)
    }

    private init(permissions: [Permission], perCallKinds: [PermissionKind], isPublic: Bool) {
        self.permissions = permissions
        self.perCallKinds = perCallKinds
        self.isPublic = isPublic
    }

    /// Requires any grant of each kind; the tool must check each path or command when it is called.
    /// - Parameter kinds: The kinds; none is ``undeclared``.
    /// - Returns: The declaration.
    public static func checkedPerCall(_ kinds: PermissionKind...) -> RequiredPermissions {
        RequiredPermissions(permissions: [], perCallKinds: kinds, isPublic: false)
    }

    /// Requires a grant of any one of the kinds; the tool must check each call against the form it takes.
    /// - Parameter kinds: The kinds; none is ``undeclared``.
    /// - Returns: The declaration.
    public static func checkedPerCall(anyOf kinds: [PermissionKind]) -> RequiredPermissions {
        var declaration = RequiredPermissions(permissions: [], perCallKinds: [], isPublic: false)
        declaration.alternativeKinds = kinds
        return declaration
    }

    /// This declaration plus permissions that must each be covered.
    /// - Parameter more: Permissions to add.
    /// - Returns: The combined declaration (no longer ``public``).
    public func requiring(_ more: [Permission]) -> RequiredPermissions {
        var declaration = RequiredPermissions(
            permissions: permissions + more,
            perCallKinds: perCallKinds,
            isPublic: false
        )
        declaration.alternativeKinds = alternativeKinds
        return declaration
    }

    /// Whether the declaration says something: ``public``, or at least one permission or kind.
    public var isDeclared: Bool {
        isPublic || !permissions.isEmpty || !perCallKinds.isEmpty || !alternativeKinds.isEmpty
    }

    /// The `custom:NAME` names the declaration mentions.
    public var customNames: Set<String> {
        var names: Set<String> = []
        for case .custom(let name) in permissions { names.insert(name) }
        for case .custom(let name) in perCallKinds + alternativeKinds { names.insert(name) }
        return names
    }

    /// `public`, `undeclared`, or the permissions and `KIND (per call)` entries, comma-separated.
    public var description: String {
        if isPublic { return "public" }
        guard isDeclared else { return "undeclared" }
        var items = permissions.map(\.description) + perCallKinds.map { "\($0.spelling) (per call)" }
        if !alternativeKinds.isEmpty {
            items.append(alternativeKinds.map(\.spelling).joined(separator: " or ") + " (per call)")
        }
        return items.joined(separator: ", ")
    }
}
