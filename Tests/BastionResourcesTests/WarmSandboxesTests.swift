import CBastionLinux
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
}
