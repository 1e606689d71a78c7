import Testing

@testable import BastionResources

struct AuthorizedPathTests {
    @Test func relativeAndParentAreBelowTheRoot() {
        let nested = AuthorizedPath(path: "/w/a/b.txt", root: "/w")
        #expect(nested.relative == "a/b.txt")
        #expect(nested.parentAndName?.parent == "a")
        #expect(nested.parentAndName?.name == "b.txt")
        let top = AuthorizedPath(path: "/w/b.txt", root: "/w")
        #expect(top.parentAndName?.parent == "")
        let root = AuthorizedPath(path: "/w", root: "/w")
        #expect(root.relative == "")
        #expect(root.parentAndName == nil)
        #expect(AuthorizedPath(path: "/etc/x", root: "/").relative == "etc/x")
    }
}
