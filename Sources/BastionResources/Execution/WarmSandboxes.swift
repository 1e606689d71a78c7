import BastionSystem
import CBastionLinux
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One `sandbox-exec` per client started ahead of its next run: already past its own start-up
/// (the dynamic loader's relocations of a large binary, the Swift runtime: ~3.5 ms) and, where the
/// server has cgroups, already moved into that run's cgroup (a migration takes 5–13 ms on cgroup
/// v1, an RCU grace period), waiting on descriptor 3 for its policy. A run takes it, and the next
/// one is prepared once the client has no run left (issue 10, item 9: the full call's start-up).
///
/// Given the policy of the client's last run, a parked process also applies all of it but the
/// launch (``SandboxPolicy/preparedPart``: namespaces, minimal root, user, Landlock, seccomp)
/// and waits sandboxed for its ``SandboxLaunch``; a run whose own policy is the same in all but
/// its launch gets it, and only the launch lies between the call and `execve` (the 900 system
/// calls of the sandbox leave the critical path). Any other run discards it and starts cold.
///
/// A parked process runs nothing of a client's: it is the server's own binary blocked in
/// `read(2)`, before or after it applied a policy the client already ran under. It sits in its
/// client's cgroup with a `pids.max` slot of its own (so it never counts against
/// `limits.processes`), is prepared once the client runs nothing, is taken before any count is
/// checked, and ends (EOF on its policy pipe, no launch) with the server.
final class WarmSandboxes: Sendable {
    /// A parked `sandbox-exec` and the cgroup it is already in.
    struct Parked: Sendable {
        var child: ProcessSupervisor.Child
        var cgroup: CgroupRun?
        /// The client's `limits.processes` when it was parked.
        var processes: Int = 1
        /// The policy it applied and awaits a launch under (``SandboxPolicy/preparedPart``, its
        /// cgroups included); `nil`: it applied nothing and reads a whole policy.
        var prepared: SandboxPolicy?
        /// The files of its paths as they were just before it was prepared.
        var stamp: RootStamp?
        /// The mount table's generation then (``MountTableWatch``).
        var mounts: UInt64 = 0
    }

    private struct State {
        var parked: [String: Parked] = [:]
        var preparing: Set<String> = []
        /// Clients whose parked process is in their cgroup directory now (moved, not yet taken
        /// or discarded): a run made meanwhile leaves it its slot.
        var inCgroup: Set<String> = []
        var isStopped = false
        var nextID: UInt64 = 0
    }

    private let launcher: SandboxLauncher
    private let cgroups: CgroupManager?
    private let state = Mutex(State())
    /// Held across a parked process's move into its client's directory and the raise of that
    /// directory's `pids.max`, and across a cold run's count and cgroup (``placing(_:)``): a run
    /// never makes its cgroup between the two, and no process is moved in while the client runs.
    private let placement = Mutex(())
    /// Changes of the mount table, which a prepared process does not see.
    let mountTable = MountTableWatch()

    /// How long a preparation waits before it starts.
    static let startDelayMicroseconds: UInt32 = 3_000

    /// Run ids of prepared cgroups: the high half, never one of ``ExecutionRegistry``'s.
    private static let idBase: UInt64 = 1 << 62

    init(launcher: SandboxLauncher, cgroups: CgroupManager?) {
        self.launcher = launcher
        self.cgroups = cgroups
    }

