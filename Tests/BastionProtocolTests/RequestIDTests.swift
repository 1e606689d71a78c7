import Testing

@testable import BastionProtocol

struct RequestIDTests {
    @Test(arguments: [
        (JSONValue.int(7), RequestID?.some(.int(7))),
        (.int(-1), .int(-1)),
        (.int(.max), .int(.max)),
        (.string("abc"), .string("abc")),
        (.string(""), .string("")),
        (.double(7.0), .int(7)),
        (.double(-2.0), .int(-2)),
    ])
    func readsStringsAndIntegers(json: JSONValue, expected: RequestID?) {
        #expect(RequestID(json: json) == expected)
    }

    @Test(arguments: [
        JSONValue.null, .bool(true), .bool(false), .double(7.5), .double(1e300), .double(.nan), .double(.infinity),
        .array([.int(1)]), .object(["a": .int(1)]),
    ])
    func rejectsEverythingElse(json: JSONValue) {
        #expect(RequestID(json: json) == nil)
    }

    @Test(arguments: [RequestID.int(0), .int(-42), .int(.min), .string("a b"), .string("7"), .string("")])
    func jsonRoundTripsExactly(id: RequestID) {
        #expect(RequestID(json: id.json) == id)
    }

    @Test func jsonKeepsTheKindThePeerSent() {
        #expect(RequestID.int(7).json == .int(7))
        #expect(RequestID.string("7").json == .string("7"))
    }

    @Test func integerAndStringWithTheSameTextAreDifferentIDs() {
        #expect(RequestID.int(1) != .string("1"))
        #expect(Set<RequestID>([.int(1), .string("1"), .int(1)]).count == 2)
    }

    @Test(arguments: [(RequestID.int(42), "42"), (.int(-3), "-3"), (.string("abc"), "\"abc\""), (.string(""), "\"\"")])
    func descriptionQuotesStringsOnly(id: RequestID, expected: String) {
        #expect(id.description == expected)
    }
}
