import Testing

@testable import BastionTransport

/// The ids of a session's SSE events (SSEEventID.swift).
struct SSEEventIDTests {
    @Test func anIDReadsBackAsItWasWritten() throws {
        let id = SSEEventID(tag: 0x00ab_cdef, stream: 12, sequence: 345)
        #expect(id.description == "00abcdef-12-345")
        #expect(SSEEventID(id.description) == id)
        #expect(SSEEventID("FFFFFFFF-1-0") == SSEEventID(tag: .max, stream: 1, sequence: 0))
    }

    @Test(arguments: [
        "", "-", "abc", "00abcdef", "00abcdef-1", "00abcdef-1-", "00abcdef--1", "0abcdef-1-1", "00abcdef-1-1-1",
        "00abcdeg-1-1", "00abcdef-x-1", "00abcdef-1-+1", "00abcdef-1234567890-1", " 00abcdef-1-1", "00abcdef-1-1é",
        "00abcdef-1-1" + String(repeating: "0", count: 20),
    ])
    func whatIsNotExactlyAnIDIsRefused(_ text: String) {
        #expect(SSEEventID(text) == nil)
    }

    @Test func aHugeInputIsRefusedByItsLength() {
        #expect(SSEEventID(String(repeating: "1", count: 1 << 20)) == nil)
        #expect(SSEEventID.maximumLength == 28)
    }
}
