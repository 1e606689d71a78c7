import Testing

@testable import Bastion

struct FileURITests {
    @Test(arguments: [("/a b/é#?.txt", "file:///a%20b/%C3%A9%23%3F.txt"), ("/plain/x-y_z.~", "file:///plain/x-y_z.~")])
    func pathsRoundTrip(path: String, uri: String) {
        #expect(FileURI.encode(path) == uri)
        #expect(FileURI.decode(uri) == path)
    }

    @Test func badURIsAreRefused() {
        #expect(FileURI.decode("http://x/y") == nil)
        #expect(FileURI.decode("file://host/y") == nil)
        #expect(FileURI.decode("file:///a%00b") == nil)
        #expect(FileURI.decode("file:///a%FF") == nil)
        #expect(FileURI.decode("file:///a%2") == nil)
        #expect(FileURI.decode("file://localhost/etc") == "/etc")
        #expect(FileURI.decode("file:///x?query#frag") == "/x")
    }
}
