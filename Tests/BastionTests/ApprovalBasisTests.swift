import BastionProtocol
import BastionResources
import BastionSecurity
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ApprovalBasisTests {
    private let files = FileSystemManager()
    private let previewer = FileChangePreviewer(files: FileSystemManager())

    private func basis(_ fixture: borrowing FileToolFixture, _ path: String) throws -> ApprovalBasis {
        let preview = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("write_file"),
                arguments: ["path": .string(path), "content": "x\n"],
                client: fixture.client
            )
        )
        return try #require(preview.basis)
    }

    @Test func anUnchangedFileHolds() throws {
        let fixture = try FileToolFixture()
        try fixture.write("mode = safe\n", "c.txt")
        let basis = try basis(fixture, "c.txt")
        let target = try files.authorize("c.txt", for: .write, client: fixture.client)
        #expect(basis.holds(for: target, files: files))
        #expect(basis.holds(for: target, files: files, content: Array("mode = safe\n".utf8)))
        #expect(!basis.holds(for: target, files: files, content: Array("mode = fast\n".utf8)))
    }

    @Test func theCanonicalBytesAreStableAndChangeWithTheFile() throws {
        let fixture = try FileToolFixture()
        try fixture.write("mode = safe\n", "c.txt")
        let first = try basis(fixture, "c.txt").canonicalBytes
        #expect(try basis(fixture, "c.txt").canonicalBytes == first)
        try fixture.write("mode = fast\n", "c.txt")
        #expect(try basis(fixture, "c.txt").canonicalBytes != first)
        #expect(try basis(fixture, "absent.txt").canonicalBytes != first)
    }

    @Test func anAppendedFileDoesNotHold() throws {
        let fixture = try FileToolFixture()
        try fixture.write("mode = safe\n", "c.txt")
        let basis = try basis(fixture, "c.txt")
        try fixture.write("mode = safe\nhook = x\n", "c.txt")
        let target = try files.authorize("c.txt", for: .write, client: fixture.client)
        #expect(!basis.holds(for: target, files: files))
    }

    @Test func aFileThatAppearedDoesNotHoldAnAbsence() throws {
        let fixture = try FileToolFixture()
        let basis = try basis(fixture, "new.txt")
        #expect(basis.state == .absent)
        let target = try files.authorize("new.txt", for: .write, client: fixture.client)
        #expect(basis.holds(for: target, files: files))
        try fixture.write("precious\n", "new.txt")
        #expect(!basis.holds(for: target, files: files))
    }

    @Test func anApprovedWriteOfAChangedFileIsRefusedAndNothingIsWritten() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("old\n", "c.txt")
        let basis = try basis(fixture, "c.txt")
        try fixture.write("changed\n", "c.txt")
        let tool = try #require(fixture.tools["write_file"])
        let context = SessionTestSupport.makeContext()
        let call = ToolCall(
            name: "write_file",
            arguments: ["path": "c.txt", "content": "new\n"],
            request: context,
            approvalBasis: basis
        )
        do {
            _ = try await tool.handler(fixture.client, call)
            Issue.record("the write ran")
        } catch let error as ToolError {
            #expect(error.message.contains("changed since it was approved; nothing was written"))
        }
        #expect(fixture.read("c.txt") == "changed\n")
        #expect(context.annotations["approval"] == "stale")
    }
}
