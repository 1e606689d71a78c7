import Testing

@testable import BastionProtocol

/// Strict base64 (StrictBase64.swift): one accepted text per byte string.
struct StrictBase64Tests {
    @Test(arguments: [("TWFu", "Man"), ("TWE=", "Ma"), ("TQ==", "M"), ("", "")])
    func paddedTextDecodes(text: String, plain: String) {
        #expect(StrictBase64.decode(text) == Array(plain.utf8))
        #expect(StrictBase64.encode(Array(plain.utf8)) == text)
    }

    @Test(arguments: ["TQ=", "T===", "TQ==TQ==", "TQ", "TW u", "TW-u", "TW_u", "TWFu\n", "=TWE"])
    func anythingElseIsRefused(text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }

    /// Review 13 leftover: stray bits before the padding would give one value many texts.
    @Test(arguments: ["TR==", "TWF=", "QR==", "AB=="])
    func strayBitsBeforeThePaddingAreRefused(text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }

    @Test func everyByteRoundTrips() {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0..<8 {
            let slice = Array(bytes.dropFirst(length * 31).prefix(length * 5))
            #expect(StrictBase64.decode(StrictBase64.encode(slice)) == slice)
        }
    }

    @Test func aSliceDecodesInPlace() {
        let text = Array("xxTWFuxx".utf8)
        #expect(StrictBase64.decode(bytes: text[2..<6]) == Array("Man".utf8))
    }
}
