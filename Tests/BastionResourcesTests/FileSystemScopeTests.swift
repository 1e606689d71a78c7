import Testing

@testable import BastionResources

struct FileSystemScopeTests {
    @Test func withoutOfferedRootsTheGrantsAreTheScope() {
        let scope = FileSystemScope(granted: (["/a", "/b"], ["/a"]), offered: nil)
        #expect(scope.readRoots == ["/a", "/b"])
        #expect(scope.writeRoots == ["/a"])
        #expect(scope.allRoots == ["/a", "/b"])
    }

    @Test func offeredRootsNarrowToTheIntersection() {
        let scope = FileSystemScope(
            granted: (["/home/ada", "/srv"], ["/home/ada/work"]),
            offered: ["/home/ada/project", "/", "/opt"]
        )
        #expect(scope.readRoots == ["/home/ada", "/srv"])  // "/" contains both grants
        #expect(scope.writeRoots == ["/home/ada/work"])
        let narrow = FileSystemScope(granted: (["/home/ada"], []), offered: ["/home/ada/project", "/opt"])
        #expect(narrow.readRoots == ["/home/ada/project"])
        #expect(FileSystemScope(granted: (["/home/ada"], []), offered: []).readRoots.isEmpty)
    }

    @Test func theContainingRootIsFoundWithoutPrefixConfusion() {
        let scope = FileSystemScope(readRoots: ["/work"], writeRoots: [])
        #expect(scope.root(containing: "/work/a", isWrite: false) == "/work")
        #expect(scope.root(containing: "/work", isWrite: false) == "/work")
        #expect(scope.root(containing: "/work-evil/a", isWrite: false) == nil)
        #expect(scope.root(containing: "/work/a", isWrite: true) == nil)
        #expect(FileSystemScope.contains("/", "/anything"))
    }
}
