import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// One run's cgroup: a directory `…/bastion-<pid>/client-<id>/<run>` in each hierarchy the
/// ``CgroupManager`` uses (v1: `memory` and `pids`; v2: the one unified directory). The child joins
/// them before `execve` (``SandboxPolicy/cgroups``), so every descendant is in them, whatever
/// session or process group it makes: the server kills and counts the run through them.
public struct CgroupRun: Sendable, Hashable {
    /// The run's directories, one per hierarchy, absolute.
    public let directories: [String]
    /// The directory whose `cgroup.procs` lists the run's processes (v1: the `pids` one).
    let processDirectory: String
    /// That directory's path inside its hierarchy (as `/proc/<pid>/cgroup` shows it).
    let relativePath: String
    /// Whether the directories are cgroup v2 (`cgroup.kill`, `memory.events`).
    let isUnified: Bool
    /// The client's directory name (`client-…`) and the run's, under each server root.
    let clientName: String
    let runName: String

    /// What the kernel counted for a run, read before its directory is removed.
    public struct Usage: Sendable, Hashable {
        /// The kernel's OOM killer ended a process of the run at the memory limit
        /// (v1 `memory.oom_control` `oom_kill`, v2 `memory.events` `oom_kill`).
        public var memoryLimitHit: Bool
        /// A `fork`/`clone` was refused at the process limit (`pids.events` `max`).
        public var processLimitHit: Bool

        /// Creates a usage.
        public init(memoryLimitHit: Bool = false, processLimitHit: Bool = false) {
            self.memoryLimitHit = memoryLimitHit
            self.processLimitHit = processLimitHit
        }
    }

    /// The pids in the run's cgroup now (empty when none, or when it cannot be read).
    var processes: [pid_t] {
        CgroupFiles.read("cgroup.procs", in: processDirectory).map(CgroupFiles.pids(in:)) ?? []
    }

    /// SIGKILLs every process in the run's cgroup until none is left or `limitNs` passed: v2 writes
    /// `1` to `cgroup.kill` (Linux 5.14) first; otherwise each listed pid is signalled through a
    /// pidfd after checking, through `/proc/<pid>/cgroup`, that the pid still is in this cgroup (so
    /// a pid reused meanwhile is never hit). Forks during the sweep are bounded by `pids.max`.
    /// - Returns: whether the cgroup is empty.
    @discardableResult
    func killAll(limitNs: UInt64) -> Bool {
        if isUnified { _ = CgroupFiles.write("1", to: "cgroup.kill", in: processDirectory) }
        let deadline = Self.now() + limitNs
        while true {
            let pids = processes
            if pids.isEmpty { return true }
            for pid in pids { kill(verified: pid) }
            if Self.now() >= deadline { return processes.isEmpty }
            usleep(1_000)
        }
    }

    /// What the kernel counted; read before the directories are removed.
    func usage() -> Usage {
        var usage = Usage()
        for directory in directories {
            if let events = CgroupFiles.read(isUnified ? "memory.events" : "memory.oom_control", in: directory),
                let count = CgroupFiles.value(of: "oom_kill", in: events), count > 0
            {
                usage.memoryLimitHit = true
            }
            if let events = CgroupFiles.read("pids.events", in: directory),
                let count = CgroupFiles.value(of: "max", in: events), count > 0
            {
                usage.processLimitHit = true
            }
        }
        return usage
    }

    private func kill(verified pid: pid_t) {
        let pidfd = cbastion_pidfd_open(pid)
        guard pidfd >= 0 else { return }  // gone already
        defer { close(pidfd) }
        guard isMember(pid) else { return }
        if cbastion_pidfd_send_signal(pidfd, SIGKILL) != 0, errno == ENOSYS { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Whether `/proc/<pid>/cgroup` names this run's cgroup (the pid is held by a pidfd, so the
    /// answer is about the process the pidfd names).
    private func isMember(_ pid: pid_t) -> Bool {
        guard let contents = CgroupFiles.read("cgroup", in: "/proc/\(pid)") else { return false }
        let suffix = Array((":" + relativePath).utf8)
        return contents.split(separator: UInt8(ascii: "\n")).contains { $0.reversed().starts(with: suffix.reversed()) }
    }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
