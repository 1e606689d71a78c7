import BastionProtocol
import Testing

@testable import BastionResources

struct Base64Tests {
    /// RFC 4648 §10 test vectors.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func encodesTheRFC4648Vectors(input: String, expected: String) {
        #expect(Base64.encode(Array(input.utf8)) == expected)
    }

    @Test func usesTheStandardAlphabetWithPlusAndSlash() {
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64.encode([0x00, 0x10, 0x83, 0x10, 0x51, 0x87]) == "ABCDEFGH")
    }

    @Test func acceptsNonContiguousCollections() {
        let bytes = Array("foobar".utf8)
        #expect(Base64.encode(bytes.lazy.map { $0 }) == "Zm9vYmFy")
        #expect(Base64.encode(bytes[1...]) == "b29iYXI=")
        #expect(Base64.encode("foob".utf8) == "Zm9vYg==")
    }

    @Test func encodesEveryByteValue() {
        let encoded = Base64.encode((0...255).map { UInt8($0) })
        #expect(encoded.utf8.count == 344)
        #expect(encoded.hasPrefix("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"))
        #expect(encoded.hasSuffix("8PHy8/T19vf4+fr7/P3+/w=="))
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 1_000, 65_537])
    func encodingIntoABufferMatchesTheString(count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        #expect(Base64.encodedCount(count) == Base64.encode(bytes).utf8.count)
        var output = [UInt8](repeating: 0, count: Base64.encodedCount(count))
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBytes { Base64.encode(input, into: $0) }
        }
        #expect(String(decoding: output, as: UTF8.self) == Base64.encode(bytes))
    }

    @Test func theLazyStringIsTheEncodingProducedWhenWritten() {
        let lazy = Base64.lazyJSONString(encoding: Array("foobar".utf8))
        #expect(lazy.byteCount == 8)
        #expect(lazy.string == "Zm9vYmFy")
        #expect(Base64.lazyJSONString(encoding: []).string == "")
    }
}
