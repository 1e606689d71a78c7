import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct MountTableWatchTests {
    @Test func theGenerationStaysWhileTheMountTableDoesNot() {
        let watch = MountTableWatch()
        let first = watch.generation()
        #expect(watch.generation() == first)
        #expect(watch.generation() == first)
    }

    /// Review 12, finding 2: a mount or unmount since the last look is a new generation.
    @Test func aMountAndAnUnmountEachMakeANewGeneration() throws {
        guard geteuid() == 0 else { return }
        let scratch = try ScratchDirectory()
        let watch = MountTableWatch()
        let before = watch.generation()
        guard mount("tmpfs", scratch.path, "tmpfs", 0, "size=1m") == 0 else { return }
        let mounted = watch.generation()
        #expect(mounted != before)
        #expect(umount2(scratch.path, 0) == 0)
        #expect(watch.generation() != mounted)
    }
}
