/// Everything `bastion sandbox-exec` applies to one child before `execve`: decided by the server
/// (``ExecutionManager``), carried to the child over a pipe as one JSON document, never on the
/// command line (argv is world-readable in `/proc`).
///
/// The contract between the two processes:
/// - the server starts `bastion sandbox-exec` (its own executable, `/proc/self/exe`) with stdin,
///   stdout and stderr on the child's pipes, the policy readable on descriptor 3 (read to EOF) and
///   a status pipe on descriptor 4 (close-on-exec);
/// - `sandbox-exec` reads and checks the policy, applies it in ``Step`` order, writes one
///   `applied {…}` line to descriptor 4 naming what the kernel gave (``SandboxReport``), then
///   `execve`s; on any failure it writes `failed <step>: <message>` there and exits 126 (127 when
///   the executable cannot be run), so nothing runs half-sandboxed;
/// - a successful `execve` closes descriptor 4: the server reads the report and then EOF. When
///   `execve` itself fails after the report (a format error, Landlock refusing EXECUTE), a second
///   line `failed exec: …` follows and the exit status is 127: the last line is the verdict
///   (``SandboxStatus/init(parsingOutput:)``). A missing or non-executable file is refused before
///   anything is applied, with the one `failed exec` line.
///
/// A `sandbox-exec` may also be prepared before its run (``awaitsLaunch``): it applies the whole
/// policy but the run-specific part, then reads that part (``SandboxLaunch``) and `execve`s.
///
/// Every path is absolute and canonical (the server resolved it); nothing here is interpreted
/// by a shell.
public struct SandboxPolicy: Sendable, Hashable {
    /// The file to execute: absolute, resolved by the server (never looked up on `PATH` by the child).
    public var executable: String
    /// The argument vector, `argv[0]` included.
    public var arguments: [String]
    /// The complete environment, `NAME=value` each (already filtered to the allow-list).
    public var environment: [String]
    /// The working directory of the child.
    public var workingDirectory: String
    /// Resource limits (`setrlimit`), each `nil` when not limited.
    public var limits: Limits
    /// Landlock: paths the child may read and execute beneath (system directories, the workdir).
    public var readPaths: [String]
    /// Landlock: paths the child may read, write, create and delete beneath (the workdir, granted
    /// write roots; never a protected path or a `deny` match).
    public var writePaths: [String]
    /// Restricted code: no TCP bind or connect (Landlock), no socket but `AF_UNIX` (seccomp), and a
    /// private network namespace where unprivileged user namespaces work.
    public var restrictsNetwork: Bool
    /// The user and group the child runs as, when the server (as root) drops privileges; `nil` keeps
    /// the server's.
    public var user: UserIdentity?
    /// Features the client's configuration requires: a missing one fails the run instead of
    /// running without it (``SandboxFeature`` raw values, e.g. `landlock`, `seccomp`).
    public var required: [String]
    /// Paths hidden from the child in a private mount namespace (an empty read-only tmpfs over a
    /// directory, a read-only `/dev/null` over anything else): the approval socket's directory,
    /// the audit log, the configuration and keys. Landlock before `LANDLOCK_ACCESS_FS_RESOLVE_UNIX`
    /// does not cover `connect()` to a pathname UNIX socket; this does. A path that cannot be
    /// hidden fails the run. Optional on the wire (absent: none).
    public var hiddenPaths: [String]
    /// cgroup directories the child joins before `execve` (writes its pid to `cgroup.procs`): one
    /// per v1 controller hierarchy (`/sys/fs/cgroup/memory/…`, `/sys/fs/cgroup/pids/…`) or one v2
    /// directory. Created, limited and removed by the server. Optional on the wire (absent: none).
    public var cgroups: [String]
    /// A minimal root (review 4, findings 3, 4, 7): the child's `/` is a read-only tmpfs holding
    /// only bind mounts of ``readPaths`` (read-only), ``writePaths``, the working directory and the
    /// executable, the links of ``rootLinks``, and a `/proc` of its own where the kernel allows it
    /// (`hidepid=invisible`). Nothing else exists for the child: no other file, no pathname UNIX
    /// socket. Optional on the wire (absent: false).
    public var minimalRoot: Bool
    /// Symbolic links recreated in the minimal root, path → target (`/bin` → `usr/bin`).
    public var rootLinks: [String: String]
    /// A policy without its run (``preparedPart``): ``executable``, ``arguments``,
    /// ``environment`` and ``workingDirectory`` are not used (nor sent); after a line feed the
    /// document is followed on the same descriptor by a ``SandboxLaunch``, read to EOF once the
    /// rest is applied. Resource limits are set once the launch is read (parsing it allocates),
    /// just before the working directory is entered. Optional on the wire (absent: false).
    public var awaitsLaunch: Bool

    /// `setrlimit` values; `nil` leaves the inherited limit.
    public struct Limits: Sendable, Hashable {
        /// `RLIMIT_CPU`, seconds.
        public var cpuSeconds: Int?
        /// `RLIMIT_AS`, bytes.
        public var addressSpaceBytes: Int?
        /// `RLIMIT_NOFILE`.
        public var openFiles: Int?
        /// `RLIMIT_NPROC` (per real user: counts every process of that user).
        public var processes: Int?
        /// `RLIMIT_FSIZE`, bytes.
        public var fileSizeBytes: Int?

        /// Creates limits; each `nil` leaves the inherited one.
        public init(
            cpuSeconds: Int? = nil,
            addressSpaceBytes: Int? = nil,
            openFiles: Int? = nil,
            processes: Int? = nil,
            fileSizeBytes: Int? = nil
        ) {
            self.cpuSeconds = cpuSeconds
            self.addressSpaceBytes = addressSpaceBytes
            self.openFiles = openFiles
            self.processes = processes
            self.fileSizeBytes = fileSizeBytes
        }
    }

    /// A numeric user and group (and supplementary groups) to switch to.
    public struct UserIdentity: Sendable, Hashable {
        /// The user id.
        public var uid: UInt32
        /// The primary group id.
        public var gid: UInt32
        /// Supplementary groups (empty: none).
        public var groups: [UInt32]

        /// Creates an identity.
        public init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
            self.uid = uid
            self.gid = gid
            self.groups = groups
        }
    }

    /// Creates a policy.
    public init(
        executable: String,
        arguments: [String],
        environment: [String] = [],
        workingDirectory: String,
        limits: Limits = Limits(),
        readPaths: [String] = [],
        writePaths: [String] = [],
        restrictsNetwork: Bool = true,
        user: UserIdentity? = nil,
        required: [String] = [],
        hiddenPaths: [String] = [],
        cgroups: [String] = [],
        minimalRoot: Bool = false,
        rootLinks: [String: String] = [:],
        awaitsLaunch: Bool = false
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.limits = limits
        self.readPaths = readPaths
        self.writePaths = writePaths
        self.restrictsNetwork = restrictsNetwork
        self.user = user
        self.required = required
        self.hiddenPaths = hiddenPaths
        self.cgroups = cgroups
        self.minimalRoot = minimalRoot
        self.rootLinks = rootLinks
        self.awaitsLaunch = awaitsLaunch
    }

    /// The descriptor `sandbox-exec` reads the policy from.
    public static let policyDescriptor: Int32 = 3
    /// The descriptor `sandbox-exec` reports on (close-on-exec).
    public static let statusDescriptor: Int32 = 4
    /// The largest policy document accepted (checked before parsing).
    public static let maximumEncodedBytes = 1 << 20
}
