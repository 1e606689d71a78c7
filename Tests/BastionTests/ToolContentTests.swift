import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolContentTests {
    @Test(arguments: ProtocolVersion.handshakeVersions)
    func textAndImageAreTheSameInEveryVersion(version: ProtocolVersion) {
        #expect(ToolContent.text("hi").json(for: version) == ["type": "text", "text": "hi"])
        #expect(
            ToolContent.image(base64: "iVBO", mimeType: "image/png").json(for: version)
                == ["type": "image", "data": "iVBO", "mimeType": "image/png"]
        )
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func embeddedTextResourcesAreTheSameInEveryVersion(version: ProtocolVersion) {
        #expect(
            ToolContent.resourceText(uri: "file:///a.txt", mimeType: "text/plain", text: "A").json(for: version)
                == ["type": "resource", "resource": ["uri": "file:///a.txt", "mimeType": "text/plain", "text": "A"]]
        )
        #expect(
            ToolContent.resourceText(uri: "file:///a", mimeType: nil, text: "A").json(for: version)
                == ["type": "resource", "resource": ["uri": "file:///a", "text": "A"]]
        )
    }

    @Test func audioBecomesATextNoteBefore20250326() {
        let audio = ToolContent.audio(base64: "UklGRg==", mimeType: "audio/wav")
        #expect(audio.json(for: .v2024_11_05) == ["type": "text", "text": "[audio audio/wav, 8 base64 bytes]"])
    }

    @Test(arguments: [ProtocolVersion.v2025_03_26, .v2025_06_18, .v2025_11_25])
    func audioIsSentFrom20250326(version: ProtocolVersion) {
        let audio = ToolContent.audio(base64: "UklGRg==", mimeType: "audio/wav")
        #expect(audio.json(for: version) == ["type": "audio", "data": "UklGRg==", "mimeType": "audio/wav"])
    }

    @Test(arguments: [ProtocolVersion.v2024_11_05, .v2025_03_26])
    func resourceLinksBecomeTheirURIBefore20250618(version: ProtocolVersion) {
        let link = ToolContent.resourceLink(uri: "file:///notes.txt", name: "notes", mimeType: "text/plain")
        #expect(link.json(for: version) == ["type": "text", "text": "file:///notes.txt"])
    }

    @Test(arguments: [ProtocolVersion.v2025_06_18, .v2025_11_25])
    func resourceLinksAreSentFrom20250618(version: ProtocolVersion) {
        let link = ToolContent.resourceLink(uri: "file:///notes.txt", name: "notes", mimeType: "text/plain")
        #expect(
            link.json(for: version)
                == ["type": "resource_link", "uri": "file:///notes.txt", "name": "notes", "mimeType": "text/plain"]
        )
        let bare = ToolContent.resourceLink(uri: "file:///x", name: "x", mimeType: nil)
        #expect(bare.json(for: version) == ["type": "resource_link", "uri": "file:///x", "name": "x"])
    }
}
