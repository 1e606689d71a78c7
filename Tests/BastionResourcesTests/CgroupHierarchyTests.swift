import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

/// The limits a hierarchy writes, on a plain directory standing in for cgroupfs: control files
/// exist there beforehand, as the kernel's do, and are never created.
struct CgroupHierarchyTests {
    private func directory(with files: [String]) -> String {
        var template = Array("/tmp/bastion-cgroup-hierarchy.XXXXXX".utf8CString)
        let path = String(cString: mkdtemp(&template)!)
        for name in files { close(open(path + "/" + name, O_CREAT | O_WRONLY, 0o600)) }
        return path
    }

    private func contents(_ name: String, _ directory: String) -> String? {
        CgroupFiles.read(name, in: directory).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func v1MemoryLimitsMemoryAndSwapTogether() {
        let dir = directory(with: ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"])
        let hierarchy = CgroupHierarchy(kind: .memory, mount: "/m", root: "/m/bastion-1")
        #expect(hierarchy.setRunLimits(memoryBytes: 64 << 20, processes: 8, in: dir))
        #expect(contents("memory.limit_in_bytes", dir) == String(64 << 20))
        #expect(contents("memory.memsw.limit_in_bytes", dir) == String(64 << 20))
        // A memory hierarchy has no pids.max: the client limit is the pids hierarchy's.
        #expect(hierarchy.setClientLimit(processes: 8, in: dir))
    }

    @Test func v1PidsLimitsClientAndRun() {
        let dir = directory(with: ["pids.max"])
        let hierarchy = CgroupHierarchy(kind: .pids, mount: "/p", root: "/p/bastion-1")
        #expect(hierarchy.setClientLimit(processes: 0, in: dir))
        #expect(contents("pids.max", dir) == "1")
        #expect(hierarchy.setRunLimits(memoryBytes: 1, processes: 16, in: dir))
        #expect(contents("pids.max", dir) == "16")
    }

    @Test func unifiedSetsMemoryPidsAndNoSwap() {
        let dir = directory(with: ["memory.max", "pids.max", "memory.swap.max"])
        let hierarchy = CgroupHierarchy(kind: .unified, mount: "/u", root: "/u/bastion-1")
        #expect(hierarchy.setRunLimits(memoryBytes: 1, processes: 4, in: dir))
        #expect(contents("memory.max", dir) == String(1 << 20))  // at least 1 MiB
        #expect(contents("pids.max", dir) == "4" && contents("memory.swap.max", dir) == "0")
    }

    @Test func aMissingControlFileFailsInsteadOfBeingCreated() {
        let dir = directory(with: [])
        let hierarchy = CgroupHierarchy(kind: .unified, mount: "/u", root: "/u/bastion-1")
        #expect(!hierarchy.setRunLimits(memoryBytes: 1 << 20, processes: 4, in: dir))
        #expect(contents("memory.max", dir) == nil)
    }
}
