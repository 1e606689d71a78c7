import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct SandboxPolicyInputTests {
    /// A pipe holding `chunks` (written one by one) and then EOF; the read end is returned.
    private static func pipe(_ chunks: [[UInt8]]) throws -> Int32 {
        var ends: [Int32] = [-1, -1]
        try #require(Glibc.pipe(&ends) == 0)
        let writer = ends[1]
        let written = chunks.allSatisfy { chunk in
            chunk.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) == chunk.count }
        }
        close(writer)
        try #require(written)
        return ends[0]
    }

    @Test func aDocumentEndsAtEOF() throws {
        let descriptor = try Self.pipe([Array("{\"a\":1}".utf8)])
        defer { close(descriptor) }
        var input = SandboxPolicyInput(descriptor: descriptor)
        #expect(try input.nextDocument() == Array("{\"a\":1}".utf8))
        #expect(try input.rest().isEmpty)
    }

    @Test func aDocumentEndsAtALineFeedAndTheRestFollows() throws {
        // Split across reads, the line feed in the middle of a chunk.
        let descriptor = try Self.pipe([Array("{\"pol".utf8), Array("icy\":1}\n{\"la".utf8), Array("unch\":2}".utf8)])
        defer { close(descriptor) }
        var input = SandboxPolicyInput(descriptor: descriptor)
        #expect(try input.nextDocument() == Array("{\"policy\":1}".utf8))
        #expect(try input.rest() == Array("{\"launch\":2}".utf8))
    }

    @Test func anOversizedDocumentIsRefused() throws {
        // More than a pipe holds: from a file (unlinked at once), read the same way.
        var template = Array("/tmp/bastion-policy-input-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: SandboxPolicy.maximumEncodedBytes + 2)
        try #require(big.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } == big.count)
        var input = SandboxPolicyInput(descriptor: descriptor)
        let error = #expect(throws: SandboxError.self) { try input.nextDocument() }
        #expect(error?.message.contains("larger") == true)
    }
}
