import Testing

@testable import BastionProtocol

struct FrameTests {
    @Test func framesCompareByContent() {
        #expect(Frame.message(Array("{}".utf8)) == .message([0x7B, 0x7D]))
        #expect(Frame.message([]) != .oversized(byteCount: 0))
        #expect(Frame.oversized(byteCount: 5) != .oversized(byteCount: 6))
    }
}
