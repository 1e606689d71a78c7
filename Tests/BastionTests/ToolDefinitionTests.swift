import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolDefinitionTests {
    private let full = ToolFixtures.tool(
        "whoami",
        title: "Who am I",
        schema: ["type": "object", "additionalProperties": false],
        outputSchema: ["type": "object", "properties": ["client": ["type": "string"]]],
        annotations: .readOnly
    )

    @Test func listingFor20241105HasOnlyTheBasics() {
        #expect(
            full.listing(for: .v2024_11_05) == [
                "name": "whoami", "description": "The whoami tool",
                "inputSchema": ["type": "object", "additionalProperties": false],
            ]
        )
    }

    @Test func annotationsAppearFrom20250326() {
        let listing = full.listing(for: .v2025_03_26)
        #expect(listing["annotations"] == ["readOnlyHint": true, "openWorldHint": false])
        #expect(listing["title"] == nil)
        #expect(listing["outputSchema"] == nil)
    }

    @Test(arguments: [ProtocolVersion.v2025_06_18, .v2025_11_25])
    func titleAndOutputSchemaAppearFrom20250618(version: ProtocolVersion) {
        let listing = full.listing(for: version)
        #expect(listing["title"] == "Who am I")
        #expect(listing["outputSchema"] == ["type": "object", "properties": ["client": ["type": "string"]]])
        #expect(listing["annotations"] == ["readOnlyHint": true, "openWorldHint": false])
        #expect(listing["name"] == "whoami")
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func defaultAnnotationsAndMissingOptionalsAreLeftOut(version: ProtocolVersion) {
        let bare = ToolFixtures.tool("bare")
        #expect(
            bare.listing(for: version) == [
                "name": "bare", "description": "The bare tool", "inputSchema": ["type": "object"],
            ]
        )
    }
}
