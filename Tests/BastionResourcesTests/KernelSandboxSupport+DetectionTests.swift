import Glibc
import Testing

@testable import BastionResources

/// This machine (and CI) has Landlock ABI 7, seccomp and cgroup v1 `memory` + `pids`: a missing
/// feature fails these tests instead of skipping them.
struct KernelSandboxSupportDetectionTests {
    @Test func theKernelOffersLandlockSeccompAndCgroups() {
        let support = KernelSandboxSupport.detect()
        #expect((support.landlockABI ?? 0) >= 6, "Landlock ABI 6+ expected: \(support.summary)")
        #expect(support.seccomp)
        #expect(support.cgroup.version != nil)
        #expect(support.missing([.landlock, .seccomp]).isEmpty)
        #expect(support.isRoot == (geteuid() == 0))
    }

    @Test func aDirectoryWithoutControllersIsNoCgroup() throws {
        let support = KernelSandboxSupport.detectCgroup(root: "/proc/self")
        #expect(support == .init(version: nil, isWritable: false))
    }
}
