import Testing

@testable import Bastion

struct ChildHiddenPathsTests {
    @Test func theListIsWhatWasLastSet() {
        let paths = ChildHiddenPaths()
        #expect(paths.current.isEmpty)
        paths.set(["/a", "/b"])
        paths.set(["/c"])
        #expect(paths.current == ["/c"])
    }
}
