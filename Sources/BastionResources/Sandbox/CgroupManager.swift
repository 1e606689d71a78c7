import BastionSecurity
import BastionSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A cgroup per run (issue 10): made at server start when a writable hierarchy exists, it lays out
/// `<own cgroup>/bastion-<server pid>/client-<id>/<run id>/` in each hierarchy it uses:
///
/// - the client's directory carries `pids.max = limits.processes`: pids counts hierarchically, so
///   every descendant of every run of that client counts against it (`RLIMIT_NPROC` counts per
///   user, and not at all for root);
/// - the run's directory carries the memory limit `limits.memory_mb` (v1 `memory.limit_in_bytes`
///   and `memory.memsw.limit_in_bytes`; v2 `memory.max` and `memory.swap.max = 0`) for all its
///   processes together, and its own `pids.max`.
///
/// v2 needs a delegated subtree: this process's own cgroup with `memory` and `pids` in its
/// `cgroup.subtree_control`. v1 needs the `memory` and `pids` hierarchies, writable. The server
/// (root, or the owner of a delegated subtree) creates, limits and removes every directory; the
/// child only joins (``SandboxPolicy/cgroups``) and Landlock keeps `/sys/fs/cgroup` out of its
/// write set.
public final class CgroupManager: Sendable {
    /// The cgroup version in use: 1 or 2.
    public let version: Int
    /// The hierarchies, each with this server's `bastion-<pid>` directory.
    let hierarchies: [CgroupHierarchy]
    private let state = Mutex(State())

    private struct State {
        /// Runs per client directory name.
        var active: [String: Int] = [:]
        var isShutDown = false
    }

    /// The server's own directories (`…/bastion-<pid>`), one per hierarchy.
    public var roots: [String] { hierarchies.map(\.root) }

    init(version: Int, hierarchies: [CgroupHierarchy]) {
        self.version = version
        self.hierarchies = hierarchies
    }

    /// How long a run's processes may take to die before its directory is given up on.
    static let killLimitNs: UInt64 = 2_000_000_000

    /// Creates the directories of one run and sets its limits.
    /// - Parameters:
    ///   - client: The client's id (sanitized into a directory name).
    ///   - id: The run's id, unique in this server.
    ///   - memoryBytes: The memory limit of the run's processes together.
    ///   - processes: The process limit of the run, and of all the client's runs together.
    /// - Returns: The run, or `nil` when a directory or a limit could not be made (nothing is left).
    ///   - reserved: Processes of the client's directory that are not a run's (a parked
    ///     `sandbox-exec`, review 10, finding 1): its `pids.max` is raised by as many.
    public func makeRun(client: String, id: UInt64, memoryBytes: Int, processes: Int, reserved: Int = 0) -> CgroupRun? {
        let clientName = Self.directoryName(client: client)
        let runName = String(id)
        return state.withLock { state -> CgroupRun? in
            guard !state.isShutDown else { return nil }
            var made: [String] = []
            for hierarchy in hierarchies {
                let clientPath = hierarchy.root + "/" + clientName
                guard CgroupFiles.makeDirectory(clientName, in: hierarchy.root) == nil,
                    hierarchy.setClientLimit(processes: processes + max(0, reserved), in: clientPath),
                    CgroupFiles.makeDirectory(runName, in: clientPath) == nil
                else { break }
                made.append(clientPath + "/" + runName)
                guard hierarchy.setRunLimits(memoryBytes: memoryBytes, processes: processes, in: made[made.count - 1])
                else { break }
            }
            guard made.count == hierarchies.count, let run = makeRun(clientName, runName) else {
                for path in made {
                    _ = CgroupFiles.removeDirectory(runName, in: String(path.dropLast(runName.count + 1)))
                }
                if state.active[clientName, default: 0] == 0 { removeClientDirectories(clientName) }
                return nil
            }
            state.active[clientName, default: 0] += 1
            return run
        }
    }

    private func makeRun(_ clientName: String, _ runName: String) -> CgroupRun? {
        let directories = hierarchies.map { "\($0.root)/\(clientName)/\(runName)" }
        guard let index = hierarchies.firstIndex(where: { $0.kind != .memory }) else { return nil }
        let owner = hierarchies[index]
        return CgroupRun(
            directories: directories,
            processDirectory: directories[index],
            relativePath: String(directories[index].dropFirst(owner.mount.count)),
            isUnified: owner.kind == .unified,
            clientName: clientName,
            runName: runName
        )
    }

    /// Sets a run's limits again (a run made ahead of time, whose client's limits a reload may
    /// have changed since), its client's `pids.max` too.
    /// - Returns: Whether every limit was written.
    func limit(_ run: CgroupRun, memoryBytes: Int, processes: Int) -> Bool {
        zip(hierarchies, run.directories).allSatisfy { hierarchy, directory in
            hierarchy.setClientLimit(processes: processes, in: hierarchy.root + "/" + run.clientName)
                && hierarchy.setRunLimits(memoryBytes: memoryBytes, processes: processes, in: directory)
        }
    }

