import Testing

@testable import BastionProtocol

struct JSONValueTests {
    @Test func literalsBuildTheMatchingCases() {
        #expect((true as JSONValue) == .bool(true))
        #expect((42 as JSONValue) == .int(42))
        #expect((1.5 as JSONValue) == .double(1.5))
        #expect(("s" as JSONValue) == .string("s"))
        #expect(([1, "a"] as JSONValue) == .array([.int(1), .string("a")]))
        #expect((["k": 1] as JSONValue) == .object(["k": .int(1)]))
    }

    @Test func intAndDoubleAreDistinctValues() {
        #expect(JSONValue.int(1) != .double(1))
        #expect(Set<JSONValue>([.int(1), .double(1), .string("1")]).count == 3)
    }

    @Test(arguments: [
        (JSONValue.int(3), Int64?.some(3)),
        (.double(3.0), 3),
        (.double(3.5), nil),
        (.double(.nan), nil),
        (.double(1e30), nil),
        (.string("3"), nil),
    ])
    func intValueConvertsOnlyExactIntegers(value: JSONValue, expected: Int64?) {
        #expect(value.intValue == expected)
    }

    @Test func accessorsReturnPayloadsOnlyForTheirCase() {
        let object: JSONValue = ["a": [1, 2], "s": "x", "b": true, "n": .null, "d": 2.5]
        #expect(object["a"]?.arrayValue == [.int(1), .int(2)])
        #expect(object["s"]?.stringValue == "x")
        #expect(object["b"]?.boolValue == true)
        #expect(object["n"]?.isNull == true)
        #expect(object["d"]?.doubleValue == 2.5)
        #expect(object["a"]?.doubleValue == nil)
        #expect(object["missing"] == nil)
        #expect(object.objectValue?.count == 5)
        #expect(JSONValue.int(2).doubleValue == 2.0)
        #expect(JSONValue.string("x")["a"] == nil)
        #expect(JSONValue.string("x").objectValue == nil)
        #expect(JSONValue.int(0).isNull == false)
    }

    @Test(arguments: [
        (JSONValue.null, "null"), (.bool(false), "boolean"), (.int(1), "integer"), (.double(1), "number"),
        (.string(""), "string"), (.array([]), "array"), (.object([:]), "object"),
    ])
    func typeNameFollowsJSONSchema(value: JSONValue, expected: String) {
        #expect(value.typeName == expected)
    }
}