    /// Runs `body` (a run's count and cgroup) while no parked process is being moved in.
    func placing<T: Sendable, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try placement.withLock { (_: inout ()) throws(E) -> T in try body() }
    }

    /// Whether a parked process of the client sits in its cgroup directory now (one process of
    /// the directory that no run owns).
    func isInCgroup(client: String) -> Bool { state.withLock { $0.inCgroup.contains(client) } }

    /// The client's parked process, if one is there and still alive.
    func take(client: String) -> Parked? {
        guard
            let parked = state.withLock({ state -> Parked? in
                guard let parked = state.parked.removeValue(forKey: client) else { return nil }
                state.inCgroup.remove(client)
                return parked
            })
        else { return nil }
        guard Self.isAlive(parked.child) else {
            discard(parked)
            return nil
        }
        return parked
    }

    /// Starts one for the client on a thread of its own, unless it has one or one is starting.
    /// - Parameters:
    ///   - client: The client's id.
    ///   - memoryBytes: The limit its run's cgroup starts with (set again when it is taken).
    ///   - processes: Likewise.
    ///   - policy: The policy to apply ahead (the client's last run's), if any.
    ///   - isIdle: Whether the client still runs nothing once it is ready: a run that started
    ///     meanwhile (without it) would otherwise share its cgroup budget with a parked process.
    func prepare(
        client: String,
        memoryBytes: Int,
        processes: Int,
        policy: SandboxPolicy? = nil,
        isIdle: @escaping @Sendable () -> Bool = { true }
    ) {
        let starts = state.withLock { state -> UInt64? in
            guard !state.isStopped, state.parked[client] == nil, !state.preparing.contains(client) else { return nil }
            state.preparing.insert(client)
            state.nextID += 1
            return Self.idBase + state.nextID
        }
        guard let id = starts else { return }
        let started = DetachedThread.start { [self] in
            // The answer of the run that just ended is on its way out meanwhile: spawned at once,
            // this process and its sandbox compete with it for the CPU (on two cores, 0.3–0.7 ms
            // of the next call's p50, bench/exec_true.py).
            usleep(Self.startDelayMicroseconds)
            let parked = park(client: client, id: id, memoryBytes: memoryBytes, processes: processes, isIdle: isIdle)
                .flatMap { applyAhead(policy, in: $0) }
            let idle = isIdle()
            let leftOver = state.withLock { state -> Parked? in
                state.preparing.remove(client)
                guard let parked else {
                    // A process moved in and then discarded (its policy could not be written)
                    // took its slot with it: the client's next runs must not reserve one.
                    state.inCgroup.remove(client)
                    return nil
                }
                guard !state.isStopped, state.parked[client] == nil, idle else {
                    state.inCgroup.remove(client)
                    return parked
                }
                state.parked[client] = parked
                return nil
            }
            if let leftOver { discard(leftOver) }
        }
        if !started { state.withLock { _ = $0.preparing.remove(client) } }
    }

    /// Kills every parked process and starts no more (server shutdown).
    func stopAll() {
        let parked = state.withLock { state -> [Parked] in
            state.isStopped = true
            defer { state.parked.removeAll() }
            return Array(state.parked.values)
        }
        for entry in parked { discard(entry) }
    }

    /// Spawns one and moves it into a new run cgroup; `nil` when either fails (nothing is left).
    private func park(
        client: String,
        id: UInt64,
        memoryBytes: Int,
        processes: Int,
        isIdle: () -> Bool
    ) -> Parked? {
        guard let child = try? launcher.spawn() else { return nil }
        guard let cgroups else { return Parked(child: child, cgroup: nil) }
        guard let run = cgroups.makeRun(client: client, id: id, memoryBytes: memoryBytes, processes: processes) else {
            discard(Parked(child: child, cgroup: nil))
            return nil
        }
        let parked = Parked(child: child, cgroup: run, processes: processes)
        // Moved only while the client runs nothing, and given its slot before any run of the
        // client counts or makes its cgroup. A run already live would lose a process for the
        // whole migration: its forks wait on the migration (cgroup_threadgroup_rwsem) and go on
        // the moment the parked process is charged, before the raise (review 10, finding 1).
        let moved = placement.withLock { _ -> Bool in
            guard isIdle() else { return false }
            guard cgroups.move(child.pid, into: run) else { return false }
            cgroups.limitClient(of: run, processes: processes + 1)
            state.withLock { _ = $0.inCgroup.insert(client) }
            return true
        }
        guard moved else {
            discard(parked)
            return nil
        }
        return parked
    }

    /// Sends a parked process its policy without a launch (line-feed ended), which it applies at
    /// once; `nil` (the process discarded) when that cannot be written.
    private func applyAhead(_ policy: SandboxPolicy?, in parked: Parked) -> Parked? {
        guard let policy else { return parked }
        var prepared = policy.preparedPart
        prepared.cgroups = parked.cgroup?.directories ?? []
        // Before the process looks at them: a change after this starts the next run cold.
        let stamp = RootStamp(prepared)
        let mounts = mountTable.generation()
        let document = prepared.encoded() + [UInt8(ascii: "\n")]
        guard document.withUnsafeBytes({ FileDescriptorIO.writeAll(parked.child.policy, $0) }) == nil else {
            discard(parked)
            return nil
        }
        var ready = parked
        ready.prepared = prepared
        ready.stamp = stamp
        ready.mounts = mounts
        return ready
    }

    /// Kills and reaps a parked process, closes its descriptors and removes its cgroup.
    func discard(_ parked: Parked) {
        let child = parked.child
        _ = child.pidfd >= 0 ? cbastion_pidfd_send_signal(child.pidfd, SIGKILL) : kill(child.pid, SIGKILL)
        var code: Int32 = 0
        var signaled: Int32 = 0
        _ = cbastion_reap(child.pid, &code, &signaled)
        for descriptor in [child.pidfd, child.stdin, child.stdout, child.stderr, child.policy, child.status]
        where descriptor >= 0 {
            close(descriptor)
        }
        if let cgroup = parked.cgroup {
            cgroups?.finish(cgroup, removingLater: true)
            // Its slot goes with it (the directory may be gone already).
            cgroups?.limitClient(of: cgroup, processes: parked.processes)
        }
    }

    /// Whether the process has not ended (its pidfd is not readable yet).
    static func isAlive(_ child: ProcessSupervisor.Child) -> Bool {
        guard child.pidfd >= 0 else { return kill(child.pid, 0) == 0 }
        var descriptor = pollfd(fd: child.pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }
}
