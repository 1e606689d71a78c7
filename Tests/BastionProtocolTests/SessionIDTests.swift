import Testing

@testable import BastionProtocol

struct SessionIDTests {
    @Test func anIDIs128RandomBitsInHex() {
        let id = SessionID.make()
        #expect(id.hasPrefix("s-"))
        let digits = id.dropFirst(2)
        #expect(digits.count == 32)
        #expect(digits.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func idsDoNotRepeat() {
        let ids = (0..<10_000).map { _ in SessionID.make() }
        #expect(Set(ids).count == ids.count)
    }
}
