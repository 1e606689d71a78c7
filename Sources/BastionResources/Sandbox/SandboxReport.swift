/// What `bastion sandbox-exec` applied to one child before `execve`, as the kernel gave it: sent
/// to the server on the status descriptor (`applied {…}`) and recorded with the run. A feature the
/// kernel refused is absent here, never reported as present.
public struct SandboxReport: Sendable, Hashable {
    /// The Landlock ABI the ruleset was built for; `nil` when no ruleset was applied.
    public var landlockABI: Int?
    /// Whether the Landlock ruleset handles TCP bind and connect (ABI 4+, restricted code only).
    public var landlockRestrictsTCP: Bool
    /// Whether signals and abstract UNIX sockets are scoped to the sandbox (ABI 6+).
    public var landlockScopesSignals: Bool
    /// Whether the seccomp filter was installed.
    public var seccomp: Bool
    /// How the network is restricted (empty: not restricted).
    public var network: [NetworkRestriction]
    /// Whether the namespaces were created inside a new user namespace (unprivileged server).
    public var userNamespace: Bool
    /// The user the child runs as, when it switched.
    public var user: SandboxPolicy.UserIdentity?
    /// The resource limits set (`cpu`, `as`, `nofile`, `nproc`, `fsize`).
    public var limits: [String]
    /// The cgroups joined.
    public var cgroups: [String]
    /// The paths hidden in a private mount namespace.
    public var hiddenPaths: [String]
    /// Read or write paths of the policy left out of the ruleset, and why.
    public var omittedPaths: [OmittedPath]
    /// Whether the child's root is the minimal one (``SandboxPolicy/minimalRoot``).
    public var minimalRoot: Bool
    /// Whether its `/proc` is a procfs of its own listing no process outside the sandbox.
    public var privateProc: Bool
    /// Whether all of it but the limits and the working directory was applied before the run was
    /// known, by a process the server started ahead (``SandboxPolicy/awaitsLaunch``).
    public var preparedAhead = false

    /// One way the network is cut off.
    public enum NetworkRestriction: String, Sendable, Hashable, CaseIterable {
        /// Landlock refuses TCP bind and connect to every port.
        case landlockTCP = "landlock-tcp"
        /// seccomp refuses `socket` for every domain but `AF_UNIX` (UDP, raw, netlink…).
        case seccompSocket = "seccomp-socket"
        /// A private network namespace with only a down loopback.
        case namespace = "netns"
    }

    /// A policy path not in the ruleset.
    public struct OmittedPath: Sendable, Hashable {
        /// The path as the policy gave it.
        public var path: String
        /// Why it was left out (e.g. `no such file`).
        public var reason: String

        /// Creates an entry.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// Creates a report; the default applied nothing.
    public init(
        landlockABI: Int? = nil,
        landlockRestrictsTCP: Bool = false,
        landlockScopesSignals: Bool = false,
        seccomp: Bool = false,
        network: [NetworkRestriction] = [],
        userNamespace: Bool = false,
        user: SandboxPolicy.UserIdentity? = nil,
        limits: [String] = [],
        cgroups: [String] = [],
        hiddenPaths: [String] = [],
        omittedPaths: [OmittedPath] = [],
        minimalRoot: Bool = false,
        privateProc: Bool = false
    ) {
        self.landlockABI = landlockABI
        self.landlockRestrictsTCP = landlockRestrictsTCP
        self.landlockScopesSignals = landlockScopesSignals
        self.seccomp = seccomp
        self.network = network
        self.userNamespace = userNamespace
        self.user = user
        self.limits = limits
        self.cgroups = cgroups
        self.hiddenPaths = hiddenPaths
        self.omittedPaths = omittedPaths
        self.minimalRoot = minimalRoot
        self.privateProc = privateProc
    }

    /// The features in force, for ``SandboxPolicy/required`` and the audit record.
    public var features: Set<SandboxFeature> {
        var features: Set<SandboxFeature> = []
        if landlockABI != nil { features.insert(.landlock) }
        if seccomp { features.insert(.seccomp) }
        if userNamespace { features.insert(.userns) }
        if network.contains(.namespace) { features.insert(.netns) }
        if !cgroups.isEmpty { features.insert(.cgroup) }
        return features
    }
}
