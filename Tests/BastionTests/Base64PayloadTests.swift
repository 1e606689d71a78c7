import BastionProtocol
import Testing

@testable import Bastion

struct Base64PayloadTests {
    @Test func bytesAreEncodedWhenWrittenAndEqualTheirText() {
        let payload = Base64Payload(encoding: Array("foobar".utf8))
        #expect(payload.count == 8)
        #expect(payload.text == "Zm9vYmFy")
        #expect(payload == "Zm9vYmFy")
        #expect(payload == Base64Payload(base64: "Zm9vYmFy"))
        #expect(payload != "Zm9vYmFz")
        #expect(Set([payload, "Zm9vYmFy"]).count == 1)
    }

    @Test func bytesBecomeALazyStringAndTextAPlainOne() {
        guard case .lazyString(let lazy) = Base64Payload(encoding: [1, 2, 3]).json else {
            Issue.record("bytes should be encoded lazily")
            return
        }
        #expect(lazy.string == "AQID")
        #expect(Base64Payload(base64: "AQID").json == .string("AQID"))
        #expect(JSONWriter.string(Base64Payload(encoding: [1, 2, 3]).json) == #""AQID""#)
    }

    @Test func anEmptyPayloadIsAnEmptyString() {
        #expect(Base64Payload(encoding: []).count == 0)
        #expect(JSONWriter.string(Base64Payload(encoding: []).json) == #""""#)
    }
}
