import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ResourceContentsTests {
    @Test func textContentsCarryTheirText() {
        let contents = ResourceContents.text(uri: "bastion://a", mimeType: "text/plain", text: "hello")
        #expect(contents.json == ["uri": "bastion://a", "mimeType": "text/plain", "text": "hello"])
    }

    @Test func blobContentsCarryTheirBase64() {
        let contents = ResourceContents.blob(uri: "bastion://b", mimeType: "image/png", base64: "iVBORw==")
        #expect(contents.json == ["uri": "bastion://b", "mimeType": "image/png", "blob": "iVBORw=="])
    }

    @Test func aMissingMimeTypeIsLeftOut() {
        #expect(ResourceContents.text(uri: "u", mimeType: nil, text: "").json == ["uri": "u", "text": ""])
        #expect(ResourceContents.blob(uri: "u", mimeType: nil, base64: "AA==").json == ["uri": "u", "blob": "AA=="])
    }
}
