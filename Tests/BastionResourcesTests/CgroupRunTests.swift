import Foundation
import Testing

@testable import BastionResources

struct CgroupRunTests {
    static func run(in directory: String, isUnified: Bool) -> CgroupRun {
        CgroupRun(
            directories: [directory],
            processDirectory: directory,
            relativePath: "/bastion-1/client-a/1",
            isUnified: isUnified,
            clientName: "client-a",
            runName: "1"
        )
    }

    @Test func usageReportsAnOOMKillAndARefusedForkInV1Files() throws {
        let scratch = try ScratchDirectory()
        try "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n".write(
            toFile: scratch.file("memory.oom_control"), atomically: false, encoding: .utf8)
        try "max 4\n".write(toFile: scratch.file("pids.events"), atomically: false, encoding: .utf8)
        let usage = Self.run(in: scratch.path, isUnified: false).usage()
        #expect(usage == CgroupRun.Usage(memoryLimitHit: true, processLimitHit: true))
    }

    @Test func usageReadsMemoryEventsInV2AndZeroCountsAreNoHit() throws {
        let scratch = try ScratchDirectory()
        try "low 0\nhigh 0\nmax 7\noom 1\noom_kill 0\n".write(
            toFile: scratch.file("memory.events"), atomically: false, encoding: .utf8)
        try "max 0\n".write(toFile: scratch.file("pids.events"), atomically: false, encoding: .utf8)
        #expect(Self.run(in: scratch.path, isUnified: true).usage() == CgroupRun.Usage())
        try "oom_kill 2\n".write(toFile: scratch.file("memory.events"), atomically: false, encoding: .utf8)
        #expect(Self.run(in: scratch.path, isUnified: true).usage().memoryLimitHit)
    }

    @Test func killAllOfAnEmptyCgroupIsDoneAtOnce() throws {
        let scratch = try ScratchDirectory()
        try "".write(toFile: scratch.file("cgroup.procs"), atomically: false, encoding: .utf8)
        let started = CgroupRun.now()
        #expect(Self.run(in: scratch.path, isUnified: false).killAll(limitNs: 1_000_000_000))
        #expect(CgroupRun.now() - started < 500_000_000)
    }

    @Test func killAllLeavesAListedPidThatIsNotInThatCgroup() throws {
        // This process is listed in a fake cgroup.procs, but /proc/self/cgroup does not name the
        // run's path: it must not be signalled (the test would die), and the sweep gives up.
        let scratch = try ScratchDirectory()
        try "\(getpid())\n".write(toFile: scratch.file("cgroup.procs"), atomically: false, encoding: .utf8)
        #expect(!Self.run(in: scratch.path, isUnified: false).killAll(limitNs: 20_000_000))
    }
}
