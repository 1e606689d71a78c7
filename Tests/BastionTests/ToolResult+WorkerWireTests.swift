import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolResultWorkerWireTests {
    @Test("Every kind of content, the structured content, the error flag and the denial survive the pipe")
    func roundTrip() throws {
        var result = ToolResult(
            content: [
                .text("hello"), .image(base64: "aGk=", mimeType: "image/png"),
                .audio(base64: "aGk=", mimeType: "audio/wav"),
                .resourceLink(uri: "file:///a", name: "a", mimeType: nil),
                .resourceText(uri: "file:///b", mimeType: "text/plain", text: "b"),
                .resourceBlob(uri: "file:///c", mimeType: nil, base64: "Yw=="),
            ],
            structuredContent: ["content": "hello"],
            isError: true
        )
        result.denial = PermissionDenial(permission: "file_read", target: "/etc/x", rule: .denyRule, pattern: "/etc/**")
        let encoded = JSONWriter.encode(result.workerJSON)
        let decoded = try #require(ToolResult(workerJSON: try JSONParser.parse(encoded)))
        #expect(decoded == result)
        #expect(decoded.denial == result.denial)
    }

    @Test(
        "A result that is not one is refused, not half-read",
        arguments: [
            #"{}"#, #"{"content":[{"type":"video"}]}"#, #"{"content":[{"type":"text"}]}"#,
            #"{"content":[],"denial":{"permission":"x","target":"y","rule":"made-up"}}"#,
        ]
    )
    func malformedResultsAreRefused(json: String) throws {
        #expect(ToolResult(workerJSON: try JSONParser.parse(json)) == nil)
    }
}
