import Foundation
import Testing

@testable import BastionSecurity

struct AuditTailTests {
    private let hash = String(repeating: "c", count: 64)

    private func tail(of content: String) throws -> AuditTail {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        return AuditTail.read(descriptor: descriptor, size: Int64(content.utf8.count))
    }

    @Test func anEmptyFileStartsTheChain() throws {
        #expect(try tail(of: "") == AuditTail(sequence: 0, hash: AuditCanonicalForm.genesisHash, isTorn: false))
    }

    @Test func theLastLineGivesSeqAndHash() throws {
        let content =
            #"{"seq":1,"hash":"\#(String(repeating: "a", count: 64))"}"# + "\n"
            + #"{"seq":2,"hash":"\#(hash)"}"# + "\n"
        #expect(try tail(of: content) == AuditTail(sequence: 2, hash: hash, isTorn: false))
    }

    @Test func aTornLastLineIsSkippedAndReported() throws {
        let content = #"{"seq":7,"hash":"\#(hash)"}"# + "\n" + #"{"seq":8,"ha"#
        #expect(try tail(of: content) == AuditTail(sequence: 7, hash: hash, isTorn: true))
    }

    @Test func aLastLineLongerThanOneStepIsFound() throws {
        let padding = String(repeating: "p", count: 3 * AuditTail.step)
        let content = "junk\n" + #"{"pad":"\#(padding)","seq":9,"hash":"\#(hash)"}"# + "\n"
        #expect(try tail(of: content) == AuditTail(sequence: 9, hash: hash, isTorn: false))
    }

    @Test func aSingleLineFileIsFound() throws {
        #expect(try tail(of: #"{"seq":3,"hash":"\#(hash)"}"# + "\n").sequence == 3)
    }

    @Test func aLastLineWithoutHashKeepsTheSeqAndTheGenesisHash() throws {
        #expect(
            try tail(of: #"{"seq":4}"# + "\n")
                == AuditTail(sequence: 4, hash: AuditCanonicalForm.genesisHash, isTorn: false)
        )
    }
}
