/// What the running kernel offers for sandboxing, detected once at start (``detect()``) and said
/// honestly: on stderr, in the `initialize` instructions, and by `bastion sandbox-check`. A
/// feature is present only when the kernel answered for it; nothing is assumed.
public struct KernelSandboxSupport: Sendable, Hashable {
    /// The highest Landlock ABI, `nil` without Landlock (kernel older than 5.13, or disabled).
    public var landlockABI: Int?
    /// Whether seccomp filters are available.
    public var seccomp: Bool
    /// Whether an unprivileged process may create a user namespace.
    public var unprivilegedUserNamespaces: Bool
    /// Whether this process can give a child a private network namespace.
    public var networkNamespace: Bool
    /// The cgroup hierarchy, if any.
    public var cgroup: CgroupSupport
    /// Whether Bastion runs as root (children then drop to a configured user).
    public var isRoot: Bool

    /// The cgroup hierarchy mounted at `/sys/fs/cgroup`.
    public struct CgroupSupport: Sendable, Hashable {
        /// 1 (v1 with `memory` and `pids` controllers), 2 (unified), or `nil` for neither.
        public var version: Int?
        /// Whether Bastion may create cgroups there (v1: both controllers; v2: its own cgroup).
        public var isWritable: Bool

        /// Creates a description.
        public init(version: Int?, isWritable: Bool) {
            self.version = version
            self.isWritable = isWritable
        }
    }

    /// Creates a description (tests; ``detect()`` asks the kernel).
    public init(
        landlockABI: Int?,
        seccomp: Bool,
        unprivilegedUserNamespaces: Bool,
        networkNamespace: Bool,
        cgroup: CgroupSupport,
        isRoot: Bool
    ) {
        self.landlockABI = landlockABI
        self.seccomp = seccomp
        self.unprivilegedUserNamespaces = unprivilegedUserNamespaces
        self.networkNamespace = networkNamespace
        self.cgroup = cgroup
        self.isRoot = isRoot
    }

    /// The features a run can get on this kernel.
    public var available: Set<SandboxFeature> {
        var features: Set<SandboxFeature> = []
        if landlockABI != nil { features.insert(.landlock) }
        if seccomp { features.insert(.seccomp) }
        if unprivilegedUserNamespaces { features.insert(.userns) }
        if networkNamespace { features.insert(.netns) }
        if cgroup.version != nil && cgroup.isWritable { features.insert(.cgroup) }
        return features
    }

    /// The features of `required` this kernel cannot give, in declaration order.
    /// - Parameter required: The features a configuration requires.
    /// - Returns: the missing ones (empty when every requirement can be met).
    public func missing(_ required: some Sequence<SandboxFeature>) -> [SandboxFeature] {
        let available = available
        return Set(required).subtracting(available).sorted()
    }

    /// One line for stderr and the `initialize` instructions, e.g. `Landlock ABI 7 (files, TCP,
    /// signal and abstract-socket scopes), seccomp, network namespace, cgroup v1 (writable); no
    /// unprivileged user namespaces`.
    public var summary: String {
        var present: [String] = []
        var absent: [String] = []
        if let landlockABI {
            var covers = ["files"]
            if landlockABI >= 4 { covers.append("TCP") }
            if landlockABI >= 6 { covers.append("signal and abstract-socket scopes") }
            present.append("Landlock ABI \(landlockABI) (\(covers.joined(separator: ", ")))")
        } else {
            absent.append("Landlock")
        }
        func note(_ isPresent: Bool, _ name: String) {
            if isPresent { present.append(name) } else { absent.append(name) }
        }
        note(seccomp, "seccomp")
        note(networkNamespace, "network namespace")
        if let version = cgroup.version, cgroup.isWritable {
            present.append("cgroup v\(version)")
        } else {
            absent.append(cgroup.version.map { "writable cgroup (v\($0) is read-only)" } ?? "cgroup")
        }
        note(unprivilegedUserNamespaces, "unprivileged user namespaces")
        var text = present.isEmpty ? "no kernel sandboxing" : present.joined(separator: ", ")
        if !absent.isEmpty { text += "; missing: " + absent.joined(separator: ", ") }
        return text + (isRoot ? "; running as root" : "")
    }
}