    /// Sets the `pids.max` of a run's client directory (a parked process moved in or out).
    func limitClient(of run: CgroupRun, processes: Int) {
        for hierarchy in hierarchies {
            _ = hierarchy.setClientLimit(processes: processes, in: hierarchy.root + "/" + run.clientName)
        }
    }

    /// Moves a process into every directory of a run, from the server (the migration the child
    /// would otherwise make itself before `execve`).
    /// - Returns: Whether it is in all of them.
    func move(_ pid: pid_t, into run: CgroupRun) -> Bool {
        run.directories.allSatisfy { CgroupFiles.write(String(pid), to: "cgroup.procs", in: $0) == nil }
    }

    /// How many processes the client's runs hold together now (`pids.current` of its directory:
    /// every descendant, zombies not yet reaped included); `nil` when it has no directory.
    /// - Parameter client: The client's id.
    public func processCount(client: String) -> Int? {
        guard let hierarchy = hierarchies.first(where: { $0.kind != .memory }) else { return nil }
        let directory = hierarchy.root + "/" + Self.directoryName(client: client)
        guard let contents = CgroupFiles.read("pids.current", in: directory) else { return nil }
        return Int(String(decoding: contents.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self))
    }

    /// Kills what is left of the run (a descendant that left the process group with `setsid`),
    /// reads what the kernel counted, removes the run's directories, and the client's when it has
    /// no other run.
    /// - Parameters:
    ///   - run: A run from ``makeRun(client:id:memoryBytes:processes:)``.
    ///   - removingLater: Whether the directories are removed on a thread of their own, after
    ///     this returns: a v1 `rmdir` takes a while, and one retried while the last process is
    ///     still exiting waits 5 ms a time, none of which a run's answer needs to wait for.
    /// - Returns: What the kernel counted for it.
    @discardableResult
    public func finish(_ run: CgroupRun, removingLater: Bool = false) -> CgroupRun.Usage {
        run.killAll(limitNs: Self.killLimitNs)
        let usage = run.usage()
        state.withLock { state in
            let left = state.active[run.clientName, default: 1] - 1
            state.active[run.clientName] = left > 0 ? left : nil
        }
        guard removingLater, DetachedThread.start({ [self] in remove(run) }) else {
            remove(run)
            return usage
        }
        return usage
    }

    /// Removes a finished run's directories, and its client's when the client has no run (a run
    /// made meanwhile keeps them: it is made under the same lock).
    private func remove(_ run: CgroupRun) {
        for hierarchy in hierarchies {
            Self.removeRetrying(run.runName, in: hierarchy.root + "/" + run.clientName)
        }
        state.withLock { state in
            if state.active[run.clientName] == nil { removeClientDirectories(run.clientName) }
        }
    }

    /// Refuses new runs, kills whatever is left in any run, and removes every directory of this
    /// server (server shutdown).
    public func shutdown() {
        state.withLock { state in
            state.isShutDown = true
            state.active = [:]
        }
        for hierarchy in hierarchies {
            Self.removeTree(hierarchy.root, killing: hierarchy.kind != .memory, mount: hierarchy.mount)
        }
    }

    private func removeClientDirectories(_ clientName: String) {
        for hierarchy in hierarchies { _ = CgroupFiles.removeDirectory(clientName, in: hierarchy.root) }
    }

    /// `rmdir`, retried for a while: a cgroup stays busy until its last process has fully exited.
    static func removeRetrying(_ name: String, in directory: String) {
        for _ in 0..<200 {
            guard let failure = CgroupFiles.removeDirectory(name, in: directory), failure == EBUSY else { return }
            usleep(5_000)
        }
    }

    /// Removes a directory and its sub-cgroups, deepest first; with `killing`, kills the processes
    /// of each first. A cgroup still populated stays (rmdir refuses it).
    static func removeTree(_ path: String, killing: Bool, mount: String) {
        for name in CgroupFiles.subdirectories(of: path) {
            removeTree(path + "/" + name, killing: killing, mount: mount)
        }
        if killing {
            let leftover = CgroupRun(
                directories: [path],
                processDirectory: path,
                relativePath: String(path.dropFirst(mount.count)),
                isUnified: CgroupFiles.exists("cgroup.kill", in: path),
                clientName: "",
                runName: ""
            )
            leftover.killAll(limitNs: 1_000_000_000)
        }
        guard let (parent, name) = PathBytes.splitLast(path) else { return }
        removeRetrying(name, in: parent)
    }

    /// A client id as a directory name: `client-<id>` when the id is made of letters, digits, `_`
    /// and `-` (at most 64), else `client-x<hash>`, so no id can name a control file, a path
    /// component or another client's directory.
    static func directoryName(client: String) -> String {
        let bytes = Array(client.utf8)
        let isPlain =
            !bytes.isEmpty && bytes.count <= 64 && bytes.first != UInt8(ascii: "x")
            && bytes.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        if isPlain { return "client-" + client }
        // Plain ids never start with "x", so a hashed name cannot be a plain id's.
        return "client-x" + String(ExecutionManager.sha256(bytes).prefix(32))
    }
}
