import Foundation
import Testing

@testable import BastionSecurity

struct AuditChainHeadTests {
    private let hash = String(repeating: "ab", count: 32)

    @Test func theHeadFileSitsBesideTheLog() {
        #expect(AuditChainHead.path(for: "/var/a.jsonl") == "/var/a.jsonl.head")
    }

    @Test func aWrittenHeadReadsBackWithMode0600() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("a.head")
        let head = AuditChainHead(sequence: 42, hash: hash)
        #expect(head.write(to: path))
        #expect(try AuditChainHead.read(from: path) == head)
        #expect(ScratchDirectory.mode(of: path) == 0o600)
        #expect(try ScratchDirectory.lines(of: path) == [#"{"hash":"\#(hash)","seq":42}"#])
    }

    @Test func rewritingReplacesTheHeadAndLeavesNoTemporaryFile() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("a.head")
        AuditChainHead(sequence: 1, hash: hash).write(to: path)
        AuditChainHead(sequence: 2, hash: hash).write(to: path)
        #expect(try AuditChainHead.read(from: path)?.sequence == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["a.head"])
    }

    @Test func anAbsentHeadIsNil() throws {
        let scratch = try ScratchDirectory()
        #expect(try AuditChainHead.read(from: scratch.file("none.head")) == nil)
    }

    @Test(arguments: ["", "garbage", #"{"seq":1}"#, #"{"seq":1,"hash":"short"}"#])
    func contentThatIsNotAHeadIsRefused(content: String) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("a.head")
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        let error = try #require(throws: AuditError.self) { try AuditChainHead.read(from: path) }
        #expect(error.message.contains(path))
    }
}
