import Foundation
import Testing

@testable import Bastion

struct ClientRootsTests {
    @Test func onlyFileURIsOfExistingDirectoriesCount() throws {
        let scratch = try ScratchDirectory()
        try "x".write(toFile: scratch.file("file"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.path)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.path)) == scratch.path)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.file("link"))) == scratch.path)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.file("file"))) == nil)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.file("missing"))) == nil)
        #expect(ClientRoots.canonicalDirectory("https://example.com/") == nil)
    }
}
