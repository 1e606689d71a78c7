import Testing

@testable import BastionResources

struct MinimalRootPlanTests {
    /// Parents before children, read-only unless a write path (a device never: review 9, finding
    /// 10, a uid-0 child changed the host's `/dev/null` through its writable bind), `/proc` apart.
    @Test func parentsComeFirstAndWritesWin() {
        let policy = SandboxPolicy(
            executable: "/usr/bin/python3.11",
            arguments: ["python3"],
            workingDirectory: "/work/c",
            readPaths: ["/usr", "/proc", "/proc/12/mounts", "/work/c", "/dev/null"],
            writePaths: ["/work/c", "/dev/null"]
        )
        let plan = MinimalRootPlan(policy)
        #expect(plan.binds.map(\.path) == ["/usr", "/work/c", "/dev/null"])  // the executable is in /usr
        #expect(plan.binds.map(\.writable) == [false, true, false])
        #expect(plan.collapsed.isEmpty)
    }

    /// `/etc` entry by entry is one bind of `/etc` and masks for what is not listed.
    @Test func aDirectoryOfManyListedEntriesIsBoundWhole() {
        let etc = (0..<MinimalRootPlan.collapseThreshold).map { "/etc/e\($0)" } + ["/etc/ssl/certs"]
        let policy = SandboxPolicy(
            executable: "/usr/bin/sh",
            arguments: ["sh"],
            workingDirectory: "/w",
            readPaths: ["/usr"] + etc,
            writePaths: ["/w"]
        )
        let plan = MinimalRootPlan(policy)
        #expect(plan.binds.map(\.path) == ["/w", "/etc", "/usr"])
        #expect(plan.collapsed.count == 1 && plan.collapsed.first?.directory == "/etc")
        #expect(Set(plan.collapsed.first?.listed ?? []) == Set(etc))
    }

    @Test func fewEntriesOrAListedParentAreNotCollapsed() {
        #expect(MinimalRootPlan.collapsible(["/etc/a", "/etc/b"]).isEmpty)
        let many = (0..<MinimalRootPlan.collapseThreshold).map { "/usr/lib/x\($0)" }
        #expect(MinimalRootPlan.collapsible(["/usr"] + many).isEmpty)
        #expect(MinimalRootPlan.collapsible(many) == ["/usr/lib"])
        #expect(MinimalRootPlan.collapsible((0..<9).map { "/f\($0)" }).isEmpty)  // never `/`
    }

    /// Review 5, finding 1: the working directory was bound by path (a sibling run could swap it for
    /// a link out between the plan and the mount); it is never bound, nor is anything inside a
    /// path bound already.
    @Test func theWorkingDirectoryAndPathsInsideBoundOnesAreNeverBound() {
        let policy = SandboxPolicy(
            executable: "/w/tools/run",
            arguments: ["run"],
            workingDirectory: "/w/d",
            readPaths: ["/usr", "/w", "/opt/tool"],
            writePaths: ["/w", "/w/inner", "/usr/local/src"]
        )
        let binds = MinimalRootPlan(policy).binds
        #expect(binds.map(\.path) == ["/w", "/usr", "/opt/tool", "/usr/local/src"])
        #expect(binds.map(\.writable) == [true, false, false, true])
    }
}
