import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct FileSystemModuleReadingTests {
    @Test func readTextFileReadsWholeHeadAndTail() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("1\n2\n3\n4\n", "n.txt")
        #expect(FileToolFixture.text(try await fixture.call("read_text_file", ["path": "n.txt"])) == "1\n2\n3\n4\n")
        #expect(FileToolFixture.text(try await fixture.call("read_text_file", ["path": "n.txt", "head": 2])) == "1\n2")
        #expect(FileToolFixture.text(try await fixture.call("read_text_file", ["path": "n.txt", "tail": 2])) == "3\n4")
        let both = try await fixture.call("read_text_file", ["path": "n.txt", "head": 1, "tail": 1])
        #expect(both.isError)
    }

    @Test(arguments: [("missing.txt", "no such file"), ("dir", "is a directory"), ("bin", "binary")])
    func badTargetsAreClearErrorsNamingThePath(path: String, message: String) async throws {
        let fixture = try FileToolFixture()
        try FileManager.default.createDirectory(atPath: fixture.workdir + "/dir", withIntermediateDirectories: false)
        try Data([0, 1, 2, 255]).write(to: URL(fileURLWithPath: fixture.workdir + "/bin"))
        let result = try await fixture.call("read_text_file", ["path": .string(path)])
        #expect(result.isError)
        #expect(FileToolFixture.text(result).contains(path))
        #expect(FileToolFixture.text(result).contains(message))
    }

    @Test func readMediaFileReturnsImagesAsImagesAndOtherFilesAsBlobs() async throws {
        let fixture = try FileToolFixture()
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: fixture.workdir + "/p.png"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: fixture.workdir + "/blob.bin"))
        let image = try await fixture.call("read_media_file", ["path": "p.png"])
        #expect(image.content == [.image(base64: "iVBORw==", mimeType: "image/png")])
        let blob = try await fixture.call("read_media_file", ["path": "blob.bin"])
        guard case .resourceBlob(let uri, let mimeType, let data) = blob.content.first else {
            Issue.record("expected a blob, got \(blob)")
            return
        }
        #expect(uri.hasSuffix("/work/blob.bin") && uri.hasPrefix("file:///"))
        #expect(mimeType == "application/octet-stream")
        #expect(data == "AQID")
    }

    @Test func readMultipleFilesReportsFailuresInline() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("A", "a.txt")
        let result = try await fixture.call("read_multiple_files", ["paths": ["a.txt", "/etc/shadow"]])
        let text = FileToolFixture.text(result)
        #expect(!result.isError)
        #expect(text.hasPrefix("a.txt:\nA\n"))
        #expect(text.contains("\n---\n/etc/shadow: Error - Permission denied"))
        #expect(result.denial?.target == "/etc/shadow")
        #expect(result.denial?.permission == "file_read:/etc/shadow")
    }

    @Test(arguments: ["read_text_file", "read_media_file"])
    func aRefusedReadCarriesTheDenialForTheAudit(tool: String) async throws {
        let fixture = try FileToolFixture(deny: ["**/*.key"])
        try fixture.write("k", "server.key")
        let result = try await fixture.call(tool, ["path": "server.key"])
        #expect(result.isError)
        #expect(
            result.denial
                == PermissionDenial(
                    permission: "file_read",
                    target: fixture.workdir + "/server.key",
                    rule: .denyRule,
                    pattern: "**/*.key"
                )
        )
    }

    @Test func aFailedReadThatIsNoRefusalCarriesNoDenial() async throws {
        let fixture = try FileToolFixture()
        let result = try await fixture.call("read_text_file", ["path": "missing.txt"])
        #expect(result.isError)
        #expect(result.denial == nil)
    }
}
