import BastionProtocol
import Testing

@testable import Bastion

struct ApprovalDescriberTests {
    @Test func secretsAreMaskedAndLargePayloadsReplacedBySize() {
        let content = String(repeating: "x", count: 5000)
        let summary = ApprovalDescriber.summary(arguments: [
            "path": "notes.txt", "content": .string(content), "api_token": "hunter2",
        ])
        #expect(summary.contains(#"path="notes.txt""#))
        #expect(summary.contains("content=<5000 bytes>"))
        #expect(summary.contains("api_token=<redacted>"))
        #expect(!summary.contains("hunter2"))
    }

    @Test func pathsAndCommandsComeFirst() {
        let rendered = ApprovalDescriber.renderedArguments([
            "alpha": 1, "path": "/srv/a", "command": ["git", "push"],
        ])
        #expect(rendered.map(\.0) == ["command", "path", "alpha"])
        #expect(rendered[0].1 == #"["git","push"]"#)
    }

    @Test func everyValueIsBounded() {
        // 200 short strings pass the redactor (under its size limits) but not the describer's.
        let long = JSONValue.array(Array(repeating: "abcdefgh", count: 30))
        let rendered = ApprovalDescriber.renderedArguments(["list": long])
        #expect(rendered[0].1.count <= ApprovalDescriber.maxValueCharacters)
        #expect(rendered[0].1.hasSuffix("…"))
        let summary = ApprovalDescriber.summary(arguments: ["a": long, "b": long])
        #expect(summary.count <= ApprovalDescriber.maxSummaryCharacters)
    }

    /// Regression (issue 9 B8 review): a path cut to 300 characters hid its `../../keep` end.
    @Test func aPathIsNeverCut() {
        let path = "tmp/cache/" + String(repeating: "./", count: 150) + "../../keep"
        let rendered = ApprovalDescriber.renderedArguments(["path": .string(path), "source": .string(path)])
        #expect(rendered.map(\.1) == ["\"" + path + "\"", "\"" + path + "\""])
        let description = ApprovalDescriber.description(
            clientID: "a",
            tool: ApprovalManagerTests.writer,
            arguments: ["path": .string(path)]
        )
        #expect(description.contains(path))
        let summary = ApprovalDescriber.summary(arguments: ["path": .string(path), "recursive": true])
        #expect(summary == "path=\"\(path)\" recursive=true")
    }

    @Test func controlCharactersCannotForgeLines() {
        let clipped = ApprovalDescriber.clip("ok\nAllowed: yes\u{1b}[2J", to: 100)
        #expect(!clipped.contains("\n"))
        #expect(!clipped.contains("\u{1b}"))
    }

    @Test func theDescriptionNamesClientToolEffectAndArguments() {
        let tool = ToolFixtures.tool("write_file", annotations: ToolAnnotations(destructiveHint: true))
        let text = ApprovalDescriber.description(clientID: "claude", tool: tool, arguments: ["path": "a.txt"])
        #expect(text.hasPrefix(#"Client "claude" wants to call the tool "write_file" (may modify or delete)."#))
        #expect(text.contains(#"  path: "a.txt""#))
        let bare = ApprovalDescriber.description(clientID: "c", tool: ToolFixtures.tool("t"), arguments: [:])
        #expect(bare.hasSuffix("No arguments."))
        #expect(ApprovalDescriber.summary(arguments: [:]) == "(no arguments)")
    }

    @Test func theEffectFollowsTheAnnotations() {
        #expect(ApprovalDescriber.effect(of: .readOnly) == "read-only")
        #expect(ApprovalDescriber.effect(of: ToolAnnotations(destructiveHint: false)) == "modifies, not destructive")
        #expect(ApprovalDescriber.effect(of: ToolAnnotations()) == "may modify or delete")
    }

    @Test func formatAndSeparatorCharactersCannotDisguiseAnArgument() {
        let clipped = ApprovalDescriber.clip("report\u{202E}txt.hs\u{2028}  (read-only)\u{200B}", to: 200)
        #expect(clipped == "report\\u{202E}txt.hs\\u{2028}  (read-only)\\u{200B}")
    }
}
