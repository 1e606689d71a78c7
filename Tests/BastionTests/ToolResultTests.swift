import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolResultTests {
    @Test func textIsOneSuccessfulTextItem() {
        let result = ToolResult.text("done")
        #expect(result.content == [.text("done")])
        #expect(!result.isError)
        #expect(result.structuredContent == nil)
        #expect(result.json(for: .latest) == ["content": [["type": "text", "text": "done"]]])
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func errorSetsIsError(version: ProtocolVersion) {
        let result = ToolResult.error("no such file")
        #expect(result.isError)
        #expect(result.json(for: version) == ["content": [["type": "text", "text": "no such file"]], "isError": true])
    }

    @Test func structuredRepeatsTheValueAsText() {
        let value: JSONValue = ["b": 2, "a": [true]]
        let result = ToolResult.structured(value)
        #expect(result.structuredContent == value)
        #expect(result.content == [.text(#"{"a":[true],"b":2}"#)])
        #expect(!result.isError)
    }

    @Test(arguments: [ProtocolVersion.v2024_11_05, .v2025_03_26])
    func structuredContentIsLeftOutBefore20250618(version: ProtocolVersion) {
        let json = ToolResult.structured(["n": 1]).json(for: version)
        #expect(json["structuredContent"] == nil)
        #expect(json["content"] == [["type": "text", "text": #"{"n":1}"#]])
    }

    @Test(arguments: [ProtocolVersion.v2025_06_18, .v2025_11_25])
    func structuredContentIsSentFrom20250618(version: ProtocolVersion) {
        let json = ToolResult.structured(["n": 1]).json(for: version)
        #expect(json["structuredContent"] == ["n": 1])
        #expect(json["isError"] == nil)
    }

    @Test func contentItemsAreDowngradedForTheVersion() {
        let result = ToolResult(content: [.text("a"), .resourceLink(uri: "file:///b", name: "b", mimeType: nil)])
        #expect(
            result.json(for: .v2024_11_05)["content"] == [
                ["type": "text", "text": "a"], ["type": "text", "text": "file:///b"],
            ]
        )
    }

    @Test func anErrorFromAToolErrorKeepsItsDenialAndNeverSendsIt() {
        let denial = PermissionDenial(.write, target: "/w/.bashrc", rule: .protected)
        let result = ToolResult.error(ToolError("Permission denied: writing \"/w/.bashrc\"", denial: denial))
        #expect(result.isError)
        #expect(result.denial == denial)
        #expect(
            result.json(for: .latest) == [
                "content": [["type": "text", "text": "Permission denied: writing \"/w/.bashrc\""]], "isError": true,
            ]
        )
    }
}
