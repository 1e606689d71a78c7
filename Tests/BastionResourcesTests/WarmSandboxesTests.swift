import CBastionLinux
import Synchronization
import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct WarmSandboxesTests {
    /// `cat` stands in for a parked `sandbox-exec`: it blocks reading its stdin, as the real one
    /// blocks reading its policy.
    private static func pool() -> WarmSandboxes {
        WarmSandboxes(launcher: SandboxLauncher(executable: "/bin/cat", arguments: ["cat"]), cgroups: nil)
    }

    /// Takes the client's parked process, waiting up to 5 s for it to be ready.
    private static func waitForParked(_ pool: WarmSandboxes, client: String) async throws -> WarmSandboxes.Parked? {
        for _ in 0..<500 {
            if let parked = pool.take(client: client) { return parked }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test("A prepared process is taken once, alive, and is the client's only")
    func aPreparedProcessIsTakenOnce() async throws {
        let pool = Self.pool()
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4)
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4)
        let parked = try #require(try await Self.waitForParked(pool, client: "a"))
        #expect(kill(parked.child.pid, 0) == 0)
        #expect(parked.cgroup == nil)
        #expect(pool.take(client: "a") == nil)
        #expect(pool.take(client: "b") == nil)
        pool.discard(parked)
        #expect(kill(parked.child.pid, 0) != 0)
    }

    @Test("A parked process that died is not handed out")
    func aDeadProcessIsNotTaken() async throws {
        let pool = Self.pool()
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4)
        let parked = try #require(try await Self.waitForParked(pool, client: "a"))
        pool.discard(parked)
        // Park another, kill it behind the pool's back, and ask for it.
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4)
        let second = try #require(try await Self.waitForParked(pool, client: "a"))
        let pid = second.child.pid
        // Put it back by preparing nothing: kill it, then check take refuses a dead one.
        _ = cbastion_pidfd_send_signal(second.child.pidfd, SIGKILL)
        var status = siginfo_t()
        _ = waitid(P_PID, id_t(pid), &status, WEXITED | WNOWAIT)
        #expect(!WarmSandboxes.isAlive(second.child))
        pool.discard(second)
    }

    @Test("After stopAll nothing is prepared, and what was parked is killed")
    func stopAllEndsEverything() async throws {
        let pool = Self.pool()
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4)
        let parked = try #require(try await Self.waitForParked(pool, client: "a"))
        pool.discard(parked)
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4)
        try await Task.sleep(for: .milliseconds(300))
        pool.stopAll()
        #expect(pool.take(client: "a") == nil)
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4)
        try await Task.sleep(for: .milliseconds(300))
        #expect(pool.take(client: "a") == nil)
    }

    @Test("A process ready while the client already runs again is not kept")
    func aBusyClientKeepsNothing() async throws {
        let pool = Self.pool()
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 4) { false }
        try await Task.sleep(for: .milliseconds(500))
        #expect(pool.take(client: "a") == nil)
    }

    @Test(
        "No process is parked in a client's cgroup while the client runs",
        .enabled(if: CgroupManagerTests.hasWritableCgroups, "needs root and a writable cgroup hierarchy")
    )
    func nothingIsParkedBesideALiveRun() async throws {
        let manager = try #require(CgroupManagerTests.start())
        defer { manager.shutdown() }
        // A live run of the client: one process in its own cgroup (limits.processes = 2).
        let run = try #require(manager.makeRun(client: "a", id: 1, memoryBytes: 1 << 26, processes: 2))
        let live = try SandboxLauncher(executable: "/bin/cat", arguments: ["cat"]).spawn()
        #expect(manager.move(live.pid, into: run))
        defer {
            WarmSandboxes(launcher: SandboxLauncher(executable: "/bin/cat", arguments: ["cat"]), cgroups: nil).discard(
                WarmSandboxes.Parked(child: live, cgroup: run)
            )
        }
        let pool = WarmSandboxes(
            launcher: SandboxLauncher(executable: "/bin/cat", arguments: ["cat"]),
            cgroups: manager
        )
        // What the client's directory holds whenever the pool asks whether the client is idle: a
        // process moved in beside the run would take one of its slots (its forks wait on the
        // migration and resume the moment it is charged, review 10 finding 1 / the flaky test).
        let seen = Mutex<[Int]>([])
        pool.prepare(client: "a", memoryBytes: 1 << 26, processes: 2) {
            seen.withLock { $0.append(manager.processCount(client: "a") ?? -1) }
            return false
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(pool.take(client: "a") == nil)
        let counts = seen.withLock { $0 }
        #expect(!counts.isEmpty)
        #expect(counts.allSatisfy { $0 == 1 }, "the client's directory held \(counts) processes, its run 1")
    }
}
