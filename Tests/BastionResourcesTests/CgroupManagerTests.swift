import Foundation
import Synchronization
import Testing

@testable import BastionResources

/// Layout logic on plain strings and fake directories; the tests that need the kernel's cgroupfs
/// run only as root with a writable hierarchy (this machine and CI: v1 `memory` + `pids`), and say
/// so when skipped.
struct CgroupManagerTests {
    static let counter = Atomic<Int>(0)

    /// A manager of its own per test (parallel tests must not share a `bastion-<pid>` directory);
    /// the name is not `bastion-<digits>`, so no other server takes it for stale.
    static func start() -> CgroupManager? {
        let number = counter.add(1, ordering: .relaxed).newValue
        return CgroupManager.start(name: "bastion-test-\(getpid())-\(number)")
    }

    static let hasWritableCgroups: Bool = {
        guard geteuid() == 0, let manager = start() else { return false }
        manager.shutdown()
        return true
    }()

    static func contents(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [("coder", "client-coder"), ("a_b-9", "client-a_b-9")])
    func plainClientIdsKeepTheirName(id: String, name: String) {
        #expect(CgroupManager.directoryName(client: id) == name)
    }

    @Test(arguments: ["../x", "a/b", "..", ".", "", "tasks.x", "cgroup.procs", "x-plain", String(repeating: "a", count: 65), "é"])
    func oddClientIdsAreHashedIntoOneSafeComponent(id: String) {
        let name = CgroupManager.directoryName(client: id)
        #expect(name.hasPrefix("client-x") && name.count == "client-x".count + 32)
        #expect(!name.contains("/") && !name.contains("."))
        #expect(name != CgroupManager.directoryName(client: id + "!"))
    }

    @Test func stalePidAcceptsOnlyBastionAndDigits() {
        #expect(CgroupManager.stalePid("bastion-123") == 123)
        #expect(CgroupManager.stalePid("bastion-") == nil)
        #expect(CgroupManager.stalePid("bastion-12a") == nil)
        #expect(CgroupManager.stalePid("bastion-test-1-2") == nil)
        #expect(CgroupManager.stalePid("other-5") == nil)
    }

    @Test func ownCgroupsParsesV1ListsAndTheV2Line() {
        let text = "9:name=systemd:/\n4:memory:/process_api/ab\n2:cpu,cpuacct:/c\n0::/u\nbad line\n5:pids:/../x\n"
        let own = CgroupManager.ownCgroups(Array(text.utf8))
        #expect(own["memory"] == "/process_api/ab")
        #expect(own["cpu"] == "/c" && own["cpuacct"] == "/c")
        #expect(own[""] == "/u")
        #expect(own["pids"] == nil)  // a path with `..` is refused
    }

