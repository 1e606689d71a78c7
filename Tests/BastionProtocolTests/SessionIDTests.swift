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

    @Test func exchangeIDsShareAProcessPrefixAndNeverRepeat() {
        let ids = (0..<1000).map { _ in SessionID.makeExchange() }
        #expect(Set(ids).count == 1000)
        let parts = ids[0].split(separator: "-")
        #expect(parts.count == 3 && parts[0] == "x" && parts[1].count == 16)
        #expect(ids.allSatisfy { $0.hasPrefix("x-\(parts[1])-") })
    }
}
