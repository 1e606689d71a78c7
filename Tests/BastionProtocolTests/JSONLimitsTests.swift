import Testing

@testable import BastionProtocol

struct JSONLimitsTests {
    @Test func defaultsAreFourMebibytesAndDepthSixtyFour() {
        #expect(JSONLimits.default.maxBytes == 4_194_304)
        #expect(JSONLimits.default.maxDepth == 64)
        #expect(JSONLimits() == .default)
    }

    @Test func initializerAndPropertiesSetEachLimit() {
        var limits = JSONLimits(maxBytes: 10, maxDepth: 2)
        #expect(limits.maxBytes == 10)
        #expect(limits.maxDepth == 2)
        limits.maxDepth = 3
        #expect(limits != JSONLimits(maxBytes: 10, maxDepth: 2))
        #expect(limits == JSONLimits(maxBytes: 10, maxDepth: 3))
    }

    @Test func theParserUsesTheDefaultLimitsWhenNoneAreGiven() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONParser.parse(deepest).arrayValue != nil)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[" + deepest + "]") }
        let large = [UInt8](repeating: 0x20, count: 4_194_304 - 1) + [0x31]
        #expect(try JSONParser.parse(large) == .int(1))
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(large + [0x20]) }
        #expect(error?.code == .tooLarge)
    }
}