    @Test func discoverPrefersADelegatedV2Subtree() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("svc"), withIntermediateDirectories: true)
        try "cpu memory pids\n".write(toFile: scratch.file("cgroup.controllers"), atomically: false, encoding: .utf8)
        try "memory pids\n".write(toFile: scratch.file("svc/cgroup.subtree_control"), atomically: false, encoding: .utf8)
        let found = CgroupManager.discover(mountRoot: scratch.path, own: ["": "/svc"])
        #expect(found?.version == 2)
        #expect(found?.1.map(\.parent) == [scratch.file("svc")])
        try "memory\n".write(toFile: scratch.file("svc/cgroup.subtree_control"), atomically: false, encoding: .utf8)
        #expect(CgroupManager.discover(mountRoot: scratch.path, own: ["": "/svc"]) == nil)  // no pids: none
    }

    @Test func discoverUsesTheOwnV1CgroupOfBothControllers() throws {
        let scratch = try ScratchDirectory()
        for path in ["memory/job", "pids"] {
            try FileManager.default.createDirectory(atPath: scratch.file(path), withIntermediateDirectories: true)
            try "".write(toFile: scratch.file(path + "/cgroup.procs"), atomically: false, encoding: .utf8)
        }
        let found = CgroupManager.discover(mountRoot: scratch.path, own: ["memory": "/job", "pids": "/"])
        #expect(found?.version == 1)
        #expect(found?.1.map(\.parent) == [scratch.file("memory/job"), scratch.file("pids")])
        #expect(CgroupManager.discover(mountRoot: scratch.path, own: ["memory": "/gone", "pids": "/"]) == nil)
    }

    // -- the kernel's cgroupfs ------------------------------------------------------------------

    @Test(.enabled(if: hasWritableCgroups, "needs root and a writable cgroup hierarchy"))
    func aRunGetsItsLimitsAndTheClientItsProcessCap() throws {
        let manager = try #require(Self.start())
        defer { manager.shutdown() }
        let run = try #require(manager.makeRun(client: "coder", id: 7, memoryBytes: 64 << 20, processes: 16))
        #expect(run.directories.count == manager.roots.count)
        for (root, directory) in zip(manager.roots, run.directories) {
            #expect(directory == root + "/client-coder/7")
            if root.contains("/memory/") || manager.version == 2 {
                let file = manager.version == 2 ? "memory.max" : "memory.limit_in_bytes"
                #expect(Self.contents(directory + "/" + file) == String(64 << 20))
            }
            if root.contains("/pids/") || manager.version == 2 {
                #expect(Self.contents(directory + "/pids.max") == "16")
                #expect(Self.contents(root + "/client-coder/pids.max") == "16")
            }
        }
        manager.finish(run)
        for root in manager.roots { #expect(!FileManager.default.fileExists(atPath: root + "/client-coder")) }
    }

    @Test(.enabled(if: hasWritableCgroups, "needs root and a writable cgroup hierarchy"))
    func finishKillsAProcessLeftInTheRunAndRemovesItsDirectories() throws {
        let manager = try #require(Self.start())
        defer { manager.shutdown() }
        let run = try #require(manager.makeRun(client: "coder", id: 1, memoryBytes: 64 << 20, processes: 4))
        let other = try #require(manager.makeRun(client: "coder", id: 2, memoryBytes: 64 << 20, processes: 4))
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["1031"]
        try sleeper.run()
        for directory in run.directories {
            try "\(sleeper.processIdentifier)\n".write(
                toFile: directory + "/cgroup.procs", atomically: false, encoding: .utf8)
        }
        #expect(run.processes == [sleeper.processIdentifier])
        let usage = manager.finish(run)
        sleeper.waitUntilExit()
        #expect(sleeper.terminationReason == .uncaughtSignal && sleeper.terminationStatus == SIGKILL)
        #expect(usage == CgroupRun.Usage())
        for directory in run.directories { #expect(!FileManager.default.fileExists(atPath: directory)) }
        // The client still runs `other`: its directory stays until that run ends.
        for directory in other.directories { #expect(FileManager.default.fileExists(atPath: directory)) }
        manager.finish(other)
        for root in manager.roots { #expect(CgroupFiles.subdirectories(of: root) == []) }
    }

    @Test(.enabled(if: hasWritableCgroups, "needs root and a writable cgroup hierarchy"))
    func theServerDirectoryIsMadeInsideItsOwnCgroup() throws {
        let manager = try #require(Self.start())
        defer { manager.shutdown() }
        let own = CgroupManager.ownCgroups(Array(try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8).utf8))
        let expected = manager.version == 2 ? [own[""]] : [own["memory"], own["pids"]]
        for (root, path) in zip(manager.roots, expected) {
            let path = try #require(path)
            let parent = String(root[..<root.lastIndex(of: "/")!])
            #expect(parent.hasSuffix(path == "/" ? "" : path) && parent.hasPrefix("/sys/fs/cgroup/"), "\(root)")
            #expect(ScratchDirectory.mode(of: root) == 0o700)
        }
    }

    @Test(.enabled(if: hasWritableCgroups, "needs root and a writable cgroup hierarchy"))
    func shutdownRemovesEverythingAndRefusesNewRuns() throws {
        let manager = try #require(Self.start())
        _ = try #require(manager.makeRun(client: "a", id: 1, memoryBytes: 64 << 20, processes: 4))
        _ = try #require(manager.makeRun(client: "b/../c", id: 2, memoryBytes: 64 << 20, processes: 4))
        manager.shutdown()
        for root in manager.roots { #expect(!FileManager.default.fileExists(atPath: root)) }
        #expect(manager.makeRun(client: "a", id: 3, memoryBytes: 64 << 20, processes: 4) == nil)
    }

    @Test(.enabled(if: hasWritableCgroups, "needs root and a writable cgroup hierarchy"))
    func startRemovesTheEmptyDirectoriesOfDeadServersOnly() throws {
        let probe = try #require(Self.start())
        let parents = probe.roots.map { String($0[..<$0.lastIndex(of: "/")!]) }
        probe.shutdown()
        // A pid that no longer runs: a child, reaped.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = "bastion-\(gone.processIdentifier)"
        let alive = "bastion-\(getppid())"
        for parent in parents {
            for path in [dead + "/client-x/3", alive] {
                try FileManager.default.createDirectory(atPath: parent + "/" + path, withIntermediateDirectories: true)
            }
        }
        let manager = try #require(Self.start())
        manager.shutdown()
        for parent in parents {
            #expect(!FileManager.default.fileExists(atPath: parent + "/" + dead))
            #expect(FileManager.default.fileExists(atPath: parent + "/" + alive))
            _ = CgroupFiles.removeDirectory(alive, in: parent)
        }
    }
}
