import Synchronization
import Testing

@testable import BastionProtocol

struct LazyJSONStringTests {
    static func repeated(_ byte: UInt8, count: Int) -> LazyJSONString {
        LazyJSONString(byteCount: count) { buffer in
            for index in buffer.indices { buffer[index] = byte }
        }
    }

    @Test func theContentIsProducedOnDemand() {
        let calls = Mutex(0)
        let lazy = LazyJSONString(byteCount: 3) { buffer in
            calls.withLock { $0 += 1 }
            buffer.copyBytes(from: "abc".utf8)
        }
        #expect(calls.withLock { $0 } == 0)
        #expect(lazy.string == "abc")
        #expect(lazy.string == "abc")
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func aProducerThatWritesLessLeavesZerosNotStaleMemory() {
        let lazy = LazyJSONString(byteCount: 4) { buffer in buffer[0] = UInt8(ascii: "x") }
        #expect(Array(lazy.string.utf8) == [UInt8(ascii: "x"), 0, 0, 0])
    }

    @Test func equalityComparesTheContent() {
        #expect(Self.repeated(UInt8(ascii: "a"), count: 5) == Self.repeated(UInt8(ascii: "a"), count: 5))
        #expect(Self.repeated(UInt8(ascii: "a"), count: 5) != Self.repeated(UInt8(ascii: "b"), count: 5))
        #expect(Self.repeated(UInt8(ascii: "a"), count: 5) != Self.repeated(UInt8(ascii: "a"), count: 6))
        #expect(
            Set([Self.repeated(UInt8(ascii: "a"), count: 5), Self.repeated(UInt8(ascii: "a"), count: 5)]).count == 1
        )
    }

    @Test func aNegativeCountIsEmpty() {
        #expect(LazyJSONString(byteCount: -3) { _ in }.byteCount == 0)
    }

    @Test func asAJSONValueItIsAString() {
        let value = JSONValue.lazyString(Self.repeated(UInt8(ascii: "q"), count: 2))
        #expect(value.typeName == "string")
        #expect(value.stringValue == "qq")
    }
}
