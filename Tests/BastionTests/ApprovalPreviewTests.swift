import Testing

@testable import Bastion

struct ApprovalPreviewTests {
    @Test func aShortBodyIsKeptWholeBetweenRules() {
        let preview = ApprovalPreview(title: "Creates /w/a.txt (6 bytes):", body: "hello\n")
        #expect(!preview.isTooLarge)
        #expect(preview.body == "hello\n")
        #expect(preview.text.hasPrefix("Creates /w/a.txt (6 bytes):\n─"))
        #expect(preview.text.contains("\nhello\n─"))
    }

    @Test func linesAndTabsStayWhileControlAndBidiCharactersAreEscaped() {
        let preview = ApprovalPreview(title: "t\u{202E}", body: "a\tb\nc\u{202E}d\u{1B}[2J\r\n")
        #expect(preview.title == "t\\u{202E}")
        #expect(preview.body == "a\tb\nc\\u{202E}d\\u{1B}[2J\\u{D}\n")
    }

    @Test func secretsAreMaskedVisiblyInTheTitleAndTheBodyWithAWarning() {
        let preview = ApprovalPreview(
            title: "Creates /w/ghp_0123456789abcdefghijABCDEFGHIJ012345",
            body: "password=hunter2\n"
        )
        #expect(preview.title == "Creates /w/«redacted: token, 40 bytes»")
        #expect(preview.body == "password=«redacted: assigned value, 7 bytes»\n")
        #expect(preview.maskedSpans.count == 2)
        #expect(!preview.text.contains("hunter2"))
        #expect(preview.text.hasPrefix("WARNING: 2 spans that look like secrets are hidden"))
        #expect(preview.text.contains("will be written as sent"))
    }

    @Test func nothingMaskedMeansNoWarning() {
        let preview = ApprovalPreview(title: "t", body: "plain\n")
        #expect(preview.warning == nil && preview.maskedSpans.isEmpty)
        #expect(preview.text.hasPrefix("t\n"))
    }

    @Test func aLongBodyIsKeptWhole() {
        let body = String(repeating: "0123456789\n", count: 10_000)
        let preview = ApprovalPreview(title: "t", body: body)
        #expect(!preview.isTooLarge)
        #expect(preview.body == body)
    }

    @Test func aBodyTooLargeToShowMakesThePreviewRefusable() {
        let body = String(repeating: "0123456789\n", count: 1_000)
        let preview = ApprovalPreview(title: "t", body: body, maximumBytes: 100)
        #expect(preview.isTooLarge)
        #expect(preview.body.isEmpty)
        // Escaping can make a body that fits raw too large: refused as well, never cut.
        let escaped = ApprovalPreview(title: "t", body: String(repeating: "\u{1B}", count: 50), maximumBytes: 100)
        #expect(escaped.isTooLarge)
    }

    @Test func aLongPathInTheTitleIsKeptWhole() {
        let path = "/w/" + String(repeating: "d/", count: 1_500) + "end"
        #expect(ApprovalPreview(title: "Deletes \(path)").title == "Deletes \(path)")
    }

    @Test func aTitleAloneHasNoRules() {
        #expect(
            ApprovalPreview(title: "Edits /w/a; the edits do not apply").text == "Edits /w/a; the edits do not apply"
        )
    }
}
